// Memory readings of the soaked gateway: resident size from /proc (what the kernel charges the
// process, so what a container limit sees) and V8's heap, used and committed, and the memory
// outside it from the gateway's /metrics, which together say where resident memory went.
import { loadavg } from 'node:os';
import { rssOf } from './gateway.js';

/** `diff` is the stretch between the two heap snapshots, whose memory the first snapshot inflates. */
export type Phase = 'warm-up' | 'steady' | 'idle' | 'diff';

export interface Sample extends HeapFigures {
  atS: number;
  phase: Phase;
  rssMiB: number;
  /** The machine's one-minute load average: other work on the machine slows the gateway down. */
  load1: number;
}

export interface HeapFigures {
  heapMiB: number;
  /** What V8 has committed for its heap: used, free and not yet collected. */
  heapTotalMiB: number;
  /** Memory of Buffers and ArrayBuffers, outside the V8 heap. */
  externalMiB: number;
}

export async function heapFigures(port: number): Promise<HeapFigures> {
  let text = '';
  try {
    text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  } catch {
    // A reading the gateway could not answer stays empty rather than ending the soak.
  }
  const value = (name: string): number => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text)?.[1] ?? NaN) / 1024 / 1024;
  return { heapMiB: value('palisade_nodejs_heap_size_used_bytes'), heapTotalMiB: value('palisade_nodejs_heap_size_total_bytes'), externalMiB: value('palisade_nodejs_external_memory_bytes') };
}

/** Reads memory every `everyMs` until stopped, tagging each reading with the phase in force. */
export function startSampler(pid: number, port: number, everyMs: number, phase: () => Phase): { samples: Sample[]; stop: () => void } {
  const samples: Sample[] = [];
  const t0 = Date.now();
  const read = async (): Promise<void> => {
    const at = phase();
    const rssMiB = rssOf(pid);
    const load1 = loadavg()[0] ?? NaN;
    samples.push({ atS: Math.round((Date.now() - t0) / 1000), phase: at, rssMiB, ...(await heapFigures(port)), load1 });
  };
  void read();
  const timer = setInterval(() => void read(), everyMs);
  return { samples, stop: () => clearInterval(timer) };
}

export interface Flatness {
  n: number;
  min: number;
  max: number;
  last: number;
  median: number;
  /** (max − min) as a percentage of the median. */
  spreadPct: number;
  /** How far below and above the median the extremes lie, in percent. */
  belowPct: number;
  abovePct: number;
  /** Least-squares trend over the window, MiB per minute. */
  slopePerMin: number;
  pass: boolean;
}

export function flatness(samples: Sample[], pick: (s: Sample) => number, tolerancePct: number): Flatness {
  const values = samples.map(pick).filter((v) => Number.isFinite(v));
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
  const min = sorted[0] ?? NaN;
  const max = sorted.at(-1) ?? NaN;
  const belowPct = ((median - min) / median) * 100;
  const abovePct = ((max - median) / median) * 100;
  return {
    n: values.length,
    min,
    max,
    last: values.at(-1) ?? NaN,
    median,
    spreadPct: ((max - min) / median) * 100,
    belowPct,
    abovePct,
    slopePerMin: slope(samples.filter((s) => Number.isFinite(pick(s))).map((s) => [s.atS / 60, pick(s)])),
    pass: values.length >= 2 && belowPct <= tolerancePct && abovePct <= tolerancePct,
  };
}

function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return num / den;
}
