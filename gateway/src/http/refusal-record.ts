// Every request the gateway refuses leaves a decision record, whatever refused it (identity, the
// HTTP edge, a malformed body, an unknown route). Refusals share identity's flood bound: past
// `identity.denial_audit`'s rate they are counted into summary records instead of one each.
import type { ApiName } from '../api-names.js';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { ERRORS, GatewayError, isGatewayError } from '../errors.js';
import { decisionRecord, type AuditIds } from '../audit/records.js';
import type { AuditSink } from '../audit/sink.js';
import type { Authenticator } from '../identity/authenticate.js';
import { anonymousPrincipal, type Principal } from '../identity/index.js';
import type { GatewayMetrics } from '../metrics/metrics.js';

export interface Refusal {
  decisionId: string;
  api: ApiName;
  route: string;
  principal?: Principal;
  clientAddress?: string;
}

export interface RefusalRecorderDeps {
  audit: AuditSink;
  ids: AuditIds;
  gatewayId: string;
  authenticator: Pick<Authenticator, 'admitDenial'>;
  metrics: Pick<GatewayMetrics, 'auditFailures'>;
}

export interface RefusalRecorder {
  /**
   * Records the refusal, or counts it for a summary past the rate; resolves to whether it got a
   * record of its own. Rejects with GW_ERR_AUDIT_UNAVAILABLE when the record cannot be written.
   */
  record(refusal: Refusal, error: GatewayError): Promise<boolean>;
}

/** A 404's detail is the request target, which the caller chose; the ledger keeps only the code's message. */
function recordedMessage(error: GatewayError): string {
  return error.code === 'GW_ERR_NOT_FOUND' ? ERRORS[error.code].message : error.message;
}

export function createRefusalRecorder(deps: RefusalRecorderDeps): RefusalRecorder {
  return {
    async record(refusal, error) {
      if (!deps.authenticator.admitDenial(error.code, refusal.api, refusal.route)) return false;
      const request: AuditRecordV1['request'] = { api: refusal.api, route: refusal.route, stream: false };
      if (refusal.clientAddress !== undefined) request.client_address = refusal.clientAddress;
      let principal = refusal.principal ?? anonymousPrincipal();
      // The request's own record did not fit a ledger entry; its refusal names the person without the roles that made it too large.
      if (error.code === 'GW_ERR_AUDIT_RECORD_TOO_LARGE') principal = { sub: principal.sub, iss: principal.iss, roles: [], auth: principal.auth };
      const base = { decisionId: refusal.decisionId, gatewayId: deps.gatewayId, principal, request };
      const record = decisionRecord(deps.ids, base, { error: { code: error.code, message: recordedMessage(error) } });
      try {
        await deps.audit.publish([record]);
      } catch (cause) {
        deps.metrics.auditFailures.inc({ phase: 'decision' });
        throw isGatewayError(cause) && cause.code === 'GW_ERR_AUDIT_UNAVAILABLE' ? cause : new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', { cause });
      }
      return true;
    },
  };
}

export interface RecordTracker {
  /** The sink to hand to request handlers: it notes which open decisions have a durable record. */
  readonly audit: AuditSink;
  open(decisionId: string): void;
  close(decisionId: string): void;
  /** True when a record of this open decision is durable, so a refusal needs no further one. */
  recorded(decisionId: string): boolean;
}

/** Lets the error handler tell refusals a handler already recorded from those nobody recorded. */
export function createRecordTracker(audit: AuditSink): RecordTracker {
  const open = new Map<string, boolean>();
  return {
    audit: {
      async publish(records) {
        await audit.publish(records);
        for (const r of records) if (open.has(r.decision_id)) open.set(r.decision_id, true);
      },
      status: () => audit.status(),
      close: () => audit.close(),
    },
    open: (id) => void open.set(id, false),
    close: (id) => void open.delete(id),
    recorded: (id) => open.get(id) === true,
  };
}
