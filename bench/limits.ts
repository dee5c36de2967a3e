// Benchmarks of limits and the response cache, each beside a baseline measured in the same run:
// the limit check in memory (vs. a request no limit applies to), the limit check in Redis (vs. a
// bare PING on the same connection: the one round trip it costs), and a cache hit end to end
// through the gateway (vs. the same request answered by a loopback provider, and vs. calling that
// provider directly).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { parseConfig, startGateway } from '@palisade/gateway';
import { createLimits, createMemoryLimitStore, createRedisConnection, createRedisLimitStore, pricingFrom, type Limits } from '../gateway/src/limits/index.js';
import { createPriceTable } from '../gateway/src/tokens/price-table.js';
import type { Principal } from '../gateway/src/identity/principal.js';
import { startRedis } from '../test/support/redis.js';
import { startFakeOpenAI } from '../test/support/fake-openai.js';
import { ALLOW_RESPONSE_REGO, buildSignedFixtureBundle } from '../test/policy/support.js';
import { CACHE_REGO, DEV_VERIFICATION } from '../test/cache/support.js';
import { baseConfig, sha256 } from '../test/support/gateway.js';

const ITERATIONS = Number(process.env['BENCH_LIMIT_ITERATIONS'] ?? 50_000);
const REDIS_ITERATIONS = Number(process.env['BENCH_REDIS_ITERATIONS'] ?? 5_000);
const HTTP_ITERATIONS = Number(process.env['BENCH_CACHE_ITERATIONS'] ?? 2_000);
const USERS = 1_000;
// Every answer waits for two fsync'd ledger appends; on a disk those dominate, so by default the
// ledger lives on tmpfs and the figures measure the gateway. BENCH_LEDGER_DIR=/some/disk to see the disk.
const LEDGER_PARENT = process.env['BENCH_LEDGER_DIR'] ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function time(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    out.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return out.sort((a, b) => a - b);
}

function row(label: string, us: number[], base?: number[]): string {
  const ratio = base ? `   ratio p50 ${(pct(us, 50) / pct(base, 50)).toFixed(2)}x  p99 ${(pct(us, 99) / pct(base, 99)).toFixed(2)}x` : '';
  return `  ${label.padEnd(44)} p50 ${pct(us, 50).toFixed(1).padStart(7)} µs  p99 ${pct(us, 99).toFixed(1).padStart(7)} µs${ratio}`;
}

const principals: Principal[] = Array.from({ length: USERS }, (_, i) => ({ sub: `user-${i}@bench.example`, iss: 'urn:palisade:api-key', tenant: `tenant-${i % 20}`, roles: ['analyst'], auth: 'api_key', credential_id: `key-${i}` }));
const unlimitedPrincipal: Principal = { sub: 'free@bench.example', iss: 'urn:palisade:api-key', roles: ['guest'], auth: 'api_key', credential_id: 'free' };

function buildLimits(store: Parameters<typeof createLimits>[0]['store']): Limits {
  return createLimits({
    store,
    limits: {
      backend: store.backend,
      on_backend_error: 'closed',
      rules: [
        { name: 'requests', by: ['user'], limit: 1_000_000, unit: 'requests', window_s: 60, match: { role: ['analyst'] } },
        { name: 'tokens', by: ['tenant'], limit: 1_000_000_000, unit: 'tokens', window_s: 60, match: { role: ['analyst'] } },
      ],
      tiers: {},
    },
    budgets: { rules: [{ name: 'monthly', by: ['tenant'], usd: 1e9, period: 'month', thresholds: [0.8], match: { role: ['analyst'] } }], unpriced: 'deny' },
    pricing: pricingFrom(createPriceTable({ bench: { input_per_mtok: 1, output_per_mtok: 2 } })),
    clock: Date.now,
    logger: pino({ level: 'silent' }),
    registry: new Registry(),
  });
}

const usage = { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 };

async function admitAndSettle(limits: Limits, principal: Principal): Promise<void> {
  const a = await limits.admit({ principal, model: 'bench', estimatedTokens: 100 });
  if (a.error) throw a.error;
  a.settle({ usage });
}

async function benchMemory(lines: string[]): Promise<void> {
  const limits = buildLimits(createMemoryLimitStore({ clock: Date.now }));
  await time(ITERATIONS / 5, (i) => admitAndSettle(limits, principals[i % USERS] as Principal));
  const base = await time(ITERATIONS, () => limits.admit({ principal: unlimitedPrincipal, model: 'bench', estimatedTokens: 100 }));
  const settles: number[] = [];
  const checked = await time(ITERATIONS, async (i) => {
    const a = await limits.admit({ principal: principals[i % USERS] as Principal, model: 'bench', estimatedTokens: 100 });
    const t0 = process.hrtime.bigint();
    a.settle({ usage });
    settles.push(Number(process.hrtime.bigint() - t0) / 1000);
  });
  settles.sort((a, b) => a - b);
  lines.push(`Limit check in memory (${ITERATIONS} admissions over ${USERS} users, each under a request limit, a token limit and a budget)`);
  lines.push(row('baseline: admission when no limit applies', base));
  lines.push(row('check and reserve 3 limits (+ correction)', checked, base));
  lines.push(row('  of which the usage correction', settles));
  lines.push(`  aim: p99 <= 20 µs: ${pct(checked, 99) <= 20 ? 'met' : 'NOT met'}`, '');
  await limits.close();
}

async function benchRedis(lines: string[]): Promise<void> {
  const server = await startRedis();
  const connection = createRedisConnection({ url: server.url, key_prefix: 'bench:', connect_timeout_ms: 2000, command_timeout_ms: 1000 }, { logger: pino({ level: 'silent' }) });
  try {
    await connection.waitReady(2000);
    const limits = buildLimits(createRedisLimitStore(connection));
    await time(REDIS_ITERATIONS / 5, (i) => admitAndSettle(limits, principals[i % USERS] as Principal));
    const ping = await time(REDIS_ITERATIONS, () => connection.client.ping());
    const check = await time(REDIS_ITERATIONS, (i) => limits.admit({ principal: principals[i % USERS] as Principal, model: 'bench', estimatedTokens: 100 }));
    lines.push(`Limit check in Redis (${REDIS_ITERATIONS} sequential admissions; one EVALSHA of the atomic script per check)`);
    lines.push(row('baseline: PING on the same connection', ping));
    lines.push(row('3 limits checked and reserved', check, ping), '');
    await limits.close();
  } finally {
    await connection.close();
    await server.stop();
  }
}

function post(port: number, agent: Agent, body: string, headers: Record<string, string>): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(res.headers['x-palisade-cache'] as string | undefined) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function benchCache(lines: string[]): Promise<void> {
  const dir = mkdtempSync(join(LEDGER_PARENT, 'palisade-bench-cache-'));
  const upstream = await startFakeOpenAI();
  const bundle = join(dir, 'cache.tar.gz');
  writeFileSync(bundle, await buildSignedFixtureBundle({ 'request.rego': CACHE_REGO, 'response.rego': ALLOW_RESPONSE_REGO }));
  const config = baseConfig(dir);
  const key = 'sk-bench-cache-0123456789';
  config['log'] = { level: 'warn' };
  config['policy'] = { bundle, verification: DEV_VERIFICATION };
  config['identity'] = { api_keys: [{ id: 'bench', key_sha256: sha256(key), sub: 'bench@example.com', tenant: 'bench', roles: ['analyst'] }], oidc: [] };
  (config['providers'] as unknown[]).push({ name: 'upstream', type: 'openai', base_url: upstream.baseUrl, timeout_ms: 10_000 });
  (config['models'] as unknown[]).push({ name: 'gpt-tenant', provider: 'upstream' });
  const gateway = await startGateway(parseConfig({ path: 'bench.json', text: JSON.stringify(config), env: {} }));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const upstreamPort = Number(new URL(upstream.baseUrl).port);
  const body = JSON.stringify({ model: 'gpt-tenant', temperature: 0, messages: [{ role: 'user', content: 'Summarise the attached quarterly report in three bullet points. '.repeat(6) }] });
  const auth = { authorization: `Bearer ${key}` };
  try {
    if ((await post(gateway.port, agent, body, auth)) !== 'miss') throw new Error('the first request should be a miss');
    await time(300, () => post(gateway.port, agent, body, auth));
    await time(300, () => post(upstreamPort, agent, body, {}));
    const direct = await time(HTTP_ITERATIONS, () => post(upstreamPort, agent, body, {}));
    const miss = await time(HTTP_ITERATIONS, () => post(gateway.port, agent, body, { ...auth, 'cache-control': 'no-cache' }));
    const hit = await time(HTTP_ITERATIONS, async () => {
      if ((await post(gateway.port, agent, body, auth)) !== 'hit') throw new Error('expected a cache hit');
    });
    lines.push(`Cache hit end to end (${HTTP_ITERATIONS} sequential requests on loopback; gateway in-process; decision and outcome records committed with fsync to the embedded ledger in ${LEDGER_PARENT})`);
    lines.push(row('baseline: the provider called directly', direct));
    lines.push(row('gateway, answer from the provider', miss, direct));
    lines.push(row('gateway, answer from the cache', hit, direct));
    lines.push(`  hit vs provider through the gateway: p50 ${(pct(hit, 50) / pct(miss, 50)).toFixed(2)}x  p99 ${(pct(hit, 99) / pct(miss, 99)).toFixed(2)}x`);
    lines.push(`  aim: p99 <= 1 ms: ${pct(hit, 99) <= 1000 ? 'met' : 'NOT met'}`);
  } finally {
    agent.destroy();
    await gateway.close();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchLimits(): Promise<string[]> {
  const lines: string[] = [`Node ${process.version}`, ''];
  await benchMemory(lines);
  await benchRedis(lines);
  await benchCache(lines);
  return lines;
}
