// The provider path's overhead: latency and time to first byte (TTFB) of chat completions sent
// straight to a loopback upstream and through the gateway, non-streamed and streamed, native
// (OpenAI to OpenAI) and translated (an OpenAI caller answered by an Anthropic upstream), at
// concurrency 1 and 64, with the added p50/p99 and ratios measured in the same run.
//
// The gateway runs as a child process from its sources with the embedded ledger; the ledger is
// put on tmpfs (/dev/shm) when there is one, so the figures show the request path (identity,
// classification, WASM policy, records, routing, translation) rather than the disk's fsync.
// `node --import tsx bench/providers.ts upstream` runs the lean upstream on its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { createProviderRegistry } from '../gateway/src/providers/registry.js';
import { newTrace } from '../gateway/src/providers/types.js';

const REPO = resolve(import.meta.dirname, '..');
const KEY = 'sk-bench-providers-0123456789';
const SEQUENTIAL = Number(process.env['BENCH_PROVIDERS_SEQUENTIAL'] ?? 1000);
const CONCURRENCY = Number(process.env['BENCH_CONNECTIONS'] ?? 64);
const PER_WORKER = Number(process.env['BENCH_PROVIDERS_PER_WORKER'] ?? 60);

const WORDS = ['A ', 'short ', 'answer ', 'from ', 'the ', 'benchmark ', 'upstream.'];

/** A lean upstream speaking both OpenAI chat and Anthropic messages, JSON and SSE. */
function serveUpstream(): void {
  const created = 1_700_000_000;
  const chatJson = JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created,
    model: 'bench-model',
    choices: [{ index: 0, message: { role: 'assistant', content: WORDS.join('') }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 20, completion_tokens: 8, total_tokens: 28 },
  });
  const chunk = (delta: object, finish: string | null): string => `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created, model: 'bench-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const chatStream = [chunk({ role: 'assistant', content: '' }, null), ...WORDS.map((w) => chunk({ content: w }, null)), chunk({}, 'stop')].join('');
  const chatUsage = `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created, model: 'bench-model', choices: [], usage: { prompt_tokens: 20, completion_tokens: 8, total_tokens: 28 } })}\n\n`;
  const msgJson = JSON.stringify({ id: 'msg_bench', type: 'message', role: 'assistant', model: 'bench-claude', content: [{ type: 'text', text: WORDS.join('') }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 20, output_tokens: 8 } });
  const ev = (type: string, data: object): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const msgStream = [
    ev('message_start', { message: { id: 'msg_bench', type: 'message', role: 'assistant', model: 'bench-claude', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 20, output_tokens: 1 } } }),
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ...WORDS.map((w) => ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: w } })),
    ev('content_block_stop', { index: 0 }),
    ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 8 } }),
    ev('message_stop', {}),
  ].join('');
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const stream = body.includes('"stream":true');
      if (req.url === '/v1/messages') {
        if (!stream) res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(msgJson) }).end(msgJson);
        else res.writeHead(200, { 'content-type': 'text/event-stream' }).end(msgStream);
        return;
      }
      if (!stream) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(chatJson) }).end(chatJson);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`${chatStream}${body.includes('"include_usage":true') ? chatUsage : ''}data: [DONE]\n\n`);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
  // A benchmark child never outlives its parent run.
  setTimeout(() => process.exit(0), 15 * 60_000).unref();
  process.on('SIGTERM', () => process.exit(0));
}

interface Child {
  proc: ChildProcess;
  line: Promise<string>;
}

function spawnChild(args: string[]): Child {
  const proc = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = new Promise<string>((res, rej) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl !== -1) res(out.slice(0, nl));
    });
    proc.once('exit', (code) => rej(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return { proc, line };
}

interface Sample {
  ttfb: number;
  total: number;
}

/** `concurrency` workers sending `total` requests between them over keep-alive connections. */
async function load(port: number, path: string, headers: Record<string, string>, body: string, concurrency: number, total: number): Promise<Sample[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const samples: Sample[] = [];
  let started = 0;
  const one = (): Promise<void> =>
    new Promise<void>((res, rej) => {
      const t0 = process.hrtime.bigint();
      let ttfb = -1;
      const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } }, (r) => {
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

const f = (n: number): string => n.toFixed(3).padStart(8);

function compare(label: string, metric: 'ttfb' | 'total', direct: Sample[], gateway: Sample[]): string[] {
  const d = direct.map((s) => s[metric]);
  const g = gateway.map((s) => s[metric]);
  return [
    `${label}`,
    `  direct   p50 ${f(pct(d, 50))}  p99 ${f(pct(d, 99))}`,
    `  gateway  p50 ${f(pct(g, 50))}  p99 ${f(pct(g, 99))}`,
    `  added    p50 ${f(pct(g, 50) - pct(d, 50))}  p99 ${f(pct(g, 99) - pct(d, 99))}   ratio p50 ${(pct(g, 50) / pct(d, 50)).toFixed(2)}x  p99 ${(pct(g, 99) / pct(d, 99)).toFixed(2)}x`,
  ];
}

/**
 * The provider layer alone, in this process: a direct fetch of the upstream against the same
 * request through the routed provider (alias resolution, breaker, retries bookkeeping, usage
 * tracking, SSE parsing, translation), both on the same HTTP client.
 */
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
    { fetch, clock: Date.now, newId: () => 'bench', providerKeys: new Map() },
  );
  const messages = [{ role: 'user', content: 'Summarise the attached quarterly report in three bullet points, with figures. '.repeat(6) }];
  const direct = (stream: boolean) => async (): Promise<AsyncIterable<unknown> | undefined> => {
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
  const lines: string[] = ['Provider layer alone, in process (routing, usage, SSE, translation; same HTTP client as direct):', ''];
  const cases = [
    { label: 'layer: non-streamed, native (latency, ms)', metric: 'total' as const, d: direct(false), l: layer('native', false) },
    { label: 'layer: streamed, native (TTFB, ms)', metric: 'ttfb' as const, d: direct(true), l: layer('native', true) },
    { label: 'layer: streamed, native (whole stream, ms)', metric: 'total' as const, d: direct(true), l: layer('native', true) },
    { label: 'layer: streamed, OpenAI caller to Anthropic (TTFB, ms; direct is OpenAI to OpenAI)', metric: 'ttfb' as const, d: direct(true), l: layer('translated', true) },
    { label: 'layer: non-streamed, OpenAI caller to Anthropic (latency, ms; direct is OpenAI to OpenAI)', metric: 'total' as const, d: direct(false), l: layer('translated', false) },
  ];
  for (const c of cases) {
    await layerSamples(c.d, 4, 300);
    await layerSamples(c.l, 4, 300);
    for (const concurrency of [1, CONCURRENCY]) {
      const total = concurrency === 1 ? SEQUENTIAL : concurrency * PER_WORKER;
      const d = await layerSamples(c.d, concurrency, total);
      const l = await layerSamples(c.l, concurrency, total);
      lines.push(...compare(`${c.label}, concurrency ${concurrency}`, c.metric, d, l), '');
    }
  }
  return lines;
}

export async function benchProviders(): Promise<string[]> {
  const work = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'palisade-bench-providers-'));
  const upstream = spawnChild(['--import', 'tsx', join(REPO, 'bench/providers.ts'), 'upstream']);
  const upstreamPort = Number(await upstream.line);
  const config = {
    server: { host: '127.0.0.1', port: 0, gateway_id: 'bench-providers' },
    log: { level: 'warn' },
    identity: { api_keys: [{ id: 'bench', key_sha256: createHash('sha256').update(KEY).digest('hex'), sub: 'bench@example.com', tenant: 'bench', roles: ['analyst'] }], oidc: [] },
    policy: { bundle: join(REPO, 'bundles/palisade.tar.gz'), verification: { public_key_file: join(REPO, 'config/dev-keys/bundle-signing.pub.pem'), key_id: 'palisade-dev', scope: 'development' } },
    providers: [
      { name: 'openai', type: 'openai', base_url: `http://127.0.0.1:${upstreamPort}/v1`, timeout_ms: 10_000 },
      { name: 'anthropic', type: 'anthropic', base_url: `http://127.0.0.1:${upstreamPort}/v1`, timeout_ms: 10_000 },
    ],
    models: [
      { name: 'native', provider: 'openai', upstream_model: 'bench-model' },
      { name: 'translated', provider: 'anthropic', upstream_model: 'bench-claude' },
    ],
    prices: { 'bench-model': { input_per_mtok: 0.15, output_per_mtok: 0.6 } },
    audit: {
      sink: 'ledger',
      ledger: { dir: join(work, 'ledger'), origin: 'bench.palisade/providers', signing_key_file: join(work, 'ledger.key'), create_signing_key: true },
      commitment_key_file: join(work, 'commitment.key'),
      create_commitment_key: true,
    },
  };
  writeFileSync(join(work, 'gateway.json'), JSON.stringify(config));
  const gateway = spawnChild(['--conditions=development', '--import', 'tsx', join(REPO, 'gateway/src/cli.ts'), 'serve', '--config', join(work, 'gateway.json')]);
  const gwPort = Number(/:(\d+)/.exec(await gateway.line)?.[1]);

  const messages = [
    { role: 'system', content: 'You are a helpful assistant for a regulated bank.' },
    { role: 'user', content: 'Summarise the attached quarterly report in three bullet points, with figures. '.repeat(6) },
  ];
  const chat = (model: string, stream: boolean): string => JSON.stringify({ model, messages, ...(stream ? { stream: true } : {}) });
  const anthropicDirect = (stream: boolean): string => JSON.stringify({ model: 'bench-claude', max_tokens: 256, system: messages[0]?.content, messages: [messages[1]], ...(stream ? { stream: true } : {}) });
  const auth = { authorization: `Bearer ${KEY}` };
  const cases = [
    { label: 'chat, non-streamed, OpenAI to OpenAI (latency, ms)', metric: 'total' as const, direct: ['/v1/chat/completions', chat('bench-model', false)], gw: chat('native', false) },
    { label: 'chat, streamed, OpenAI to OpenAI (TTFB, ms)', metric: 'ttfb' as const, direct: ['/v1/chat/completions', chat('bench-model', true)], gw: chat('native', true) },
    { label: 'chat, streamed, OpenAI to OpenAI (whole stream, ms)', metric: 'total' as const, direct: ['/v1/chat/completions', chat('bench-model', true)], gw: chat('native', true) },
    { label: 'chat, streamed, OpenAI caller to Anthropic, translated (TTFB, ms; direct is Anthropic to Anthropic)', metric: 'ttfb' as const, direct: ['/v1/messages', anthropicDirect(true)], gw: chat('translated', true) },
    { label: 'chat, non-streamed, OpenAI caller to Anthropic, translated (latency, ms; direct is Anthropic to Anthropic)', metric: 'total' as const, direct: ['/v1/messages', anthropicDirect(false)], gw: chat('translated', false) },
  ];

  const lines: string[] = [
    `Provider path on loopback, Node ${process.version}: ${SEQUENTIAL} sequential requests per case, then ${CONCURRENCY} connections x ${PER_WORKER} requests.`,
    `Audit: embedded ledger on ${work.startsWith('/dev/shm') ? 'tmpfs (/dev/shm)' : 'the temp directory'}; the gateway runs from sources in a child process.`,
    '',
  ];
  try {
    lines.push(...(await benchLayer(upstreamPort)));
    lines.push('Whole gateway in a child process (identity, classification, policy, audit records, provider layer):', '');
    for (const c of cases) {
      const [path, body] = c.direct as [string, string];
      // Warm both paths (JIT, connection pools, WASM) before measuring.
      await load(upstreamPort, path, {}, body, 4, 200);
      await load(gwPort, '/v1/chat/completions', auth, c.gw, 4, 200);
      for (const concurrency of [1, CONCURRENCY]) {
        const total = concurrency === 1 ? SEQUENTIAL : concurrency * PER_WORKER;
        const direct = await load(upstreamPort, path, {}, body, concurrency, total);
        const through = await load(gwPort, '/v1/chat/completions', auth, c.gw, concurrency, total);
        lines.push(...compare(`${c.label}, concurrency ${concurrency}`, c.metric, direct, through), '');
      }
    }
  } finally {
    gateway.proc.kill('SIGTERM');
    upstream.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(work, { recursive: true, force: true });
  }
  return lines;
}

if (process.argv[2] === 'upstream') serveUpstream();
else if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  for (const line of await benchProviders()) process.stdout.write(`${line}\n`);
}
