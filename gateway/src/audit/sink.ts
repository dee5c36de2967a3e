// The audit sink port: the gateway hands it records and waits until they are durable.
import type { AuditRecordV1 } from '@palisade/audit-core';

import type { ComponentStatus } from '../health.js';

export interface AuditSink {
  /** Resolves once every record is durably acknowledged; rejects with GW_ERR_AUDIT_UNAVAILABLE otherwise. */
  publish(records: readonly AuditRecordV1[]): Promise<void>;
  status(): ComponentStatus;
  /** Flushes what was accepted, then releases connections and files. */
  close(): Promise<void>;
}
