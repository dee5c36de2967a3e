// The soak benchmark: the full gateway under sustained load for several rounds, reading its heap
// and resident memory from /metrics after each round's idle pause. A leak shows as heap growing
// with the number of requests served; a plateau after the first rounds is the expected shape.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchConfig, KEY, load, spawnChild } from './gateway.js';

const REPO = resolve(import.meta.dirname, '..');
const ROUNDS = Number(process.env['BENCH_SOAK_ROUNDS'] ?? 6);

async function memory(port: number): Promise<{ heapMiB: number; rssMiB: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (name: string): number => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text)?.[1] ?? NaN) / 1024 / 1024;
  return { heapMiB: value('palisade_nodejs_heap_size_used_bytes'), rssMiB: value('palisade_process_resident_memory_bytes') };
}

export async function benchSoak(): Promise<string[]> {
  const lines: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'palisade-soak-'));
  const upstream = spawnChild(['--import', 'tsx', join(REPO, 'bench/upstream.ts')]);
  const upstreamPort = Number(await upstream.line);
  writeFileSync(join(work, 'gateway.json'), JSON.stringify(benchConfig(work, upstreamPort)));
  const gateway = spawnChild([join(REPO, 'gateway/bin/palisade.js'), 'serve', '--config', join(work, 'gateway.json')], /^Palisade is listening on /);
  const port = Number(/:(\d+)/.exec(await gateway.line)?.[1]);
  const auth = { authorization: `Bearer ${KEY}` };
  try {
    const start = await memory(port);
    lines.push(`Soak: ${ROUNDS} rounds of 64 connections, a 2 s pause before each reading (heap used / resident, MiB)`, '');
    lines.push(`  start          heap ${start.heapMiB.toFixed(1)}  rss ${start.rssMiB.toFixed(0)}`);
    let served = 0;
    const readings: { served: number; heapMiB: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const r = await load(port, '/v1/chat/completions', auth);
      served += r.rps * Number(process.env['BENCH_DURATION_S'] ?? 10);
      await new Promise((res) => setTimeout(res, 2000));
      const m = await memory(port);
      readings.push({ served, heapMiB: m.heapMiB });
      lines.push(`  round ${round}  ${String(Math.round(served)).padStart(7)} requests  heap ${m.heapMiB.toFixed(1)}  rss ${m.rssMiB.toFixed(0)}  (${r.rps.toFixed(0)} req/s, errors ${r.errors})`);
    }
    // Growth after the first round (JIT, pools and caches fill there) per 10,000 requests.
    const first = readings[0];
    const last = readings.at(-1);
    if (first && last && last.served > first.served) {
      const slope = ((last.heapMiB - first.heapMiB) / (last.served - first.served)) * 10_000;
      lines.push('', `heap growth after round 1: ${slope.toFixed(2)} MiB per 10,000 requests`);
    }
  } finally {
    gateway.proc.kill('SIGTERM');
    upstream.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(work, { recursive: true, force: true });
  }
  return lines;
}
