// The overload benchmark: the full gateway in front of a provider that takes 200 ms, first loaded
// below its capacity, then with four times as many callers as it has processing slots and queue
// places. It prints the latency of the requests the gateway admitted in both runs, how many
// callers were refused with 503 and Retry-After, and the same overload against a gateway whose
// bounds are set out of reach (what it did before it shed load).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchConfig, KEY, spawnChild } from './gateway.js';

const REPO = resolve(import.meta.dirname, '..');
const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 10);
const SLOTS = 64;
const QUEUE = 64;
const UPSTREAM_MS = 200;

const answer = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'A short answer.' }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 20, completion_tokens: 4, total_tokens: 24 },
});

function slowUpstream(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(answer), UPSTREAM_MS));
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

const body = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'Summarise the quarterly report in three bullet points.' }] });

interface Run {
  admitted: number[];
  refused: number;
  refusedWithRetryAfter: number;
  other: number;
}

/**
 * `callers` loops, each sending its next request as soon as the last is answered, for the
 * duration; after a 503 a caller waits as `retry-after-ms` says, as the OpenAI and Anthropic SDKs do.
 */
async function drive(port: number, callers: number): Promise<Run> {
  const agent = new Agent({ keepAlive: true, maxSockets: callers });
  const run: Run = { admitted: [], refused: 0, refusedWithRetryAfter: 0, other: 0 };
  const until = Date.now() + DURATION_S * 1000;
  const one = (): Promise<number> =>
    new Promise((res) => {
      const t0 = process.hrtime.bigint();
      const req = request({ host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` } }, (r) => {
        r.resume();
        r.on('end', () => {
          let wait = 0;
          if (r.statusCode === 200) run.admitted.push(Number(process.hrtime.bigint() - t0) / 1e6);
          else if (r.statusCode === 503) {
            run.refused++;
            if (r.headers['retry-after'] !== undefined) run.refusedWithRetryAfter++;
            wait = Number(r.headers['retry-after-ms'] ?? 0);
          } else run.other++;
          res(wait);
        });
      });
      req.on('error', () => {
        run.other++;
        res(0);
      });
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (Date.now() < until) {
        const wait = await one();
        if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, until - Date.now())));
      }
    }),
  );
  agent.destroy();
  return run;
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function withGateway<T>(upstreamPort: number, server: Record<string, unknown>, use: (port: number) => Promise<T>): Promise<T> {
  const work = mkdtempSync(join(tmpdir(), 'palisade-overload-'));
  const config = benchConfig(work, upstreamPort);
  config['server'] = { ...(config['server'] as Record<string, unknown>), ...server };
  writeFileSync(join(work, 'gateway.json'), JSON.stringify(config));
  const gateway = spawnChild([join(REPO, 'gateway/bin/palisade.js'), 'serve', '--config', join(work, 'gateway.json')], /^Palisade is listening on /);
  const port = Number(/:(\d+)/.exec(await gateway.line)?.[1]);
  try {
    // Warm-up: JIT, WASM, connection pools.
    await drive(port, 8);
    return await use(port);
  } finally {
    gateway.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(work, { recursive: true, force: true });
  }
}

export async function benchOverload(): Promise<string[]> {
  const upstream = await slowUpstream();
  const upstreamPort = (upstream.address() as AddressInfo).port;
  const overload = 4 * (SLOTS + QUEUE);
  const lines: string[] = [];
  try {
    const bounded = { max_concurrent: SLOTS, max_queue: QUEUE, max_connections: 8192 };
    const [calm, busy] = await withGateway(upstreamPort, bounded, async (port) => [await drive(port, SLOTS / 2), await drive(port, overload)] as const);
    const unbounded = await withGateway(upstreamPort, { max_concurrent: 1_000_000, max_queue: 0, max_event_loop_delay_ms: 0, max_connections: 8192 }, (port) => drive(port, overload));
    const f = (n: number): string => n.toFixed(1);
    const row = (name: string, r: Run): string =>
      `  ${name.padEnd(30)} admitted ${String(r.admitted.length).padStart(6)}  p50 ${f(pct(r.admitted, 50)).padStart(7)}  p99 ${f(pct(r.admitted, 99)).padStart(7)}  503 ${String(r.refused).padStart(6)} (Retry-After on ${r.refusedWithRetryAfter})  other ${r.other}`;
    lines.push(`Overload (loopback, Node ${process.version}, provider answers after ${UPSTREAM_MS} ms, ${DURATION_S} s per run; ms)`, '');
    lines.push(`gateway with max_concurrent ${SLOTS}, max_queue ${QUEUE}`);
    lines.push(row(`${SLOTS / 2} callers (below capacity)`, calm));
    lines.push(row(`${overload} callers (4x slots+queue)`, busy));
    lines.push(`  ratio admitted p99 under overload / below capacity: ${(pct(busy.admitted, 99) / pct(calm.admitted, 99)).toFixed(2)}x`);
    lines.push(`  refused share under overload: ${((100 * busy.refused) / Math.max(1, busy.refused + busy.admitted.length)).toFixed(1)} %`, '');
    lines.push('gateway with the bounds out of reach (every request queues)');
    lines.push(row(`${overload} callers`, unbounded));
    lines.push(`  ratio p99 unbounded / bounded under overload: ${(pct(unbounded.admitted, 99) / pct(busy.admitted, 99)).toFixed(2)}x`);
  } finally {
    upstream.closeAllConnections();
    await new Promise((r) => upstream.close(() => r(undefined)));
  }
  return lines;
}
