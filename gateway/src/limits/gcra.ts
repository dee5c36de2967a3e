// The generic cell rate algorithm (GCRA): one "theoretical arrival time" per counter decides
// whether a request of some cost fits in a window. The Redis scripts implement the same arithmetic.

/** Slack for floating-point division: 7 requests in 10 s must fit exactly 7 times. */
export const GCRA_EPSILON = 1e-6;

export interface GcraLimit {
  /** Requests or tokens per window. */
  limit: number;
  windowMs: number;
}

export interface GcraVerdict {
  allowed: boolean;
  /** The counter's new arrival time when allowed; the unchanged one otherwise. */
  tat: number;
  /** Requests or tokens still available right now (after this request when allowed). */
  remaining: number;
  /** Until the counter is back to its full allowance. */
  resetMs: number;
  /** Until this request would fit; 0 when allowed, Infinity when it can never fit. */
  retryAfterMs: number;
}

/**
 * Checks a request of `cost` units against a counter whose arrival time is `stored` (undefined
 * for a fresh counter). A counter in debt (past usage corrected upwards) refuses even cost 0.
 */
export function gcraCheck(stored: number | undefined, now: number, l: GcraLimit, cost: number): GcraVerdict {
  const interval = l.windowMs / l.limit;
  const tat = stored === undefined || stored < now ? now : stored;
  const next = tat + cost * interval;
  if (next - now <= l.windowMs + GCRA_EPSILON) {
    return { allowed: true, tat: next, remaining: Math.max(0, Math.floor((l.windowMs - (next - now)) / interval + GCRA_EPSILON)), resetMs: next - now, retryAfterMs: 0 };
  }
  const retryAfterMs = cost * interval > l.windowMs + GCRA_EPSILON ? Infinity : next - l.windowMs - now;
  return { allowed: false, tat, remaining: Math.max(0, Math.floor((l.windowMs - (tat - now)) / interval + GCRA_EPSILON)), resetMs: tat - now, retryAfterMs };
}

/**
 * Moves a counter by `delta` units after the fact (a usage correction or a refund). Returns the
 * new arrival time, or undefined when the counter is back to full and can be forgotten.
 */
export function gcraAdjust(stored: number | undefined, now: number, l: GcraLimit, delta: number): number | undefined {
  const interval = l.windowMs / l.limit;
  let tat: number;
  if (delta >= 0) tat = (stored === undefined || stored < now ? now : stored) + delta * interval;
  else if (stored === undefined) return undefined;
  else tat = stored + delta * interval;
  return tat <= now ? undefined : tat;
}
