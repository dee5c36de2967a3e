// How long to wait before trying a target again: the provider's own Retry-After when it gave
// one, otherwise exponential backoff with full jitter (a random wait between zero and the
// exponential bound, so retrying callers spread out instead of arriving together).

export interface BackoffConfig {
  base_delay_ms: number;
  max_delay_ms: number;
}

/** Full jitter: uniform in [0, min(max, base * 2^(attempt-1))]; `attempt` counts from 1. */
export function backoffDelay(attempt: number, cfg: BackoffConfig, random: () => number): number {
  const bound = Math.min(cfg.max_delay_ms, cfg.base_delay_ms * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * bound);
}

/** The wait before the next attempt, or undefined when the provider asked for longer than `maxRetryAfterMs`. */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, cfg: BackoffConfig & { max_retry_after_ms: number }, random: () => number): number | undefined {
  if (retryAfterMs !== undefined) return retryAfterMs > cfg.max_retry_after_ms ? undefined : retryAfterMs;
  return backoffDelay(attempt, cfg, random);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
