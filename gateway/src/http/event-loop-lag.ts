// Watches the event loop's delay. When its 99th percentile over the last window passes the
// threshold, the process is already late on the work it has: taking more would only make every
// admitted request later, so the admission gate refuses new requests until it recovers.
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LagMonitor {
  /** True while the last window's p99 delay was above the threshold. */
  lagging(): boolean;
  close(): void;
}

export interface LagMonitorOptions {
  /** 0 turns shedding on delay off (the delay is still measured for the metric). */
  thresholdMs: number;
  windowMs?: number;
  onWindow?: (p99Ms: number) => void;
}

export function createLagMonitor(options: LagMonitorOptions): LagMonitor {
  const windowMs = options.windowMs ?? 1000;
  // A 10 ms sampling resolution is far below the delays that matter and costs nothing measurable.
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let lagging = false;
  const timer = setInterval(() => {
    const p99Ms = histogram.count > 0 ? histogram.percentile(99) / 1e6 : 0;
    histogram.reset();
    lagging = options.thresholdMs > 0 && p99Ms > options.thresholdMs;
    options.onWindow?.(p99Ms);
  }, windowMs);
  timer.unref();
  return {
    lagging: () => lagging,
    close() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
