// Policy evaluation speed: the example request decision evaluated in-process (metered WASM, as the
// gateway runs it) beside the same Rego served by an OPA sidecar (`opa run --server`, REST over
// keep-alive loopback), measured in the same run; plus the cost of input size and of metering.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { pino } from 'pino';
import { createPolicyEngine, readBundle, resolveVerification } from '../gateway/src/policy/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const BUNDLE = join(ROOT, 'bundles/palisade.tar.gz');
const ENTRYPOINT = 'palisade/request/decision';
const IN_PROCESS_RUNS = 50_000;
const SIDECAR_RUNS = 3_000;
const WARM_UP = 2_000;

/** A typical request input (~600 bytes): an SSN found, so the deny path runs. */
function sampleInput(extraEntities = 0): Record<string, unknown> {
  const entities: Record<string, { count: number; max_score: number }> = { US_SSN: { count: 1, max_score: 1 }, EMAIL_ADDRESS: { count: 2, max_score: 0.9 } };
  for (let i = 0; i < extraEntities; i++) entities[`CUSTOM_ENTITY_${i}`] = { count: 1, max_score: 0.5 };
  return {
    principal: { sub: 'analyst@example.com', iss: 'https://idp.example.com', tenant: 'acme', roles: ['analyst', 'reader'], app: 'support-bot', auth: 'oidc' },
    request: { api: 'openai.chat', route: '/v1/chat/completions', model: 'gpt-4o-mini', stream: true, params: { temperature: 0.2, max_tokens: 512 } },
    prompt: { messages: 3, roles: ['system', 'user'], chars: 1840, estimated_tokens: 460 },
    classification: { labels: ['PII'], entities, injection: { score: 0.02, detected: false, signals: [] } },
    context: { now: '2026-01-05T09:30:00.000Z', gateway_id: 'gw-bench', region: 'eu-west-1' },
  };
}

interface Stats {
  p50: number;
  p99: number;
}

function percentiles(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

const us = (ms: number): string => `${(ms * 1000).toFixed(1)} µs`;

function time(runs: number, fn: () => void): Stats {
  for (let i = 0; i < WARM_UP; i++) fn();
  const samples: number[] = new Array<number>(runs);
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    samples[i] = performance.now() - started;
  }
  return percentiles(samples);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

function post(agent: Agent, port: number, body: string): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: `/v1/data/${ENTRYPOINT}`, agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolveBody(text) : reject(new Error(`opa answered ${res.statusCode}: ${text}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function waitForOpa(agent: Agent, port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`opa run exited with ${child.exitCode}`);
    try {
      await post(agent, port, '{"input":{}}');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((done) => setTimeout(done, 100));
    }
  }
}

/** The same policy as a sidecar: opa serves the Rego sources over REST. */
async function benchSidecar(input: Record<string, unknown>): Promise<{ stats: Stats; decision: string }> {
  const opa = process.env['PALISADE_OPA'] ?? join(homedir(), '.cache/palisade/bin/opa');
  const port = await freePort();
  const child = spawn(
    opa,
    ['run', '--server', '--addr', `127.0.0.1:${port}`, '--log-level', 'error', '--ignore', '*_test.rego', '--ignore', 'examples', '--ignore', 'capabilities.json', join(ROOT, 'policies')],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // Kept for the error message only: opa warns on stderr when run as root.
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await waitForOpa(agent, port, child).catch((err: unknown) => {
      throw new Error(`opa run --server did not start: ${String(err)}\n${stderr}`);
    });
    const body = JSON.stringify({ input });
    let decision = '';
    for (let i = 0; i < 300; i++) decision = await post(agent, port, body);
    const samples: number[] = [];
    for (let i = 0; i < SIDECAR_RUNS; i++) {
      const started = performance.now();
      await post(agent, port, body);
      samples.push(performance.now() - started);
    }
    return { stats: percentiles(samples), decision };
  } finally {
    agent.destroy();
    child.kill('SIGTERM');
  }
}

export async function benchPolicy(): Promise<string[]> {
  const lines: string[] = [];
  const archive = await readFile(BUNDLE);
  const engine = createPolicyEngine({ logger: pino({ level: 'silent' }), verification: resolveVerification({ public_key_file: join(ROOT, 'config/dev-keys/bundle-signing.pub.pem'), key_id: 'palisade-dev', scope: 'development' }, 'bench').verification });
  await engine.load(archive, BUNDLE);
  const input = sampleInput();
  const inputBytes = Buffer.byteLength(JSON.stringify(input));
  const check = engine.evaluate('request', input);
  if (check.error) throw new Error(`the bench input does not evaluate: ${check.error.message}`);

  const inProcess = time(IN_PROCESS_RUNS, () => engine.evaluate('request', input));
  lines.push(`request decision, ${inputBytes} B input, ${check.steps} WASM steps, decision ${check.allow ? 'allow' : `deny ${check.reasons.map((r) => r.code).join(',')}`}`);
  lines.push(`  in-process (metered WASM, ${IN_PROCESS_RUNS} runs):       p50 ${us(inProcess.p50)}  p99 ${us(inProcess.p99)}`);

  // The SDK alone on the same module, unmetered and without the engine's checks: what metering,
  // serialisation bounds and output validation cost on top.
  const { wasm, data } = await readBundle(archive);
  const plain = await loadPolicy(wasm, { initial: 5, maximum: 512 });
  plain.setData(data);
  const raw = time(IN_PROCESS_RUNS, () => plain.evaluate(input, ENTRYPOINT));
  lines.push(`  opa-wasm SDK alone (unmetered, no checks):        p50 ${us(raw.p50)}  p99 ${us(raw.p99)}`);

  const sidecar = await benchSidecar(input);
  lines.push(`  opa run --server (REST, keep-alive, ${SIDECAR_RUNS} runs):  p50 ${us(sidecar.stats.p50)}  p99 ${us(sidecar.stats.p99)}`);
  lines.push(`  ratio sidecar / in-process:                       p50 ${(sidecar.stats.p50 / inProcess.p50).toFixed(1)}x  p99 ${(sidecar.stats.p99 / inProcess.p99).toFixed(1)}x`);
  const expected = JSON.stringify({ result: check.output });
  lines.push(`  same decision from both: ${JSON.stringify(JSON.parse(sidecar.decision)) === expected ? 'yes' : `NO (sidecar said ${sidecar.decision})`}`);

  lines.push('input size (more entity types), in-process:');
  for (const extra of [0, 30, 120, 480]) {
    const sized = sampleInput(extra);
    const bytes = Buffer.byteLength(JSON.stringify(sized));
    const big = createPolicyEngine({ logger: pino({ level: 'silent' }), evaluation: { maxInputBytes: 1024 * 1024 } });
    await big.load(archive, BUNDLE);
    const stats = time(extra > 100 ? 2_000 : 10_000, () => big.evaluate('request', sized));
    lines.push(`  ${String(bytes).padStart(6)} B: p50 ${us(stats.p50)}  p99 ${us(stats.p99)}  (${((stats.p50 * 1000) / (bytes / 1024)).toFixed(1)} µs per KiB at p50)`);
    await big.close();
  }
  await engine.close();
  return lines;
}
