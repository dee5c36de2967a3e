// Limits and budgets kept in a real Redis shared by two gateways, and what happens when Redis is
// unreachable or stuck: refusal or pass-through as configured, logged, and never a hang. Redis
// keeps time by its own clock, so windows here are long enough that nothing refills mid-test.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { ANALYST_KEY, PRIVILEGED_KEY, type TestGateway } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { freePort, startHangingRedis, startRedis, type RedisServer } from '../support/redis.js';
import { OTHER_TENANT_KEY, addCallers, addUpstream, chatBody, estimateTokens, logLines, openai, recordsOf, startClockedGateway } from './support.js';

const ANSWER = 'One two three four five six seven eight.';

/** Command timeouts are short only where a test waits for one; elsewhere a loaded machine must not cause them. */
function useRedis(url: string, onError: 'closed' | 'open' = 'closed', commandTimeoutMs = 2000): (c: Record<string, unknown>) => void {
  return (c) => {
    c['redis'] = { url, connect_timeout_ms: 2000, command_timeout_ms: commandTimeoutMs };
    (c['limits'] as Record<string, unknown>)['backend'] = 'redis';
    (c['limits'] as Record<string, unknown>)['on_backend_error'] = onError;
  };
}

describe('limits shared by two gateways through Redis', () => {
  let redis: RedisServer;
  let upstream: FakeOpenAI;
  const gateways: TestGateway[] = [];

  before(async () => {
    redis = await startRedis();
    upstream = await startFakeOpenAI({ answer: () => ANSWER });
    for (let i = 0; i < 2; i++) {
      gateways.push(
        await startClockedGateway((c) => {
          addUpstream(c, upstream.baseUrl, ['gpt-test']);
          addCallers(c);
          c['limits'] = {
            rules: [
              { name: 'shared-requests', by: ['user'], limit: 10, unit: 'requests', window_s: 86_400, match: { credential_id: ['analyst'] } },
              { name: 'shared-tokens', by: ['user'], limit: 1000, unit: 'tokens', window_s: 2_592_000, match: { credential_id: ['privileged'] } },
            ],
          };
          c['budgets'] = { rules: [{ name: 'tenant-monthly', by: ['tenant'], usd: 100, period: 'month', thresholds: [], match: { tenant: ['globex'] } }] };
          c['prices'] = { 'gpt-test': { input_per_mtok: 10_000, output_per_mtok: 20_000 } };
          useRedis(redis.url)(c);
        }),
      );
    }
  });
  after(async () => {
    for (const gw of gateways) await gw.close();
    await upstream?.close();
    await redis?.stop();
  });

  it('admits exactly N of many concurrent requests under a limit of N', async () => {
    const attempts = Array.from({ length: 30 }, (_, i) =>
      openai(gateways[i % 2] as TestGateway, ANALYST_KEY)
        .chat.completions.create(chatBody('gpt-test', 40))
        .then(
          () => 200,
          (e: unknown) => (e instanceof OpenAI.APIError ? (e.status ?? 0) : -1),
        ),
    );
    const statuses = await Promise.all(attempts);
    assert.equal(statuses.filter((s) => s === 200).length, 10, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 20, statuses.join(','));
  });

  it('corrects token reservations on the shared counter', async () => {
    const [a, b] = gateways as [TestGateway, TestGateway];
    const body = chatBody('gpt-test', 400);
    const estimate = estimateTokens(body.messages[0]?.content ?? '');
    const first = await openai(a, PRIVILEGED_KEY).chat.completions.create(body).withResponse();
    assert.equal(first.response.headers.get('x-ratelimit-remaining'), String(1000 - estimate));
    const second = await openai(b, PRIVILEGED_KEY).chat.completions.create(body).withResponse();
    assert.equal(second.response.headers.get('x-ratelimit-remaining'), String(1000 - (11 + 8) - estimate));
  });

  it('adds spend from both gateways to one budget counter', async () => {
    await openai(gateways[0] as TestGateway, OTHER_TENANT_KEY).chat.completions.create(chatBody('gpt-test', 40));
    await openai(gateways[1] as TestGateway, OTHER_TENANT_KEY).chat.completions.create(chatBody('gpt-test', 40));
    const keys = await redis.client.keys('palisade:bg:tenant-monthly:*');
    assert.equal(keys.length, 1);
    assert.equal(await redis.client.get(keys[0] as string), String(2 * 270_000), 'two requests of 0.27 USD, in micro-USD');
    assert.ok((await redis.client.pttl(keys[0] as string)) > 0, 'budget counters expire after their period');
  });

  it('writes keys that hold no user, tenant or credential, only hashes', async () => {
    const keys = await redis.client.keys('*');
    assert.ok(keys.length >= 3, keys.join('\n'));
    for (const k of keys) {
      assert.match(k, /^palisade:(rl:[a-z0-9./_-]+|bg:[a-z0-9._-]+:\d+):[A-Za-z0-9_-]{22}$/);
      for (const secret of ['analyst', 'privileged', 'acme', 'globex', 'example', 'sk-test']) assert.ok(!k.includes(secret), `${k} names ${secret}`);
    }
  });
});

describe('Redis unreachable', () => {
  let closed: TestGateway;
  let open: TestGateway;

  before(async () => {
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    const rule = { rules: [{ name: 'requests', by: ['user'], limit: 100, unit: 'requests', window_s: 60, match: { credential_id: ['analyst'] } }] };
    closed = await startClockedGateway((c) => {
      c['limits'] = { ...rule };
      useRedis(nobody, 'closed')(c);
    });
    open = await startClockedGateway((c) => {
      c['limits'] = { ...rule };
      useRedis(nobody, 'open')(c);
    });
  });
  after(async () => {
    await closed?.close();
    await open?.close();
  });

  const ask = (gw: TestGateway, key: string) => openai(gw, key).chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'Hello' }] }).withResponse();

  it('fails closed: refuses limited requests with 503, audited and logged, and reports not ready', async () => {
    const err = await ask(closed, ANALYST_KEY).then(
      () => assert.fail('limits cannot be checked'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof OpenAI.APIError);
    assert.equal(err.status, 503);
    const body = err.error as { palisade_code: string; decision_id: string };
    assert.equal(body.palisade_code, 'GW_ERR_LIMITS_UNAVAILABLE');
    const [decision] = recordsOf(closed, body.decision_id);
    assert.equal(decision?.error?.code, 'GW_ERR_LIMITS_UNAVAILABLE');
    assert.deepEqual(decision?.limits, { allowed: false, key: 'unavailable' });
    assert.ok(logLines(closed).some((l) => String(l['msg']).includes('requests with limits or budgets are refused until it recovers (fail closed)')));
    const ready = await fetch(`${closed.url}/readyz`);
    assert.equal(ready.status, 503);
    const components = ((await ready.json()) as { components: Record<string, { ready: boolean }> }).components;
    assert.equal(components['limits']?.ready, false);
    // Requests no limit applies to do not need Redis.
    await ask(closed, PRIVILEGED_KEY);
  });

  it('fails open when configured: forwards without limits, audited as unchecked, and logged', async () => {
    const { response } = await ask(open, ANALYST_KEY);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-ratelimit-limit'), null);
    const [decision] = recordsOf(open, response.headers.get('x-palisade-decision-id') ?? '');
    assert.deepEqual(decision?.limits, { allowed: true, key: 'unchecked' });
    assert.ok(logLines(open).some((l) => String(l['msg']).includes('limits and budgets are NOT enforced until it recovers (fail open)')));
    assert.equal((await fetch(`${open.url}/readyz`)).status, 200);
  });
});

describe('Redis that accepts connections and never answers', () => {
  let hanging: { url: string; close(): Promise<void> };
  let gw: TestGateway;

  before(async () => {
    hanging = await startHangingRedis();
    gw = await startClockedGateway((c) => {
      c['limits'] = { rules: [{ name: 'requests', by: ['user'], limit: 100, unit: 'requests', window_s: 60 }] };
      useRedis(hanging.url, 'closed', 200)(c);
    });
  });
  after(async () => {
    await gw?.close();
    await hanging?.close();
  });

  it('answers 503 once the command timeout passes instead of holding the request', async () => {
    const err = await openai(gw, ANALYST_KEY)
      .chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'Hello' }] })
      .then(
        () => assert.fail('limits cannot be checked'),
        (e: unknown) => e,
      );
    assert.ok(err instanceof OpenAI.APIError);
    assert.equal((err.error as { palisade_code: string }).palisade_code, 'GW_ERR_LIMITS_UNAVAILABLE');
    assert.ok(logLines(gw).some((l) => l['msg'] === 'limits backend unavailable; requests with limits or budgets are refused until it recovers (fail closed)' && JSON.stringify(l['err']).includes('timed out')));
  });
});

describe('Redis going away and coming back', () => {
  let redis: RedisServer;
  let gw: TestGateway;

  before(async () => {
    redis = await startRedis();
    gw = await startClockedGateway((c) => {
      c['limits'] = { rules: [{ name: 'requests', by: ['user'], limit: 100, unit: 'requests', window_s: 60 }] };
      useRedis(redis.url, 'closed')(c);
    });
  });
  after(async () => {
    await gw?.close();
    await redis?.stop();
  });

  const ask = () => openai(gw, ANALYST_KEY).chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'Hello' }] }).withResponse();

  it('refuses while Redis is down, then enforces limits again once it is back, by itself', async () => {
    await ask();
    await redis.outage(async () => {
      await assert.rejects(ask(), (e: unknown) => e instanceof OpenAI.APIError && e.status === 503);
    });
    // The client reconnects in the background (backoff at most 2 s); poll readiness, bounded.
    let ready = false;
    for (let i = 0; i < 100 && !ready; i++) {
      ready = (await fetch(`${gw.url}/readyz`)).status === 200;
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(ready, 'the gateway is ready again within 10 s of Redis coming back');
    const { response } = await ask();
    assert.equal(response.headers.get('x-ratelimit-remaining'), '99', 'a fresh Redis starts a fresh counter');
    const lines = logLines(gw).map((l) => l['msg']);
    assert.ok(lines.includes('limits backend available again; limits and budgets are enforced'));
    assert.ok(lines.includes('redis reachable again'));
  });
});
