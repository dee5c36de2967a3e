// Bounds the work one gateway process takes on: at most `maxConcurrent` requests are processed at
// once and at most `maxQueue` wait, first come first served. Past that, and while the event loop
// is late or the heap nearly full, new requests are refused at once, so that the admitted ones keep
// their latency (and the process its memory) and callers learn to come back instead of waiting
// until their own timeouts.
//
// A queued request is refused once it has waited longer than a share of the recent median
// processing time: a request that waits as long again as it will take to serve doubles its
// latency, and past that point a quick 503 with Retry-After serves the caller better than a slow 200.

export type ShedReason = 'queue_full' | 'queue_wait' | 'event_loop_delay' | 'memory_pressure';

export interface Waiter {
  admit(): void;
  refuse(reason: ShedReason): void;
}

export interface AdmissionGate {
  /**
   * Admits the waiter now, queues it, or refuses it (each callback at most once, possibly before
   * this returns). The function returned must be called when the request ends or its caller
   * leaves: it frees the slot, or takes the waiter out of the queue.
   */
  enter(waiter: Waiter): () => void;
  active(): number;
  queued(): number;
}

export interface AdmissionGateOptions {
  maxConcurrent: number;
  maxQueue: number;
  maxQueueWaitMs: number;
  /**
   * A queued request waits at most this share of the median time the last requests spent being
   * processed (never longer than maxQueueWaitMs); 0 leaves only maxQueueWaitMs.
   */
  maxQueueWaitRatio: number;
  /** Milliseconds, monotonic. */
  now?: () => number;
  /** True while the process is too late on its work to take more. */
  lagging(): boolean;
  /** True while the live heap is too close to V8's limit to take more. */
  pressed?: () => boolean;
  onChange?: (active: number, queued: number) => void;
}

interface Queued {
  waiter: Waiter;
  timer: NodeJS.Timeout;
}

/** How many recent processing times the median is taken over, and how often it is recomputed. */
const SAMPLES = 32;
const RECOMPUTE_EVERY = 8;

/** The median of the last SAMPLES processing times, recomputed every RECOMPUTE_EVERY samples. */
function createServiceTime(): { add(ms: number): void; median(): number | undefined } {
  const samples = new Float64Array(SAMPLES);
  let count = 0;
  let next = 0;
  let sinceRecompute = 0;
  let median: number | undefined;
  return {
    add(ms) {
      samples[next] = ms;
      next = (next + 1) % SAMPLES;
      count = Math.min(count + 1, SAMPLES);
      if (median !== undefined && ++sinceRecompute < RECOMPUTE_EVERY) return;
      sinceRecompute = 0;
      const sorted = samples.slice(0, count).sort();
      median = sorted[count >> 1];
    },
    median: () => median,
  };
}

export function createAdmissionGate(options: AdmissionGateOptions): AdmissionGate {
  const now = options.now ?? (() => performance.now());
  const serviceTime = createServiceTime();
  let active = 0;
  // A Set iterates in insertion order and deletes in constant time: a FIFO that callers can leave.
  const queue = new Set<Queued>();
  const changed = (): void => options.onChange?.(active, queue.size);

  function admitNext(): void {
    while (active < options.maxConcurrent) {
      const next = queue.values().next();
      if (next.done === true) return;
      queue.delete(next.value);
      clearTimeout(next.value.timer);
      active++;
      next.value.waiter.admit();
    }
  }

  return {
    enter(waiter) {
      // Delay or a full heap with nothing admitted is not caused by requests; refusing would not
      // cure it, and would refuse for good a process that is idle until its next collection.
      if (active > 0 && options.lagging()) {
        waiter.refuse('event_loop_delay');
        return () => {};
      }
      if (active > 0 && options.pressed?.() === true) {
        waiter.refuse('memory_pressure');
        return () => {};
      }
      if (active < options.maxConcurrent && queue.size === 0) {
        active++;
        changed();
        const admittedAt = now();
        waiter.admit();
        let released = false;
        return () => {
          if (released) return;
          released = true;
          serviceTime.add(now() - admittedAt);
          active--;
          admitNext();
          changed();
        };
      }
      if (queue.size >= options.maxQueue) {
        waiter.refuse('queue_full');
        return () => {};
      }
      let state: 'queued' | 'admitted' | 'done' = 'queued';
      let admittedAt = 0;
      const median = serviceTime.median();
      const waitLimitMs =
        options.maxQueueWaitRatio > 0 && median !== undefined ? Math.min(options.maxQueueWaitMs, Math.max(1, Math.round(options.maxQueueWaitRatio * median))) : options.maxQueueWaitMs;
      const entry: Queued = {
        waiter: {
          admit() {
            state = 'admitted';
            admittedAt = now();
            waiter.admit();
          },
          refuse(reason) {
            state = 'done';
            waiter.refuse(reason);
          },
        },
        timer: setTimeout(() => {
          if (!queue.delete(entry)) return;
          changed();
          entry.waiter.refuse('queue_wait');
        }, waitLimitMs),
      };
      entry.timer.unref();
      queue.add(entry);
      changed();
      return () => {
        if (state === 'queued') {
          state = 'done';
          queue.delete(entry);
          clearTimeout(entry.timer);
          changed();
        } else if (state === 'admitted') {
          state = 'done';
          serviceTime.add(now() - admittedAt);
          active--;
          admitNext();
          changed();
        }
      };
    },
    active: () => active,
    queued: () => queue.size,
  };
}
