// The rate limit headers callers and SDKs read: x-ratelimit-limit/remaining/reset for the limit
// closest to running out, and Retry-After (seconds, RFC 9110) with retry-after-ms on refusals.

export interface HeaderSource {
  limit: number;
  remaining: number;
  resetMs: number;
}

/** The limit with the smallest share left, which is the one a caller should pace by. */
export function tightest<T extends HeaderSource>(states: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const s of states) if (best === undefined || s.remaining / s.limit < best.remaining / best.limit) best = s;
  return best;
}

export function rateLimitHeaders(s: HeaderSource): Record<string, string> {
  return {
    'x-ratelimit-limit': String(s.limit),
    'x-ratelimit-remaining': String(Math.max(0, s.remaining)),
    // Delta seconds until the allowance is whole again, as draft-ietf-httpapi-ratelimit-headers does.
    'x-ratelimit-reset': String(Math.max(0, Math.ceil(s.resetMs / 1000))),
  };
}

/**
 * Retry-After for a refusal. `Infinity` (the request can never fit, or a budget that only a new
 * period restores is better not retried by SDKs) gives x-should-retry: false, which the OpenAI and
 * Anthropic SDKs honour.
 */
export function retryHeaders(retryAfterMs: number, retryable: boolean): Record<string, string> {
  if (!Number.isFinite(retryAfterMs)) return { 'x-should-retry': 'false' };
  const ms = Math.max(1, Math.ceil(retryAfterMs));
  const out: Record<string, string> = { 'retry-after': String(Math.ceil(ms / 1000)), 'retry-after-ms': String(ms) };
  if (!retryable) out['x-should-retry'] = 'false';
  return out;
}
