// Embedded audit: the gateway appends records straight to a local Merkle ledger, with the same
// ledger code the audit consumer uses. Concurrent requests share one journal write and fsync;
// tiles and a signed checkpoint follow on the configured interval.
import type { AuditRecordV1 } from '@palisade/audit-core';
import { isAuditError, type TileLog } from '@palisade/ledger';
import { GatewayError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { createBatcher } from './batcher.js';
import { recordBytes } from './record-bytes.js';
import type { AuditSink } from './sink.js';
import type { ComponentStatus } from '../health.js';

/** How long a request waits for the local disk before it is refused. */
const ACK_TIMEOUT_MS = 10_000;
/** Waits between attempts to reopen a log after a failed write: the disk may take a while to free. */
const REOPEN_MIN_MS = 250;
const REOPEN_MAX_MS = 10_000;

/** Opens the log afresh: it re-reads the journal and the tiles, so what it holds is what the disk holds. */
export type OpenLog = () => Promise<TileLog>;

/**
 * After a failed write or fsync the log refuses further writes (the disk state is unknown), so
 * the sink reopens it, with growing waits, until the disk takes writes again (a full disk that
 * was freed, a device that came back). Meanwhile every record is refused and nothing is forwarded.
 */
export function createLedgerSink(first: TileLog, reopen?: OpenLog, logger?: Logger): AuditSink {
  let log = first;
  let closed = false;
  let lastError: string | undefined;
  let reopening: Promise<void> | undefined;
  let waitMs = REOPEN_MIN_MS;
  let timer: NodeJS.Timeout | undefined;

  const scheduleReopen = (): void => {
    if (!reopen || reopening || timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      reopening = (async () => {
        const old = log;
        await old.close().catch(() => undefined);
        try {
          log = await reopen();
          lastError = undefined;
          waitMs = REOPEN_MIN_MS;
          logger?.warn({ component: 'audit' }, 'the audit ledger was reopened after a failed write; records are accepted again');
        } catch (err) {
          lastError = err instanceof Error ? err.message : String(err);
          waitMs = Math.min(waitMs * 2, REOPEN_MAX_MS);
        }
      })().finally(() => {
        reopening = undefined;
        if (!log.status().ok) scheduleReopen();
      });
    }, waitMs);
    timer.unref();
  };

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
      if (reopening || !log.status().ok) {
        scheduleReopen();
        throw new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', { detail: 'The audit ledger is being reopened after a failed write.' });
      }
      try {
        await Promise.all(bytes.map((b) => batcher.submit(b, ACK_TIMEOUT_MS)));
        lastError = undefined;
      } catch (cause) {
        lastError = cause instanceof Error ? cause.message : String(cause);
        if (!log.status().ok) scheduleReopen();
        throw new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', { cause });
      }
    },
    status(): ComponentStatus {
      const s = log.status();
      if (reopening) return { ready: false, detail: 'ledger: reopening after a failed write' };
      if (!s.ok) return { ready: false, detail: `ledger: ${s.error ?? 'not writable'}` };
      return lastError === undefined ? { ready: true } : { ready: true, detail: `ledger: last append failed: ${lastError}` };
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await reopening;
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
