// Embedded audit: the gateway appends records straight to a local Merkle ledger, with the same
// ledger code the audit consumer uses. Concurrent requests share one journal write and fsync;
// tiles and a signed checkpoint follow on the configured interval.
import type { AuditRecordV1 } from '@palisade/audit-core';
import { isAuditError, type TileLog } from '@palisade/ledger';
import { GatewayError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { createBatcher } from './batcher.js';
import { recordBytes } from './record-bytes.js';
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
      const bytes = records.map(recordBytes);
      try {
        await Promise.all(bytes.map((b) => batcher.submit(b, ACK_TIMEOUT_MS)));
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
      // Closing publishes tiles and a checkpoint over every journalled record.
      await log.close();
    },
  };
}

/**
 * The embedded ledger's stand-in when its journal is damaged: the gateway runs so /readyz can say
 * why (the file and the byte offset), but is never ready and refuses every record, so nothing is
 * forwarded until an operator has run `palisade-audit recover`. Any other failure to open the
 * ledger still stops the start.
 */
export function refuseOnDamagedLedger(err: unknown, logger: Logger): AuditSink {
  if (!isAuditError(err) || err.code !== 'AUD_ERR_JOURNAL_DAMAGED') throw err;
  const { file, offset, copy } = err.data ?? {};
  logger.error({ code: err.code, file, offset, copy }, 'the audit ledger journal is damaged; refusing requests until it is recovered');
  const detail = `ledger: ${err.code}: ${err.message}`;
  return {
    publish() {
      return Promise.reject(new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', { cause: err }));
    },
    status: () => ({ ready: false, detail }),
    close: () => Promise.resolve(),
  };
}
