// Bounds the work one gateway process takes on: at most `maxConcurrent` requests are processed at
// once and at most `maxQueue` wait, first come first served. Past that, and while the event loop
// is late, new requests are refused at once, so that the admitted ones keep their latency and
// callers learn to come back instead of waiting until their own timeouts.

export type ShedReason = 'queue_full' | 'queue_wait' | 'event_loop_delay';

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
  /** True while the process is too late on its work to take more. */
  lagging(): boolean;
  onChange?: (active: number, queued: number) => void;
}

interface Queued {
  waiter: Waiter;
  timer: NodeJS.Timeout;
}

export function createAdmissionGate(options: AdmissionGateOptions): AdmissionGate {
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
      // Delay alone, with nothing admitted, is not caused by requests; refusing would not cure it.
      if (active > 0 && options.lagging()) {
        waiter.refuse('event_loop_delay');
        return () => {};
      }
      if (active < options.maxConcurrent && queue.size === 0) {
        active++;
        changed();
        waiter.admit();
        let released = false;
        return () => {
          if (released) return;
          released = true;
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
      const entry: Queued = {
        waiter: {
          admit() {
            state = 'admitted';
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
        }, options.maxQueueWaitMs),
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
