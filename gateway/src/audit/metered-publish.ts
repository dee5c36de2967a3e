// Publishing audit records from the request path with their cost and failures counted in metrics,
// shared by every route that commits records (modelled APIs, pass-through, the model list).
import type { AuditRecordV1 } from '@palisade/audit-core';
import type { GatewayMetrics } from '../metrics/metrics.js';
import type { AuditSink } from './sink.js';

export type AuditPhase = 'decision' | 'outcome';

/** Resolves once the records are durable; rejects (counted as a failure of that phase) otherwise. */
export type MeteredPublish = (records: AuditRecordV1[], phase: AuditPhase) => Promise<void>;

export function createMeteredPublish(deps: { audit: AuditSink; metrics: Pick<GatewayMetrics, 'auditPublishDuration' | 'auditFailures'> }): MeteredPublish {
  return async (records, phase) => {
    const end = deps.metrics.auditPublishDuration.startTimer({ phase });
    try {
      await deps.audit.publish(records);
    } catch (err) {
      deps.metrics.auditFailures.inc({ phase });
      throw err;
    } finally {
      end();
    }
  };
}
