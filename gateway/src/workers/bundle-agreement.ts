// How long workers wait for each other on a new policy bundle: long enough for every worker's
// next poll of the bundle source (polls are jittered by ±10%), and never less than 10 s.
export function bundleAgreementMs(pollIntervalMs: number): number {
  return Math.max(10_000, Math.ceil(pollIntervalMs * 2.5));
}

/** A worker waits a little longer than the primary, whose answer (yes, or time is up) decides. */
export const WORKER_GRACE_MS = 5000;
