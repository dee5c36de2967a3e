// Watches how much of V8's heap limit the live objects take. Every request's body, parsed JSON
// and classification are on the heap, so a burst of large requests can take a process with a
// bounded heap (as every container gets) past its limit, and V8 then aborts the whole process with
// everything in flight. Refusing new work while the heap is nearly full keeps the admitted
// requests and the process alive.
//
// The reading is taken after each full garbage collection, when the heap holds only live objects:
// heap used at any other moment includes garbage, which V8 lets grow to several times the live
// set before it collects, and shedding on that would refuse work the process has room for.
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

export interface HeapPressure {
  /** True while the live heap after the last full collection was above the threshold. */
  pressed(): boolean;
  close(): void;
}

export interface HeapPressureOptions {
  /** Share of V8's heap limit (0 to 1); 0 turns shedding off. */
  maxRatio: number;
  /** Called with each reading, the live heap as a share of the limit. */
  onReading?: (ratio: number) => void;
}

function isFullCollection(entry: PerformanceEntry): boolean {
  // A gc entry's detail (NodeGCPerformanceDetail) is not on the base type.
  const detail: unknown = 'detail' in entry ? entry.detail : undefined;
  return typeof detail === 'object' && detail !== null && 'kind' in detail && detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR;
}

export function createHeapPressure(options: HeapPressureOptions): HeapPressure {
  let pressed = false;
  const read = (): void => {
    const heap = getHeapStatistics();
    const ratio = heap.used_heap_size / heap.heap_size_limit;
    pressed = options.maxRatio > 0 && ratio > options.maxRatio;
    options.onReading?.(ratio);
  };
  // A first reading, so that a process started with too small a heap for its work says so at once.
  read();
  const observer = new PerformanceObserver((list) => {
    if (list.getEntries().some(isFullCollection)) read();
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    pressed: () => pressed,
    close: () => observer.disconnect(),
  };
}
