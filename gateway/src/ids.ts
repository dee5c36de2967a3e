// Identifiers and timestamps, derived from an injected clock so tests and replays are exact.
import { randomBytes, randomUUID } from 'node:crypto';
import { newUuidV7 } from '@palisade/audit-core';
import type { AuditIds } from './audit/records.js';

export function createIds(clock: () => number): AuditIds & { decisionId(): string } {
  return {
    decisionId: () => randomUUID(),
    recordId: () => newUuidV7(clock(), (n) => randomBytes(n)),
    isoNow: () => new Date(clock()).toISOString(),
  };
}
