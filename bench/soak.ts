// The soak benchmark: one gateway under a steady, mixed load well below saturation for
// BENCH_SOAK_S seconds, its resident size and heap read every 10 s. Memory is flat when every
// resident reading after the warm-up lies within ±10% of their median.
//
// Then, with the load paused, the gateway writes a heap snapshot, serves BENCH_SOAK_DIFF_S more
// seconds of the same load, and writes another; the two are compared per constructor, where a
// leak shows as a constructor whose count grows with the requests served. The snapshots come after
// the soak, not during it, because writing one leaves the process several hundred MiB larger for
// good (memory freed by the snapshot writer stays resident): a snapshot inside the soak would hide
// the gateway's own resident size behind the writer's.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { benchConfig, KEY, rssOf, spawnChild } from './gateway.js';
import { describeMix, expectedStatusShares, mixRequests } from './soak-mix.js';
import { diff, growthTable, SNAPSHOT_SIGNAL, summarise, takeSnapshot, totals } from './soak-heap.js';
import { flatness, startSampler, type Phase, type Sample } from './soak-memory.js';

const REPO = resolve(import.meta.dirname, '..');
const SOAK_S = Number(process.env['BENCH_SOAK_S'] ?? 600);
const WARMUP_S = Number(process.env['BENCH_SOAK_WARMUP_S'] ?? 60);
const DIFF_S = Number(process.env['BENCH_SOAK_DIFF_S'] ?? 120);
const RATE = Number(process.env['BENCH_SOAK_RATE'] ?? 100);
const KEEP = process.env['BENCH_KEEP'] !== undefined;
// The gateway runs with the heap limit it is deployed with: the Helm chart's gateway.heapLimitMiB
// (the container image sets the same). BENCH_SOAK_MAX_OLD_MIB overrides it; `none` leaves V8 to
// size the heap from the machine's memory, as a bare `node` on a large host does.
const MAX_OLD_MIB = heapLimitSetting(process.env['BENCH_SOAK_MAX_OLD_MIB']);
const CONNECTIONS = 16;
const SAMPLE_MS = 10_000;
const IDLE_MS = 5_000;
const TOLERANCE_PCT = 10;
const RSS_BUDGET_MIB = 200;

function heapLimitSetting(override: string | undefined): number | undefined {
  if (override === 'none') return undefined;
  if (override !== undefined) return Number(override);
  const values = readFileSync(join(REPO, 'deploy/helm/palisade/values.yaml'), 'utf8');
  const chart = /^gateway:\n(?:(?: .*)?\n)*?  heapLimitMiB: (\d+)$/m.exec(values);
  if (chart?.[1] === undefined) throw new Error('deploy/helm/palisade/values.yaml has no gateway.heapLimitMiB');
  return Number(chart[1]);
}

interface Served {
  requests: number;
  statuses: Map<number, number>;
  errors: number;
}

const newServed = (): Served => ({ requests: 0, statuses: new Map(), errors: 0 });

async function steady(port: number, seconds: number, served: Served): Promise<void> {
  const r = await autocannon({ url: `http://127.0.0.1:${port}`, connections: CONNECTIONS, overallRate: RATE, duration: seconds, requests: mixRequests(KEY) });
  served.requests += r.requests.total;
  served.errors += r.errors;
  for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) served.statuses.set(Number(code), (served.statuses.get(Number(code)) ?? 0) + (s.count ?? 0));
}

/** Requests the gateway refused under load, by reason, as its /metrics counts them. */
async function shed(port: number): Promise<string> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const hits = [...text.matchAll(/^palisade_http_requests_shed_total\{reason="([^"]+)"\} (\d+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
  return hits.length > 0 ? hits.join(', ') : 'none';
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mib = (n: number): string => n.toFixed(1);

export async function benchSoak(): Promise<string[]> {
  const lines: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'palisade-soak-'));
  const snapshots = join(work, 'snapshots');
  mkdirSync(snapshots);
  const upstream = spawnChild(['--import', 'tsx', join(REPO, 'bench/upstream.ts')]);
  const upstreamPort = Number(await upstream.line);
  writeFileSync(join(work, 'gateway.json'), JSON.stringify(benchConfig(work, upstreamPort)));
  const gateway = spawnChild(
    [
      ...(MAX_OLD_MIB === undefined ? [] : [`--max-old-space-size=${MAX_OLD_MIB}`]),
      `--heapsnapshot-signal=${SNAPSHOT_SIGNAL}`,
      `--diagnostic-dir=${snapshots}`,
      join(REPO, 'gateway/bin/palisade.js'),
      'serve',
      '--config',
      join(work, 'gateway.json'),
    ],
    /^Palisade is listening on /,
  );
  const port = Number(/:(\d+)/.exec(await gateway.line)?.[1]);
  const pid = gateway.proc.pid;
  if (pid === undefined) throw new Error('the gateway has no process id');

  let phase: Phase = 'warm-up';
  const sampler = startSampler(pid, port, SAMPLE_MS, () => phase);
  try {
    const soaked = newServed();
    const warmedUp = setTimeout(() => (phase = 'steady'), WARMUP_S * 1000);
    await steady(port, SOAK_S, soaked);
    clearTimeout(warmedUp);
    phase = 'idle';
    const shedDuringSoak = await shed(port);
    await pause(IDLE_MS);
    const rssBeforeSnapshot = rssOf(pid);
    const first = await takeSnapshot(pid, snapshots);
    const rssAfterSnapshot = rssOf(pid);
    phase = 'diff';
    const between = newServed();
    await steady(port, DIFF_S, between);
    phase = 'idle';
    await pause(IDLE_MS);
    const last = await takeSnapshot(pid, snapshots);
    sampler.stop();

    lines.push(`Soak: ${SOAK_S} s at ${RATE} req/s over ${CONNECTIONS} connections (${describeMix()}); warm-up ${WARMUP_S} s; memory read every ${SAMPLE_MS / 1000} s; ${MAX_OLD_MIB === undefined ? 'heap limit left to V8' : `gateway run with --max-old-space-size=${MAX_OLD_MIB}`}`, '');
    lines.push(...report(sampler.samples, soaked), `  shed by the gateway: ${shedDuringSoak}`, '');

    const before = summarise(first);
    const after = summarise(last);
    const rows = diff(before, after);
    const tb = totals(before);
    const ta = totals(after);
    lines.push(
      `Heap snapshots after the soak and after ${DIFF_S} s more of the same load (${between.requests} requests: ${statusLine(between)}), each after ${IDLE_MS / 1000} s idle.`,
      `The first snapshot took the resident size from ${mib(rssBeforeSnapshot)} to ${mib(rssAfterSnapshot)} MiB.`,
      `  live objects ${tb.count} -> ${ta.count} (${signed(ta.count - tb.count)}), self size ${mib(tb.bytes / 1048576)} -> ${mib(ta.bytes / 1048576)} MiB`,
      '',
      'Top 15 by growth in bytes:',
      ...growthTable(rows, 'bytes'),
      '',
      'Top 15 by growth in count:',
      ...growthTable(rows, 'count'),
    );
    if (KEEP) lines.push('', `snapshots kept: ${first} ${last}`);
  } finally {
    sampler.stop();
    gateway.proc.kill('SIGTERM');
    upstream.proc.kill('SIGTERM');
    await pause(500);
    if (!KEEP) rmSync(work, { recursive: true, force: true });
  }
  return lines;
}

const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));

function statusLine(served: Served): string {
  const expected = expectedStatusShares();
  return [...served.statuses]
    .sort(([a], [b]) => a - b)
    .map(([c, n]) => `${c} ×${n} (${((n / served.requests) * 100).toFixed(1)}%, expected ${((expected.get(c) ?? 0) * 100).toFixed(0)}%)`)
    .join(', ');
}

function report(samples: Sample[], served: Served): string[] {
  const out = ['  t (s)  phase    RSS  heap used  heap committed  external  rest   load   (MiB; rest = RSS − committed − external)'];
  for (const s of samples) {
    const rest = s.rssMiB - s.heapTotalMiB - s.externalMiB;
    out.push(`  ${String(s.atS).padStart(5)}  ${s.phase.padEnd(7)}  ${mib(s.rssMiB).padStart(5)}  ${mib(s.heapMiB).padStart(9)}  ${mib(s.heapTotalMiB).padStart(14)}  ${mib(s.externalMiB).padStart(8)}  ${mib(rest).padStart(5)}  ${s.load1.toFixed(1).padStart(5)}`);
  }
  const window = samples.filter((s) => s.phase === 'steady');
  const rss = flatness(window, (s) => s.rssMiB, TOLERANCE_PCT);
  const heap = flatness(window, (s) => s.heapMiB, TOLERANCE_PCT);
  const committed = flatness(window, (s) => s.heapTotalMiB, TOLERANCE_PCT);
  const rest = flatness(window, (s) => s.rssMiB - s.heapTotalMiB - s.externalMiB, TOLERANCE_PCT);
  const secondHalf = flatness(window.slice(Math.floor(window.length / 2)), (s) => s.rssMiB, TOLERANCE_PCT);
  out.push(
    '',
    `requests ${served.requests}, connection errors ${served.errors}; statuses ${statusLine(served)}`,
    `after warm-up (${rss.n} readings): RSS min ${mib(rss.min)}  max ${mib(rss.max)}  last ${mib(rss.last)}  median ${mib(rss.median)} MiB; spread ${rss.spreadPct.toFixed(1)}% of the median (−${rss.belowPct.toFixed(1)}% / +${rss.abovePct.toFixed(1)}%), trend ${rss.slopePerMin.toFixed(2)} MiB/min`,
    `  second half alone (${secondHalf.n} readings): RSS ${mib(secondHalf.min)}–${mib(secondHalf.max)} MiB, spread ${secondHalf.spreadPct.toFixed(1)}%, trend ${secondHalf.slopePerMin.toFixed(2)} MiB/min`,
    `  heap used ${mib(heap.min)}–${mib(heap.max)} MiB (trend ${heap.slopePerMin.toFixed(2)} MiB/min); heap committed ${mib(committed.min)}–${mib(committed.max)} MiB (trend ${committed.slopePerMin.toFixed(2)}); rest ${mib(rest.min)}–${mib(rest.max)} MiB (trend ${rest.slopePerMin.toFixed(2)})`,
    `resident size within ${RSS_BUDGET_MIB} MiB after warm-up: ${rss.max <= RSS_BUDGET_MIB ? 'yes' : 'no'} (max ${mib(rss.max)} MiB)`,
    `resident size flat within ±${TOLERANCE_PCT}% of the median after warm-up: ${rss.pass ? 'PASS' : 'FAIL'}`,
  );
  return out;
}
