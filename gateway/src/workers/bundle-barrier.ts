// Keeps the workers on one policy bundle. A worker that has verified and prepared a replacement
// bundle asks the primary to agree before it switches; the primary answers every worker waiting on
// that bundle at once, when all running workers are waiting on it. So no worker decides with the
// new policy while another has not got it ready, and they switch within one message of each other.
// A bundle some worker does not get within `timeoutMs` (its source failed, or it was refused there)
// is refused by all, for now: they keep the bundle they agree on and try again at their next poll.

export interface BundleBarrier {
  /** Resolves when every running worker waits on `digest`; rejects after the timeout. */
  agree(slot: number, digest: string): Promise<void>;
  /** The running workers changed (one started listening or exited): waits may now be complete. */
  changed(): void;
}

interface Waiting {
  resolve(): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export function createBundleBarrier(options: { running: () => readonly number[]; timeoutMs: number }): BundleBarrier {
  // digest → slot → its waiting call; a slot waits on one digest at a time.
  const waits = new Map<string, Map<number, Waiting>>();

  function settle(): void {
    const running = options.running();
    for (const [digest, bySlot] of waits) {
      if (running.length === 0 || !running.every((slot) => bySlot.has(slot))) continue;
      waits.delete(digest);
      for (const w of bySlot.values()) {
        clearTimeout(w.timer);
        w.resolve();
      }
    }
  }

  return {
    agree(slot, digest) {
      // A new wait replaces this slot's wait on any other bundle: it has moved on.
      for (const [other, bySlot] of waits) {
        const old = bySlot.get(slot);
        if (other === digest || old === undefined) continue;
        bySlot.delete(slot);
        clearTimeout(old.timer);
        old.reject(new Error('this worker now waits on another bundle'));
        if (bySlot.size === 0) waits.delete(other);
      }
      return new Promise<void>((resolve, reject) => {
        const bySlot = waits.get(digest) ?? new Map<number, Waiting>();
        waits.set(digest, bySlot);
        bySlot.get(slot)?.reject(new Error('asked again'));
        const timer = setTimeout(() => {
          bySlot.delete(slot);
          if (bySlot.size === 0) waits.delete(digest);
          reject(new Error(`not every worker had bundle ${digest} ready within ${options.timeoutMs} ms`));
        }, options.timeoutMs);
        timer.unref();
        bySlot.set(slot, { resolve, reject, timer });
        settle();
      });
    },
    changed: settle,
  };
}
