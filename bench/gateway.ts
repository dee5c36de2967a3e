// The end-to-end benchmark: in one run on loopback, a direct call to an OpenAI-compatible upstream
// and the same call through the gateway's full pipeline (API key, classification, WASM policy,
// durable audit to the embedded ledger with fsync), with the ratios.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';

const REPO = resolve(import.meta.dirname, '..');
export const KEY = 'sk-bench-0123456789';
const SEQUENTIAL = Number(process.env['BENCH_SEQUENTIAL'] ?? 2000);
const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 64);

export interface Child {
  proc: ChildProcess;
  line: Promise<string>;
}

/** Spawns a child and resolves with the first stdout line that matches `ready` (log lines may come first). */
export function spawnChild(args: string[], ready: RegExp = /.*/): Child {
  const proc = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = new Promise<string>((res, rej) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      const hit = lines.find((l) => ready.test(l));
      if (hit !== undefined) res(hit);
    });
    proc.once('exit', (code) => rej(new Error(`child exited with ${code}`)));
  });
  return { proc, line };
}

const body = JSON.stringify({
  model: 'bench',
  messages: [
    { role: 'system', content: 'You are a helpful assistant for a regulated bank.' },
    { role: 'user', content: 'Summarise the attached quarterly report in three bullet points, with figures. '.repeat(6) },
  ],
});

async function sequential(port: number, path: string, headers: Record<string, string>, n: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise<void>((res, rej) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } }, (r) => {
        r.resume();
        r.on('end', () => (r.statusCode === 200 ? res() : rej(new Error(`status ${r.statusCode}`))));
      });
      req.on('error', rej);
      req.end(body);
    });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  agent.destroy();
  return times;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export async function load(port: number, path: string, headers: Record<string, string>): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    connections: CONNECTIONS,
    duration: DURATION_S,
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

export function rssOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

/** The benchmark gateway: one API key, the signed example bundle, one upstream, the embedded ledger on disk. */
export function benchConfig(work: string, upstreamPort: number): Record<string, unknown> {
  return {
    server: { host: '127.0.0.1', port: 0, gateway_id: 'bench' },
    log: { level: 'warn' },
    identity: { api_keys: [{ id: 'bench', key_sha256: createHash('sha256').update(KEY).digest('hex'), sub: 'bench@example.com', tenant: 'bench', roles: ['analyst'] }], oidc: [] },
    policy: { bundle: join(REPO, 'bundles/palisade.tar.gz'), verification: { public_key_file: join(REPO, 'config/dev-keys/bundle-signing.pub.pem'), key_id: 'palisade-dev', scope: 'development' } },
    providers: [{ name: 'upstream', type: 'openai', base_url: `http://127.0.0.1:${upstreamPort}/v1`, timeout_ms: 10_000 }],
    models: [{ name: 'bench', provider: 'upstream' }],
    audit: {
      sink: 'ledger',
      ledger: { dir: join(work, 'ledger'), origin: 'bench.palisade/default', signing_key_file: join(work, 'ledger.key'), create_signing_key: true },
      commitment_key_file: join(work, 'commitment.key'),
      create_commitment_key: true,
    },
  };
}

export async function benchGateway(): Promise<string[]> {
  const lines: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'palisade-bench-'));
  const upstream = spawnChild(['--import', 'tsx', join(REPO, 'bench/upstream.ts')]);
  const upstreamPort = Number(await upstream.line);
  const config = benchConfig(work, upstreamPort);
  writeFileSync(join(work, 'gateway.json'), JSON.stringify(config));
  const gateway = spawnChild([join(REPO, 'gateway/bin/palisade.js'), 'serve', '--config', join(work, 'gateway.json')], /^Palisade is listening on /);
  const gwPort = Number(/:(\d+)/.exec(await gateway.line)?.[1]);
  const auth = { authorization: `Bearer ${KEY}` };

  try {
    // Warm both paths (JIT, connection pools, WASM) before measuring.
    await sequential(upstreamPort, '/v1/chat/completions', {}, 300);
    await sequential(gwPort, '/v1/chat/completions', auth, 300);
    const rssBefore = rssOf(gateway.proc.pid);

    const direct1 = (await sequential(upstreamPort, '/v1/chat/completions', {}, SEQUENTIAL)).sort((a, b) => a - b);
    const gw1 = (await sequential(gwPort, '/v1/chat/completions', auth, SEQUENTIAL)).sort((a, b) => a - b);
    const directN = await load(upstreamPort, '/v1/chat/completions', {});
    const gwN = await load(gwPort, '/v1/chat/completions', auth);
    const rssAfter = rssOf(gateway.proc.pid);

    const f = (n: number): string => n.toFixed(3);
    lines.push(`End to end (loopback, Node ${process.version}, ${SEQUENTIAL} sequential requests, then ${CONNECTIONS} connections for ${DURATION_S}s)`, '');
    lines.push('chat completions, non-streamed, concurrency 1 (ms)');
    lines.push(`  direct    p50 ${f(pct(direct1, 50))}  p99 ${f(pct(direct1, 99))}`);
    lines.push(`  gateway   p50 ${f(pct(gw1, 50))}  p99 ${f(pct(gw1, 99))}`);
    lines.push(`  added     p50 ${f(pct(gw1, 50) - pct(direct1, 50))}  p99 ${f(pct(gw1, 99) - pct(direct1, 99))}   ratio p50 ${(pct(gw1, 50) / pct(direct1, 50)).toFixed(2)}x`, '');
    lines.push(`chat completions, non-streamed, concurrency ${CONNECTIONS}`);
    lines.push(`  direct    ${directN.rps.toFixed(0)} req/s  p50 ${directN.p50} ms  p99 ${directN.p99} ms  errors ${directN.errors}`);
    lines.push(`  gateway   ${gwN.rps.toFixed(0)} req/s  p50 ${gwN.p50} ms  p99 ${gwN.p99} ms  errors ${gwN.errors}`);
    lines.push(`  ratio     throughput ${(gwN.rps / directN.rps).toFixed(2)}x of direct`, '');
    lines.push(`gateway RSS: ${rssBefore.toFixed(0)} MiB after warm-up, ${rssAfter.toFixed(0)} MiB after the run`);
  } finally {
    gateway.proc.kill('SIGTERM');
    upstream.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(work, { recursive: true, force: true });
  }
  return lines;
}
