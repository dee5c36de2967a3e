// A circuit breaker per target: it opens after consecutive failures or a high failure rate over
// recent calls, rests, then lets a bounded number of probes through (half-open); a probe's
// success closes it, a failure opens it again.

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface BreakerConfig {
  consecutive_failures: number;
  error_rate: number;
  window: number;
  min_calls: number;
  open_ms: number;
  half_open_probes: number;
}

export interface CircuitBreaker {
  /** Whether a call may go to the target now; a half-open circuit admits a bounded number of probes. */
  tryAcquire(now: number): boolean;
  success(now: number): void;
  failure(now: number): void;
  /** A call admitted by tryAcquire that ended with neither success nor failure (the caller left). */
  release(): void;
  state(now: number): CircuitState;
  /** How long until an open circuit admits a probe again; 0 when it admits calls now. */
  retryInMs(now: number): number;
}

export function createCircuitBreaker(cfg: BreakerConfig, onChange: (state: CircuitState) => void = () => {}): CircuitBreaker {
  let state: CircuitState = 'closed';
  let openedAt = 0;
  let consecutive = 0;
  let probes = 0;
  // Ring of recent outcomes (true = failure).
  const ring: boolean[] = [];
  let next = 0;
  let failures = 0;

  const set = (s: CircuitState): void => {
    if (s === state) return;
    state = s;
    onChange(s);
  };
  const record = (failed: boolean): void => {
    if (ring.length < cfg.window) ring.push(failed);
    else {
      if (ring[next]) failures--;
      ring[next] = failed;
      next = (next + 1) % cfg.window;
    }
    if (failed) failures++;
  };
  const reset = (): void => {
    ring.length = 0;
    next = 0;
    failures = 0;
    consecutive = 0;
    probes = 0;
  };
  const open = (now: number): void => {
    openedAt = now;
    probes = 0;
    set('open');
  };
  const current = (now: number): CircuitState => {
    if (state === 'open' && now - openedAt >= cfg.open_ms) {
      probes = 0;
      set('half_open');
    }
    return state;
  };

  return {
    tryAcquire(now) {
      const s = current(now);
      if (s === 'closed') return true;
      if (s === 'open') return false;
      if (probes >= cfg.half_open_probes) return false;
      probes++;
      return true;
    },
    success(now) {
      if (current(now) === 'half_open') {
        reset();
        set('closed');
        return;
      }
      consecutive = 0;
      record(false);
    },
    failure(now) {
      const s = current(now);
      if (s === 'half_open') {
        open(now);
        return;
      }
      if (s === 'open') return;
      consecutive++;
      record(true);
      const rateTripped = ring.length >= cfg.min_calls && failures / ring.length >= cfg.error_rate;
      if (consecutive >= cfg.consecutive_failures || rateTripped) {
        reset();
        open(now);
      }
    },
    release() {
      if (state === 'half_open' && probes > 0) probes--;
    },
    state: current,
    retryInMs(now) {
      return current(now) === 'open' ? Math.max(0, openedAt + cfg.open_ms - now) : 0;
    },
  };
}
