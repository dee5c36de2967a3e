// Keeps the index current: reads each log's entries past what the index holds, up to the published checkpoint, and notes each new checkpoint.
import { TILE_WIDTH, toBase64 } from '@palisade/audit-core';
import type { LedgerLog } from '@palisade/ledger';
import type { LedgerFolder } from './ledger-folder.js';
import type { ConsoleLogger } from './options.js';
import type { RecordIndex } from './record-index.js';

const BUNDLES_PER_TRANSACTION = 16;

export interface TailResult {
  logs: number;
  entries: number;
  records: number;
}

async function indexLog(index: RecordIndex, log: LedgerLog, now: number): Promise<{ entries: number; records: number }> {
  const { size, root } = log.published();
  index.noteCheckpoint(log.name, size, toBase64(root), now);
  // Bundles below the pruned mark are gone; their records cannot be indexed (the tree still proves them).
  let from = Math.max(index.indexedSize(log.name), Math.floor(log.prunedBelow() / TILE_WIDTH) * TILE_WIDTH);
  let entries = 0;
  let records = 0;
  while (from < size) {
    // Several bundles per transaction: a commit per bundle would cost more than the inserts.
    const to = Math.min(size, (Math.floor(from / TILE_WIDTH) + BUNDLES_PER_TRANSACTION) * TILE_WIDTH);
    const batch: Uint8Array[] = [];
    for (let i = from; i < to; i++) batch.push(await log.readEntry(i));
    records += index.addEntries(log.name, from, batch);
    entries += batch.length;
    from = to;
  }
  return { entries, records };
}

export class IndexTailer {
  #running: Promise<TailResult> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastError: string | undefined;

  constructor(
    readonly index: RecordIndex,
    readonly folder: LedgerFolder,
    readonly clock: () => number,
    readonly logger?: ConsoleLogger,
  ) {}

  /** Brings the index up to the published checkpoints; concurrent calls share one pass. */
  catchUp(): Promise<TailResult> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(): Promise<TailResult> {
    const result: TailResult = { logs: 0, entries: 0, records: 0 };
    for (const name of await this.folder.names()) {
      try {
        const log = await this.folder.open(name);
        if (!log) continue;
        const r = await indexLog(this.index, log, this.clock());
        result.logs++;
        result.entries += r.entries;
        result.records += r.records;
        this.#lastError = undefined;
      } catch (err) {
        // One damaged log must not stop the others being indexed; `verify` names the damage.
        this.#lastError = `${name}: ${err instanceof Error ? err.message : String(err)}`;
        this.logger?.warn({ log: name, err }, 'the console could not index a log');
      }
    }
    return result;
  }

  start(intervalMs: number): void {
    const tick = (): void => {
      this.#timer = setTimeout(() => {
        void this.catchUp().finally(() => {
          if (this.#timer) tick();
        });
      }, intervalMs);
      this.#timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  lastError(): string | undefined {
    return this.#lastError;
  }
}
