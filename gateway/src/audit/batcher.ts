// Serialises writes to an audit sink and lets concurrent requests share one durable write
// (one produce round trip or one fsync), which keeps the audit cost per request small.

export interface BatcherOptions<T> {
  /** Writes one batch durably; rejects if any item was not made durable. */
  flush(items: T[]): Promise<void>;
  /** Extra time to wait for more items before a flush; 0 flushes on the next tick. */
  lingerMs: number;
  maxBatch: number;
}

export class BatchTimeoutError extends Error {
  constructor() {
    super('the audit sink did not acknowledge in time');
    this.name = 'BatchTimeoutError';
  }
}

interface Pending<T> {
  item: T;
  resolve(): void;
  reject(err: unknown): void;
  settled: boolean;
  timer?: NodeJS.Timeout;
}

/**
 * `idle`: nothing queued or being written; `gathering`: a write starts on the next turn of the
 * event loop and an item submitted now joins it; `writing`: a write is under way and an item
 * submitted now waits for it to end before its own write starts.
 */
export type BatcherState = 'idle' | 'gathering' | 'writing';

export interface Batcher<T> {
  /** Resolves once `item` is durable; rejects on failure, or after `timeoutMs` if it was not yet written. */
  submit(item: T, timeoutMs: number): Promise<void>;
  /** Resolves when everything submitted so far has been written or has failed. */
  drain(): Promise<void>;
  /** Items submitted and not yet handed to a write. */
  pending(): number;
  state(): BatcherState;
}

export function createBatcher<T>(options: BatcherOptions<T>): Batcher<T> {
  let queue: Pending<T>[] = [];
  let running: Promise<void> | undefined;
  let scheduled = false;

  function settle(p: Pending<T>, err?: unknown): void {
    if (p.settled) return;
    p.settled = true;
    if (p.timer) clearTimeout(p.timer);
    if (err === undefined) p.resolve();
    else p.reject(err);
  }

  async function run(): Promise<void> {
    while (queue.length > 0) {
      // Items whose caller already gave up are not written: their request was refused, so a
      // record of it being forwarded would be false.
      const live = queue.filter((p) => !p.settled);
      const batch = live.slice(0, options.maxBatch);
      queue = live.slice(options.maxBatch);
      if (batch.length === 0) continue;
      // Once handed to the sink an item can no longer be withdrawn, so its timer stops here and
      // the caller waits for the real outcome.
      for (const p of batch) if (p.timer) clearTimeout(p.timer);
      try {
        await options.flush(batch.map((p) => p.item));
        for (const p of batch) settle(p);
      } catch (err) {
        for (const p of batch) settle(p, err);
      }
    }
  }

  function schedule(): void {
    if (running || scheduled) return;
    scheduled = true;
    const start = (): void => {
      scheduled = false;
      running = run().finally(() => {
        running = undefined;
        if (queue.length > 0) schedule();
      });
    };
    if (options.lingerMs > 0) setTimeout(start, options.lingerMs);
    else setImmediate(start);
  }

  return {
    submit(item, timeoutMs) {
      return new Promise<void>((resolve, reject) => {
        const p: Pending<T> = { item, resolve, reject, settled: false };
        p.timer = setTimeout(() => settle(p, new BatchTimeoutError()), timeoutMs);
        // The waiting request keeps the process alive; the timer alone must not (e.g. after close).
        p.timer.unref();
        queue.push(p);
        schedule();
      });
    },
    async drain() {
      while (running || scheduled || queue.some((p) => !p.settled)) {
        await (running ?? new Promise<void>((r) => setImmediate(r)));
      }
    },
    pending: () => queue.length,
    state: () => (running ? 'writing' : scheduled ? 'gathering' : 'idle'),
  };
}
