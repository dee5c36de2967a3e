// Cuts request bodies that trickle in. A client sending a few bytes a second holds a connection,
// a processing slot and a parser open for as long as Node's request timeout allows; past a grace
// period the body must arrive at least at the configured rate. Time when the gateway itself is
// not reading (bytes wait unread in its buffer) is not held against the client.
import type { IncomingMessage } from 'node:http';

export interface BodyRateGuard {
  /** Watches the request's body until it is complete or the request ends; `tooSlow` is called at most once. */
  watch(req: IncomingMessage, tooSlow: () => void): () => void;
  close(): void;
}

export interface BodyRateOptions {
  /** 0 turns the guard off. */
  minBytesPerS: number;
  graceMs: number;
  clock: () => number;
  checkEveryMs?: number;
}

interface Watched {
  req: IncomingMessage;
  tooSlow: () => void;
  since: number;
  bytesAtStart: number;
}

export function createBodyRateGuard(options: BodyRateOptions): BodyRateGuard {
  const watched = new Set<Watched>();
  let timer: NodeJS.Timeout | undefined;

  function check(): void {
    const now = options.clock();
    for (const w of watched) {
      if (w.req.complete || w.req.destroyed) {
        watched.delete(w);
        continue;
      }
      const bytes = w.req.socket.bytesRead;
      // Unread bytes in our buffer mean the gateway is the slow one: the client's clock restarts.
      if (w.req.readableLength > 0) {
        w.since = now;
        w.bytesAtStart = bytes;
        continue;
      }
      const elapsed = now - w.since;
      if (elapsed < options.graceMs) continue;
      if (((bytes - w.bytesAtStart) * 1000) / Math.max(elapsed, 1) >= options.minBytesPerS) continue;
      watched.delete(w);
      w.tooSlow();
    }
    if (watched.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  return {
    watch(req, tooSlow) {
      if (options.minBytesPerS === 0 || req.complete) return () => {};
      const w: Watched = { req, tooSlow, since: options.clock(), bytesAtStart: req.socket.bytesRead };
      watched.add(w);
      if (timer === undefined) {
        timer = setInterval(check, options.checkEveryMs ?? 500);
        timer.unref();
      }
      return () => void watched.delete(w);
    },
    close() {
      watched.clear();
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
