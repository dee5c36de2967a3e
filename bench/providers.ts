// The provider path's overhead: latency and time to first byte (TTFB) of chat completions sent
// straight to a loopback upstream and through the gateway, non-streamed and streamed, native
// (OpenAI to OpenAI) and translated (an OpenAI caller answered by an Anthropic upstream), at
// concurrency 1 and 64, with the added p50/p99 and ratios measured in the same run.
//
// Two gateways run side by side as child processes from the built `dist/`, identical but for
// where the embedded ledger lives: on disk (every audit record fsync'd, as deployed) and on tmpfs
// (/dev/shm), where an fsync costs nothing, so the request path itself (identity, classification,
// WASM policy, records, routing, provider calls, translation) shows. Rounds are repeated and the
// machine's load average is printed before and after.
//
// Environment: BENCH_PROVIDERS_SEQUENTIAL (requests per concurrency-1 run), BENCH_CONNECTIONS,
// BENCH_PROVIDERS_PER_WORKER, BENCH_PROVIDERS_ROUNDS, and BENCH_PROVIDERS_PROFILE=DIR to run the
// gateways under `node --cpu-prof` and leave their profiles in DIR.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent } from 'undici';

import { createProviderRegistry } from '../gateway/src/providers/registry.js';
import { newTrace } from '../gateway/src/providers/types.js';

const REPO = resolve(import.meta.dirname, '..');
const KEY = 'sk-bench-providers-0123456789';
const SEQUENTIAL = Number(process.env['BENCH_PROVIDERS_SEQUENTIAL'] ?? 1000);
const CONCURRENCY = Number(process.env['BENCH_CONNECTIONS'] ?? 64);
const PER_WORKER = Number(process.env['BENCH_PROVIDERS_PER_WORKER'] ?? 40);
const ROUNDS = Number(process.env['BENCH_PROVIDERS_ROUNDS'] ?? 3);
const PROFILE_DIR = process.env['BENCH_PROVIDERS_PROFILE'];

interface Child {
  proc: ChildProcess;
  line: Promise<string>;
  exited: Promise<void>;
}

function spawnChild(args: string[], ready: RegExp): Child {
  const proc = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));
  const line = new Promise<string>((res, rej) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      for (const l of out.split('\n')) if (ready.test(l)) res(l);
    });
    proc.once('exit', (code) => rej(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return { proc, line, exited };
}

async function stop(child: Child): Promise<void> {
  if (child.proc.exitCode === null) child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), 10_000);
  await child.exited;
  clearTimeout(timer);
}

interface Sample {
  ttfb: number;
  total: number;
}

/** `concurrency` workers sending `total` requests between them over keep-alive connections. */
async function load(port: number, path: string, headers: Record<string, string>, body: string, concurrency: number, total: number): Promise<Sample[]> {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: concurrency });
  const samples: Sample[] = [];
  let started = 0;
  const one = (): Promise<void> =>
    new Promise<void>((res, rej) => {
      const t0 = process.hrtime.bigint();
      let ttfb = -1;
      const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } }, (r) => {
        r.on('data', () => {
          if (ttfb < 0) ttfb = Number(process.hrtime.bigint() - t0) / 1e6;
        });
        r.on('end', () => {
          if (r.statusCode !== 200) rej(new Error(`status ${r.statusCode} on ${path}`));
          else {
            samples.push({ ttfb, total: Number(process.hrtime.bigint() - t0) / 1e6 });
            res();
          }
        });
      });
      req.on('error', rej);
      req.end(body);
    });
  const worker = async (): Promise<void> => {
    while (started < total) {
      started++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return samples;
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function median(values: number[]): number {
  return pct(values, 50);
}

const ms = (n: number): string => n.toFixed(2).padStart(7);
const load1 = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

/** p50 and p99 of one metric, per round. */
interface Figures {
  p50: number[];
  p99: number[];
}

function record(into: Figures, samples: Sample[], metric: 'ttfb' | 'total'): void {
  const v = samples.map((s) => s[metric]);
  into.p50.push(pct(v, 50));
  into.p99.push(pct(v, 99));
}

const empty = (): Figures => ({ p50: [], p99: [] });

/**
 * CPU time a child process has used, in ms (Linux /proc; undefined elsewhere). Unlike latency it
 * hardly moves with other load on the machine, so it is the steadier measure of the gateway's cost.
 */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name: state is field 3, utime and stime fields 14 and 15, in clock ticks (100 Hz on Linux).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** One table row: the median over rounds of p50 and p99, and the spread of the p99s. */
function row(label: string, f: Figures, direct?: Figures): string {
  const p50 = median(f.p50);
  const p99 = median(f.p99);
  const spread = `${ms(Math.min(...f.p99)).trim()}–${ms(Math.max(...f.p99)).trim()}`;
  if (!direct) return `  ${label.padEnd(22)} p50 ${ms(p50)}  p99 ${ms(p99)}  (p99 over rounds ${spread})`;
  const added50 = p50 - median(direct.p50);
  const added99 = p99 - median(direct.p99);
  return `  ${label.padEnd(22)} p50 ${ms(p50)}  p99 ${ms(p99)}  added p50 ${ms(added50)}  p99 ${ms(added99)}  ratio p99 ${(p99 / median(direct.p99)).toFixed(2)}x  (p99 over rounds ${spread})`;
}

/** Figures of one in-process run: awaiting the call, then reading the stream through. */
async function layerSamples(call: () => Promise<AsyncIterable<unknown> | undefined>, concurrency: number, total: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < total) {
      started++;
      const t0 = process.hrtime.bigint();
      const events = await call();
      let ttfb = Number(process.hrtime.bigint() - t0) / 1e6;
      if (events) {
        let first = true;
        for await (const _ of events) {
          if (first) ttfb = Number(process.hrtime.bigint() - t0) / 1e6;
          first = false;
        }
      }
      samples.push({ ttfb, total: Number(process.hrtime.bigint() - t0) / 1e6 });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return samples;
}

/**
 * The provider layer alone, in this process: the upstream called directly with undici's
 * `request` against the same request through the routed provider (alias resolution, breaker,
 * retry bookkeeping, usage tracking, SSE parsing, translation), each on its own keep-alive pool.
 */
async function benchLayer(upstreamPort: number): Promise<string[]> {
  const base = `http://127.0.0.1:${upstreamPort}/v1`;
  const registry = createProviderRegistry(
    {
      providers: [
        { name: 'openai', type: 'openai', base_url: base, timeout_ms: 10_000, stream_idle_timeout_ms: 10_000 },
        { name: 'anthropic', type: 'anthropic', base_url: base, timeout_ms: 10_000, stream_idle_timeout_ms: 10_000 },
      ],
      models: [
        { name: 'native', provider: 'openai', upstream_model: 'bench-model', strategy: 'priority', fallbacks: true },
        { name: 'translated', provider: 'anthropic', upstream_model: 'bench-claude', strategy: 'priority', fallbacks: true },
      ],
    },
    { clock: Date.now, newId: () => 'bench', providerKeys: new Map() },
  );
  const directPool = new Agent({ keepAliveTimeout: 30_000 });
  const messages = [{ role: 'user', content: 'Summarise the attached quarterly report in three bullet points, with figures. '.repeat(6) }];
  const direct = (stream: boolean) => async (): Promise<AsyncIterable<unknown> | undefined> => {
    const res = await directPool.request({
      origin: `http://127.0.0.1:${upstreamPort}`,
      path: '/v1/chat/completions',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'bench-model', messages, ...(stream ? { stream: true } : {}) }),
    });
    if (!stream) {
      JSON.parse(await res.body.text());
      return undefined;
    }
    return res.body as AsyncIterable<unknown>;
  };
  // What the provider layer used before: global fetch (undici's web streams), on its own pool.
  const viaFetch = (stream: boolean) => async (): Promise<AsyncIterable<unknown> | undefined> => {
    const res = await fetch(`${base}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'bench-model', messages, ...(stream ? { stream: true } : {}) }) });
    if (!stream) {
      JSON.parse(await res.text());
      return undefined;
    }
    return res.body as AsyncIterable<unknown>;
  };
  const layer = (model: string, stream: boolean) => async (): Promise<AsyncIterable<unknown> | undefined> => {
    const route = registry.resolve(model);
    if (!route) throw new Error(`no model ${model}`);
    const r = await route.provider.call({ api: 'openai.chat', body: { model, messages, ...(stream ? { stream: true } : {}) }, stream }, { signal: new AbortController().signal, trace: newTrace() });
    return r.kind === 'stream' ? r.events : undefined;
  };
  const cases = [
    { label: 'non-streamed, native: latency', metric: 'total' as const, d: direct(false), f: viaFetch(false), l: layer('native', false) },
    { label: 'streamed, native: TTFB', metric: 'ttfb' as const, d: direct(true), f: viaFetch(true), l: layer('native', true) },
    { label: 'streamed, native: whole stream', metric: 'total' as const, d: direct(true), f: viaFetch(true), l: layer('native', true) },
    { label: 'streamed, translated to Anthropic: TTFB', metric: 'ttfb' as const, d: direct(true), l: layer('translated', true) },
    { label: 'non-streamed, translated to Anthropic: latency', metric: 'total' as const, d: direct(false), l: layer('translated', false) },
  ];
  const lines: string[] = [
    'Provider layer alone, in process, ms. direct: undici `request` straight to the upstream; fetch: the same call with global fetch (what the',
    'layer used before), added = its cost over `request`; provider layer: the routed provider (routing, usage, SSE, translation) on undici.',
    '',
  ];
  try {
    for (const c of cases) {
      await layerSamples(c.d, 4, 300);
      if (c.f) await layerSamples(c.f, 4, 300);
      await layerSamples(c.l, 4, 300);
      for (const concurrency of [1, CONCURRENCY]) {
        const total = concurrency === 1 ? SEQUENTIAL : concurrency * PER_WORKER;
        const d = empty();
        const f = empty();
        const l = empty();
        // This process's CPU time per call (the upstream is another process).
        const cpu = { d: 0, f: 0, l: 0 };
        const timed = async (key: keyof typeof cpu, into: Figures, call: () => Promise<AsyncIterable<unknown> | undefined>): Promise<void> => {
          const before = process.cpuUsage();
          const samples = await layerSamples(call, concurrency, total);
          const used = process.cpuUsage(before);
          cpu[key] += (used.user + used.system) / total / ROUNDS;
          record(into, samples, c.metric);
        };
        for (let r = 0; r < ROUNDS; r++) {
          await timed('d', d, c.d);
          if (c.f) await timed('f', f, c.f);
          await timed('l', l, c.l);
        }
        const us = (v: number): string => `  CPU ${v.toFixed(0)} µs/call`;
        lines.push(`${c.label}, concurrency ${concurrency}`, row('direct', d) + us(cpu.d));
        if (c.f) lines.push(row('fetch', f, d) + us(cpu.f));
        lines.push(row('provider layer', l, d) + us(cpu.l));
      }
      lines.push('');
    }
  } finally {
    await registry.close();
    await directPool.close();
  }
  return lines;
}

interface GatewayChild extends Child {
  port: number;
  work: string;
}

async function startGatewayChild(name: string, parent: string, upstreamPort: number): Promise<GatewayChild> {
  const work = mkdtempSync(join(parent, `palisade-bench-providers-${name}-`));
  const upstream = `http://127.0.0.1:${upstreamPort}/v1`;
  const config = {
    server: { host: '127.0.0.1', port: 0, gateway_id: `bench-providers-${name}` },
    log: { level: 'warn' },
    identity: { api_keys: [{ id: 'bench', key_sha256: createHash('sha256').update(KEY).digest('hex'), sub: 'bench@example.com', tenant: 'bench', roles: ['analyst'] }], oidc: [] },
    policy: { bundle: join(REPO, 'bundles/palisade.tar.gz'), verification: { public_key_file: join(REPO, 'config/dev-keys/bundle-signing.pub.pem'), key_id: 'palisade-dev', scope: 'development' } },
    providers: [
      { name: 'openai', type: 'openai', base_url: upstream, timeout_ms: 10_000 },
      { name: 'anthropic', type: 'anthropic', base_url: upstream, timeout_ms: 10_000 },
    ],
    models: [
      { name: 'native', provider: 'openai', upstream_model: 'bench-model' },
      { name: 'translated', provider: 'anthropic', upstream_model: 'bench-claude' },
    ],
    prices: { 'bench-model': { input_per_mtok: 0.15, output_per_mtok: 0.6 } },
    audit: {
      sink: 'ledger',
      ledger: { dir: join(work, 'ledger'), origin: `bench.palisade/providers-${name}`, signing_key_file: join(work, 'ledger.key'), create_signing_key: true },
      commitment_key_file: join(work, 'commitment.key'),
      create_commitment_key: true,
    },
  };
  writeFileSync(join(work, 'gateway.json'), JSON.stringify(config));
  const profile = PROFILE_DIR !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${resolve(PROFILE_DIR)}`, `--cpu-prof-name=gateway-${name}.cpuprofile`] : [];
  const child = spawnChild([...profile, join(REPO, 'gateway/bin/palisade.js'), 'serve', '--config', join(work, 'gateway.json')], /^Palisade is listening on /);
  const port = Number(/:(\d+)\s*$/.exec(await child.line)?.[1]);
  return { ...child, port, work };
}

export async function benchProviders(): Promise<string[]> {
  if (!existsSync(join(REPO, 'gateway/dist/cli.js'))) throw new Error('gateway/dist is missing: build with `npx tsc -b` (make bench does)');
  if (PROFILE_DIR !== undefined) mkdirSync(PROFILE_DIR, { recursive: true });
  const loadBefore = load1();
  const upstream = spawnChild(['--import', 'tsx', join(REPO, 'bench/upstream.ts')], /^\d+$/);
  const upstreamPort = Number(await upstream.line);
  const shm = existsSync('/dev/shm') ? '/dev/shm' : undefined;
  const gateways: GatewayChild[] = [];

  const messages = [
    { role: 'system', content: 'You are a helpful assistant for a regulated bank.' },
    { role: 'user', content: 'Summarise the attached quarterly report in three bullet points, with figures. '.repeat(6) },
  ];
  const chat = (model: string, stream: boolean): string => JSON.stringify({ model, messages, ...(stream ? { stream: true } : {}) });
  const anthropicDirect = (stream: boolean): string => JSON.stringify({ model: 'bench-claude', max_tokens: 256, system: messages[0]?.content, messages: [messages[1]], ...(stream ? { stream: true } : {}) });
  const auth = { authorization: `Bearer ${KEY}` };
  const cases = [
    { label: 'chat, non-streamed, OpenAI to OpenAI', stream: false, direct: ['/v1/chat/completions', chat('bench-model', false)], gw: chat('native', false) },
    { label: 'chat, streamed, OpenAI to OpenAI', stream: true, direct: ['/v1/chat/completions', chat('bench-model', true)], gw: chat('native', true) },
    { label: 'chat, non-streamed, OpenAI caller to Anthropic (translated; direct is Anthropic to Anthropic)', stream: false, direct: ['/v1/messages', anthropicDirect(false)], gw: chat('translated', false) },
    { label: 'chat, streamed, OpenAI caller to Anthropic (translated; direct is Anthropic to Anthropic)', stream: true, direct: ['/v1/messages', anthropicDirect(true)], gw: chat('translated', true) },
  ];

  const lines: string[] = [];
  try {
    const disk = await startGatewayChild('disk', tmpdir(), upstreamPort);
    gateways.push(disk);
    const paths: { label: string; port: number; pid: number | undefined }[] = [{ label: 'gateway, ledger disk', port: disk.port, pid: disk.proc.pid }];
    if (shm) {
      const mem = await startGatewayChild('tmpfs', shm, upstreamPort);
      gateways.push(mem);
      paths.push({ label: 'gateway, ledger tmpfs', port: mem.port, pid: mem.proc.pid });
    }
    lines.push(
      `Provider path on loopback, Node ${process.version}, ${ROUNDS} rounds: ${SEQUENTIAL} sequential requests per run at concurrency 1, ${CONCURRENCY} connections x ${PER_WORKER} requests at ${CONCURRENCY}.`,
      `Load average (1, 5, 15 min) before: ${loadBefore}. Ledger on disk: ${tmpdir()}; on tmpfs: ${shm ?? '(none here)'}.`,
      "Figures are the median over rounds of each round's p50 and p99; added = gateway minus direct.",
      '',
    );
    lines.push(...(await benchLayer(upstreamPort)));
    lines.push('Whole gateway (identity, classification, policy, two audit records, provider layer), child processes from dist/, ms:', '');
    for (const c of cases) {
      const [path, body] = c.direct as [string, string];
      // Warm every path (JIT, connection pools, WASM) before measuring.
      await load(upstreamPort, path, {}, body, 4, 300);
      for (const p of paths) await load(p.port, '/v1/chat/completions', auth, c.gw, 4, 300);
      for (const concurrency of [1, CONCURRENCY]) {
        const total = concurrency === 1 ? SEQUENTIAL : concurrency * PER_WORKER;
        const metrics = c.stream ? (['ttfb', 'total'] as const) : (['total'] as const);
        const direct = metrics.map(() => empty());
        const through = paths.map(() => metrics.map(() => empty()));
        const cpu = paths.map(() => 0);
        // Rounds interleave the paths, so a passing disturbance touches them all alike.
        for (let r = 0; r < ROUNDS; r++) {
          const d = await load(upstreamPort, path, {}, body, concurrency, total);
          metrics.forEach((m, i) => record(direct[i] as Figures, d, m));
          for (const [j, p] of paths.entries()) {
            const before = cpuMs(p.pid);
            const g = await load(p.port, '/v1/chat/completions', auth, c.gw, concurrency, total);
            const after = cpuMs(p.pid);
            if (before !== undefined && after !== undefined) cpu[j] = (cpu[j] ?? 0) + after - before;
            metrics.forEach((m, i) => record((through[j] as Figures[])[i] as Figures, g, m));
          }
        }
        metrics.forEach((m, i) => {
          lines.push(`${c.label}, concurrency ${concurrency}: ${m === 'ttfb' ? 'time to first byte' : c.stream ? 'whole stream' : 'latency'}`);
          lines.push(row('direct', direct[i] as Figures));
          for (const [j, p] of paths.entries()) lines.push(row(p.label, (through[j] as Figures[])[i] as Figures, direct[i]));
        });
        if (cpu.some((v) => v > 0)) lines.push(`  gateway CPU per request: ${paths.map((p, j) => `${p.label.replace('gateway, ', '')} ${(((cpu[j] ?? 0) / (ROUNDS * total)) * 1000).toFixed(0)} µs`).join(', ')}`);
      }
      lines.push('');
    }
    lines.push(`Load average after: ${load1()}.`);
  } finally {
    await Promise.all([...gateways.map(stop), stop(upstream)]);
    for (const g of gateways) rmSync(g.work, { recursive: true, force: true });
  }
  if (PROFILE_DIR !== undefined) lines.push(`CPU profiles of the gateways: ${resolve(PROFILE_DIR)}`);
  return lines;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  for (const line of await benchProviders()) process.stdout.write(`${line}\n`);
}
