// Builds the audit record of a console action, naming the person who did it; the host appends it to the ledger.
import { randomBytes } from 'node:crypto';
import { newUuidV7, type AuditConsoleAction, type AuditRecordV1 } from '@palisade/audit-core';
import type { ConsolePerson } from './options.js';

export function consoleActionRecord(
  person: ConsolePerson,
  action: AuditConsoleAction,
  context: { hostId: string; route: string; nowMs: number; clientAddress?: string },
): AuditRecordV1 {
  const id = newUuidV7(context.nowMs, (n) => randomBytes(n));
  return {
    schema_version: 1,
    record_id: id,
    decision_id: id,
    phase: 'console',
    timestamp: new Date(context.nowMs).toISOString(),
    gateway_id: context.hostId,
    principal: {
      sub: person.sub,
      iss: person.iss,
      roles: [...person.roles],
      auth: person.auth,
      ...(person.tenant !== undefined ? { tenant: person.tenant } : {}),
      ...(person.credential_id !== undefined ? { credential_id: person.credential_id } : {}),
    },
    request: { api: 'console', route: context.route, stream: false, ...(context.clientAddress !== undefined ? { client_address: context.clientAddress } : {}) },
    console: action,
  };
}
