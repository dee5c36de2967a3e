// Exponentially weighted moving average of each target's latency, for least-latency routing.

export interface LatencyTracker {
  observe(key: string, ms: number): void;
  /** The average, or undefined before the first sample. */
  average(key: string): number | undefined;
}

export function createLatencyTracker(alpha: number): LatencyTracker {
  const averages = new Map<string, number>();
  return {
    observe(key, ms) {
      const prev = averages.get(key);
      averages.set(key, prev === undefined ? ms : alpha * ms + (1 - alpha) * prev);
    },
    average: (key) => averages.get(key),
  };
}
