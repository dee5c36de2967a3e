// The production shape scaled out: three `palisade serve` gateways of two workers each behind a
// round-robin "load balancer", sharing one Redis (limits and cache) and one Kafka broker, auditing into a topic of
// three partitions that `palisade-audit consume` writes into one Merkle log per partition. Each
// record of each answered request is in the ledger once, the provider received exactly the allowed
// prompts, a per-caller limit holds exactly across the gateways, and every log verifies.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { baseConfig, sha256 } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { createTopic, uniqueTopic, useKafka, type KafkaHandle } from '../support/kafka.js';
import { startRedis, type RedisServer } from '../support/redis.js';
import { runCli } from '../support/cli.js';
import { ledgerCount, readLedger, startConsumerProcess, type ConsumerProcess, type LedgerView } from '../audit/helpers/pipeline.js';
import { duplicates, sleep, until } from '../faults/support.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { LIMITED_KEY, firstRequestsEverywhere, roundRobin, type Exchange } from './load.js';

const GATEWAYS = 3;
const PARTITIONS = 3;
const REQUESTS = 300;
const WORKERS = 6;
/** Requests the limited caller may send in a day; its window is long enough that nothing refills mid-test. */
const LIMIT = 10;
const MODEL = 'gpt-test';
/** Callers with no request before the last test, each the only user of its key. */
const FRESH_KEYS = Array.from({ length: 30 }, (_, i) => `sk-test-fresh-${i}-0123456789`);
/** Every process this file starts ends by itself after this long, should the test process die first. */
const MAX_LIFETIME_MS = 600_000;

type LedgerRecord = LedgerView['records'][number];

function gatewayConfig(work: string, i: number, kafka: KafkaHandle, topic: string, redis: RedisServer, upstream: FakeOpenAI): Record<string, unknown> {
  const dir = join(work, `gateway-${i}`);
  mkdirSync(dir);
  const c = baseConfig(dir);
  // Two workers each (docs/workers.md): six processes serve the three ports.
  c['server'] = { ...(c['server'] as Record<string, unknown>), gateway_id: `gw-${i}`, workers: 2 };
  c['log'] = { level: 'warn' };
  const keys = (c['identity'] as { api_keys: unknown[] }).api_keys;
  keys.push({ id: 'limited', key_sha256: sha256(LIMITED_KEY), sub: 'limited@example.com', tenant: 'acme', roles: ['analyst'], app: 'test-app' });
  FRESH_KEYS.forEach((key, k) => keys.push({ id: `fresh-${k}`, key_sha256: sha256(key), sub: `fresh-${k}@example.com`, tenant: 'acme', roles: ['analyst'], app: 'test-app' }));
  // A loaded machine must not turn policy evaluation into timeouts; this test is not about deadlines.
  c['policy'] = { ...(c['policy'] as Record<string, unknown>), evaluation: { deadline_ms: 2000 } };
  (c['providers'] as unknown[]).push({ name: 'upstream', type: 'openai', base_url: upstream.baseUrl, timeout_ms: 30_000 });
  (c['models'] as unknown[]).push({ name: MODEL, provider: 'upstream' });
  c['audit'] = {
    sink: 'kafka',
    kafka: { brokers: kafka.brokers, topic, client_id: `gw-${i}`, ack_timeout_ms: 10_000, linger_ms: 0, on_unavailable: 'reject' },
    // One key for every gateway, as the install instructions require: the first gateway creates it.
    commitment_key_file: join(work, 'commitment.key'),
    create_commitment_key: i === 0,
  };
  c['redis'] = { url: redis.url, connect_timeout_ms: 2000, command_timeout_ms: 2000 };
  c['limits'] = {
    backend: 'redis',
    on_backend_error: 'closed',
    rules: [{ name: 'limited-daily', by: ['credential'], limit: LIMIT, unit: 'requests', window_s: 86_400, match: { credential_id: ['limited'] } }],
  };
  c['cache'] = { backend: 'redis' };
  return c;
}

const count = <T>(items: readonly T[], key: (item: T) => string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
};

describe('three gateways, three partitions, one consumer group', () => {
  const work = mkdtempSync(join(tmpdir(), 'palisade-scale-out-'));
  const ledgerDir = join(work, 'ledger');
  const topic = uniqueTopic('palisade.audit.scale-out');
  let kafka: KafkaHandle | undefined;
  let redis: RedisServer | undefined;
  let upstream: FakeOpenAI | undefined;
  let consumer: ConsumerProcess | undefined;
  const gateways: GatewayProcess[] = [];
  let exchanges: Exchange[] = [];
  let records: LedgerRecord[] = [];
  let loadSeconds = 0;

  const answered = (): Exchange[] => exchanges.filter((e) => e.status === 200);
  const limited = (): Exchange[] => exchanges.filter((e) => e.caller === 'limited');
  /** Records callers were promised: a decision for every answer, an outcome for every 200. */
  const promised = (): number => exchanges.filter((e) => e.decisionId !== '').length + answered().length;

  before(
    async () => {
      kafka = await useKafka();
      await createTopic(kafka.brokers, topic, PARTITIONS);
      redis = await startRedis();
      upstream = await startFakeOpenAI();
      consumer = startConsumerProcess(work, kafka.brokers, topic, ledgerDir);
      for (let i = 0; i < GATEWAYS; i++) {
        // One at a time: the first creates the shared commitment key the others read.
        const gw = await startGatewayProcess(join(work, `gateway-${i}`), gatewayConfig(work, i, kafka, topic, redis, upstream), { maxLifetimeMs: MAX_LIFETIME_MS, startTimeoutMs: 60_000 });
        gateways.push(gw);
        await until(`${gw.gatewayId} ready`, async () => (await fetch(`${gw.url}/readyz`).catch(() => undefined))?.status === 200, 60_000, () => gw.log().slice(-2000));
      }

      const started = Date.now();
      exchanges = await roundRobin(gateways, REQUESTS, { workers: WORKERS, model: MODEL });
      loadSeconds = (Date.now() - started) / 1000;

      // A ledger that never gets there is what the tests below report, record by record.
      await until(`${promised()} records in the ledger`, () => ledgerCount(ledgerDir) >= promised(), 60_000).catch(() => undefined);
      // A late duplicate would show up within a few checkpoint intervals (200 ms each).
      await sleep(1500);
      records = readLedger(ledgerDir).records;
    },
    { timeout: 280_000 },
  );

  after(async () => {
    // Every step runs even when one fails, so no process outlives the test; the first failure is reported.
    const stopped = await Promise.allSettled([...gateways.map((g) => g.stop()), consumer?.stop(), upstream?.close(), redis?.stop()]);
    stopped.push(...(await Promise.allSettled([kafka?.stop()])));
    rmSync(work, { recursive: true, force: true });
    const failed = stopped.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  });

  it('each of the three gateway processes answers its share: 200 for allowed prompts, 403 for SSN prompts, 200 or 429 for the limited caller', (t) => {
    const served = count(exchanges, (e) => e.gatewayId);
    t.diagnostic(`scale-out: ${exchanges.length} requests in ${loadSeconds.toFixed(1)} s from ${WORKERS} concurrent callers; by status ${JSON.stringify(count(exchanges, (e) => String(e.status)))}; by gateway ${JSON.stringify(served)}`);
    const unexpected = exchanges.filter((e) => (e.caller === 'privileged' ? e.status !== 200 : e.caller === 'analyst' ? e.status !== 403 : e.status !== 200 && e.status !== 429));
    const logs = gateways.filter((g) => unexpected.some((e) => e.gatewayId === g.gatewayId)).map((g) => `${g.gatewayId}:\n${g.log().slice(-3000)}`);
    assert.deepEqual(unexpected.map((e) => `${e.n} ${e.caller} via ${e.gatewayId}: ${e.status} after ${e.ms} ms ${e.error?.palisade_code ?? ''} ${e.error?.message ?? ''}`), [], logs.join('\n'));
    assert.deepEqual(Object.keys(served).sort(), ['gw-0', 'gw-1', 'gw-2']);
  });

  it("every answered request's decision record is in exactly one log, once, with its outcome and the gateway that served it", () => {
    const problems: string[] = [];
    const byDecision = new Map<string, LedgerRecord[]>();
    for (const r of records) byDecision.set(r.decision_id, [...(byDecision.get(r.decision_id) ?? []), r]);
    for (const e of exchanges) {
      const rs = byDecision.get(e.decisionId) ?? [];
      const decisions = rs.filter((r) => r.phase === 'decision');
      const outcomes = rs.filter((r) => r.phase === 'outcome');
      const d = decisions[0];
      const what = `request ${e.n} (${e.caller}, ${e.status} via ${e.gatewayId}, decision ${e.decisionId || 'none'})`;
      if (decisions.length !== 1 || d === undefined) {
        problems.push(`${what}: ${decisions.length} decision records`);
        continue;
      }
      if (d.gateway_id !== e.gatewayId) problems.push(`${what}: decision recorded by ${d.gateway_id}`);
      if (e.status === 200) {
        const o = outcomes[0];
        if (outcomes.length !== 1 || o === undefined) problems.push(`${what}: ${outcomes.length} outcome records`);
        else if (o.log !== d.log || o.index < d.index) problems.push(`${what}: the outcome is not after its decision in the same log`);
        else if (o.outcome?.status !== 200 || d.policy?.allow !== true) problems.push(`${what}: decision allow ${String(d.policy?.allow)}, outcome status ${String(o.outcome?.status)}`);
      } else {
        if (outcomes.length !== 0) problems.push(`${what}: ${outcomes.length} outcome records for a request never forwarded`);
        if (e.status === 403 && (d.policy?.allow !== false || !d.policy.reasons.some((r) => r.code === 'pii_requires_pii_reader'))) problems.push(`${what}: the decision record does not name the policy's denial`);
        if (e.status === 429 && (d.error?.code !== 'GW_ERR_RATE_LIMITED' || d.limits?.allowed !== false)) problems.push(`${what}: the decision record does not name the limit (${JSON.stringify({ error: d.error, limits: d.limits })})`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('no record appears twice, within a log or across logs, and the ledger holds nothing callers were not told about', () => {
    assert.deepEqual(duplicates(records), []);
    assert.equal(records.length, promised());
  });

  it('the provider received exactly the allowed prompts, each once', () => {
    const received = (upstream?.received ?? []).map((r) => {
      const messages = r.body['messages'] as { content: string }[];
      return messages.map((m) => m.content).join('\n');
    });
    assert.deepEqual(received.sort(), answered().map((e) => e.prompt).sort());
  });

  it('records landed in the log of every one of the three partitions', (t) => {
    const byLog = count(records, (r) => basename(r.log));
    assert.deepEqual(Object.keys(byLog).sort(), ['0', '1', '2']);
    t.diagnostic(`scale-out: ${records.length} records by partition ${JSON.stringify(byLog)}`);
  });

  it(`a limit of ${LIMIT} requests for one API key admits exactly ${LIMIT} across the three gateways`, (t) => {
    const ok = limited().filter((e) => e.status === 200);
    t.diagnostic(`scale-out: the limited caller sent ${limited().length} requests; admitted by gateway ${JSON.stringify(count(ok, (e) => e.gatewayId))}`);
    assert.equal(ok.length, LIMIT);
  });

  it("the limited caller's other requests get 429 in the OpenAI shape, with Retry-After", () => {
    const refused = limited().filter((e) => e.status !== 200);
    assert.equal(refused.length, limited().length - LIMIT);
    const shapes = refused.map((e) => ({ status: e.status, type: e.error?.type, palisade_code: e.error?.palisade_code, decision_id: e.decisionId !== '', retry_after: e.retryAfter !== null }));
    assert.deepEqual(shapes, refused.map(() => ({ status: 429, type: 'rate_limit_error', palisade_code: 'GW_ERR_RATE_LIMITED', decision_id: true, retry_after: true })));
  });

  it('palisade-audit verify passes on every log', async () => {
    const verified = await runCli('palisade-audit', ['verify', ledgerDir], { timeoutMs: 120_000 });
    assert.equal(verified.code, 0, `${verified.stdout}\n${verified.stderr}`);
    const sizes = count(records, (r) => basename(r.log));
    const expected = Object.entries(sizes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([log, size]) => `OK ${log} size=${size}`);
    const reported = verified.stdout
      .split('\n')
      .filter((l) => l.startsWith('OK '))
      .map((l) => l.replace(/ root=.*$/, ''))
      .sort();
    assert.deepEqual(reported, expected);
  });

  it(
    "a subject's first requests, arriving at the three gateways at once, are all answered",
    async () => {
      const answers = await firstRequestsEverywhere(gateways, FRESH_KEYS, MODEL);
      const unreadableKeys = gateways.map((g) => `${g.gatewayId}: ${g.log().split('\n').filter((l) => l.includes('is not JSON')).length} log lines name a subject key file that is not JSON`);
      assert.deepEqual(
        answers.filter((a) => a.status !== 200).map((a) => `${a.gatewayId}: ${a.status} ${a.error?.palisade_code ?? ''}`),
        [],
        unreadableKeys.join('; '),
      );
    },
  );
});
