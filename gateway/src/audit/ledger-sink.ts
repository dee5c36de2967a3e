// Embedded audit: the gateway appends records straight to a local Merkle ledger, with the same
// ledger code the audit consumer uses. One fsync is shared by all requests in a batch.
import { canonicalBytes, type AuditRecordV1 } from '@palisade/audit-core';
import type { TileLog } from '@palisade/audit-consumer';
import { GatewayError } from '../errors.js';
import { createBatcher } from './batcher.js';
import type { AuditSink, ComponentStatus } from './sink.js';

/** How long a request waits for the local disk before it is refused. */
const ACK_TIMEOUT_MS = 10_000;

export function createLedgerSink(log: TileLog): AuditSink {
  let closed = false;
  let lastError: string | undefined;
  const batcher = createBatcher<Uint8Array>({
    lingerMs: 0,
    maxBatch: 1000,
    async flush(entries) {
      await log.append(entries);
    },
  });
  return {
    async publish(records: readonly AuditRecordV1[]) {
      if (closed) throw new GatewayError('GW_ERR_SHUTTING_DOWN');
      try {
        await Promise.all(records.map((r) => batcher.submit(canonicalBytes(r), ACK_TIMEOUT_MS)));
        lastError = undefined;
      } catch (cause) {
        lastError = cause instanceof Error ? cause.message : String(cause);
        throw new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', { cause });
      }
    },
    status(): ComponentStatus {
      const s = log.status();
      if (!s.ok) return { ready: false, detail: `ledger: ${s.error ?? 'not writable'}` };
      return lastError === undefined ? { ready: true } : { ready: true, detail: `ledger: last append failed: ${lastError}` };
    },
    async close() {
      closed = true;
      await batcher.drain();
      await log.close();
    },
  };
}
