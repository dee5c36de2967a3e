// Redis, shared by limits and the response cache, goes down and comes back. A gateway whose limits
// fail closed refuses limited callers with 503 and forwards nothing; one whose limits fail open
// serves them unchecked (on record as such), its cache answering from the provider. Once Redis is
// back both enforce limits and cache again by themselves, and each ledger verifies.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ANALYST_KEY, type TestGateway } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { startRedis, type RedisServer } from '../support/redis.js';
import { records, startClockedGateway } from '../limits/support.js';
import { buildCacheBundle, cacheGateway, countingAnswer, type CacheBundle } from '../cache/support.js';
import { assertNothingUnaudited, assertVerifies, duplicates, reportFault, until } from './support.js';

const FILE = 'test/faults/redis.test.ts';

interface Answer {
  status: number;
  code?: string;
  decisionId: string;
  cache: string | null;
  remaining: string | null;
}

async function ask(gw: TestGateway, question: string): Promise<Answer> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ANALYST_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-tenant', temperature: 0, messages: [{ role: 'user', content: question }] }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as { error?: { palisade_code?: string; decision_id?: string } };
  return {
    status: res.status,
    code: body.error?.palisade_code,
    decisionId: res.headers.get('x-palisade-decision-id') ?? body.error?.decision_id ?? '',
    cache: res.headers.get('x-palisade-cache'),
    remaining: res.headers.get('x-ratelimit-remaining'),
  };
}

describe('Redis down and back, for limits and the response cache', () => {
  let redis: RedisServer;
  let bundle: CacheBundle;
  let upstream: FakeOpenAI;
  const gw: Record<'closed' | 'open', TestGateway | undefined> = { closed: undefined, open: undefined };
  const during: Record<'closed' | 'open', Answer[]> = { closed: [], open: [] };

  before(async () => {
    redis = await startRedis();
    bundle = await buildCacheBundle();
    upstream = await startFakeOpenAI({ answer: countingAnswer() });
    for (const mode of ['closed', 'open'] as const) {
      gw[mode] = await startClockedGateway(
        cacheGateway(bundle, upstream, (c) => {
          c['redis'] = { url: redis.url, connect_timeout_ms: 500, command_timeout_ms: 500 };
          c['cache'] = { backend: 'redis' };
          c['limits'] = { backend: 'redis', on_backend_error: mode, rules: [{ name: 'requests', by: ['user'], limit: 1000, unit: 'requests', window_s: 3600 }] };
        }),
      );
    }
  });
  after(async () => {
    for (const g of Object.values(gw)) {
      if (!g) continue;
      await g.gateway.close().catch(() => undefined);
      rmSync(g.dir, { recursive: true, force: true });
    }
    await upstream?.close();
    await redis?.stop();
    bundle?.remove();
  });

  it('while Redis is up: limits counted and answers cached', async () => {
    for (const mode of ['closed', 'open'] as const) {
      const a = await ask(gw[mode]!, `Before the outage, ${mode}`);
      const b = await ask(gw[mode]!, `Before the outage, ${mode}`);
      assert.equal(a.status, 200);
      assert.equal(b.cache, 'hit', `${mode}: the second answer comes from the cache`);
      assert.ok(b.remaining !== null, `${mode}: limits are counted`);
    }
  });

  it('while Redis is down: fail closed refuses with 503 and forwards nothing; fail open serves from the provider, unchecked', async () => {
    await redis.outage(async () => {
      const forwarded = upstream.received.length;
      for (let i = 0; i < 3; i++) during.closed.push(await ask(gw.closed!, `During the outage ${i}`));
      assert.deepEqual(during.closed.map((a) => [a.status, a.code]), Array(3).fill([503, 'GW_ERR_LIMITS_UNAVAILABLE']));
      assert.equal(upstream.received.length, forwarded, 'fail closed: nothing forwarded');
      assert.equal((await fetch(`${gw.closed!.url}/readyz`)).status, 503);

      for (let i = 0; i < 3; i++) during.open.push(await ask(gw.open!, `Before the outage, open`));
      assert.deepEqual(during.open.map((a) => a.status), [200, 200, 200]);
      assert.ok(during.open.every((a) => a.cache !== 'hit' && a.remaining === null), 'from the provider, without limits');
      assert.equal(upstream.received.length, forwarded + 3);
      assert.equal((await fetch(`${gw.open!.url}/readyz`)).status, 200);
    });
  });

  it('once Redis is back: both enforce limits and cache again, without a restart', async (t) => {
    for (const mode of ['closed', 'open'] as const) {
      const g = gw[mode]!;
      await until(`${mode}: ready again`, async () => (await fetch(`${g.url}/readyz`)).status === 200, 15_000);
      // The cache reconnects on its own schedule; its first answers may still be misses.
      await until(`${mode}: limits counted and answers cached`, async () => {
        const a = await ask(g, `After the outage, ${mode}`);
        return a.status === 200 && a.cache === 'hit' && a.remaining !== null;
      }, 15_000);
    }

    const summaries: string[] = [];
    const forwarded = upstream.received.length;
    const all = [];
    for (const mode of ['closed', 'open'] as const) {
      const g = gw[mode]!;
      await g.gateway.close();
      const rs = records(g);
      assert.deepEqual(duplicates(rs), []);
      for (const a of during[mode]) {
        const decision = rs.find((r) => r.decision_id === a.decisionId && r.phase === 'decision');
        assert.deepEqual(decision?.limits, mode === 'closed' ? { allowed: false, key: 'unavailable' } : { allowed: true, key: 'unchecked' }, `${mode}: the outage is on record`);
        assert.equal(rs.filter((r) => r.decision_id === a.decisionId && r.phase === 'outcome').length, mode === 'closed' ? 0 : 1);
      }
      summaries.push(`${mode}: ${rs.length} records, ${await assertVerifies(g.ledgerDir)}`);
      all.push(...rs);
      rmSync(g.dir, { recursive: true, force: true });
      gw[mode] = undefined;
    }
    assertNothingUnaudited(forwarded, all);
    reportFault(t, {
      fault: 'Redis down and back, limits on_backend_error: closed (cache in Redis)',
      callerSees: '503 GW_ERR_LIMITS_UNAVAILABLE for limited callers, nothing forwarded, /readyz 503; limits and cache again once Redis is back, no restart',
      ledgerHolds: `each refusal's decision once with limits {allowed: false, key: unavailable}, no outcome (${summaries[0]})`,
      verify: 'verify ok',
      test: FILE,
    });
    reportFault(t, {
      fault: 'Redis down and back, limits on_backend_error: open (cache in Redis)',
      callerSees: '200 from the provider: no cache hits, no x-ratelimit headers, /readyz 200; limits and cache again once Redis is back, no restart',
      ledgerHolds: `each request's decision with limits {allowed: true, key: unchecked} and its outcome, once (${summaries[1]})`,
      verify: 'verify ok',
      test: FILE,
    });
  });
});
