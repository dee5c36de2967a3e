// The response cache in a real Redis shared by two gateways: an answer kept by one is served by
// the other, scopes still hold, keys and stored values name nobody, and a Redis outage only
// means answers come from the provider.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ANALYST_KEY, type TestGateway } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { freePort, startRedis, type RedisServer } from '../support/redis.js';
import { OTHER_TENANT_KEY, SAME_TENANT_KEY, logLines, openai, recordsOf, startClockedGateway } from '../limits/support.js';
import { buildCacheBundle, cacheGateway, countingAnswer, type CacheBundle } from './support.js';

const body = (content: string) => ({ model: 'gpt-tenant', temperature: 0, messages: [{ role: 'user' as const, content }] });

describe('response cache shared through Redis', () => {
  let redis: RedisServer;
  let upstream: FakeOpenAI;
  let bundle: CacheBundle;
  const gateways: TestGateway[] = [];

  before(async () => {
    redis = await startRedis();
    bundle = await buildCacheBundle();
    upstream = await startFakeOpenAI({ answer: countingAnswer() });
    for (let i = 0; i < 2; i++) {
      gateways.push(
        await startClockedGateway(
          cacheGateway(bundle, upstream, (c) => {
            c['redis'] = { url: redis.url, connect_timeout_ms: 2000, command_timeout_ms: 2000 };
            c['cache'] = { backend: 'redis' };
          }),
        ),
      );
    }
  });
  after(async () => {
    for (const gw of gateways) await gw.close();
    await upstream?.close();
    await redis?.stop();
    bundle?.remove();
  });

  it('serves on one gateway the answer another one kept, streamed or whole', async () => {
    const [a, b] = gateways as [TestGateway, TestGateway];
    const first = await openai(a, ANALYST_KEY).chat.completions.create(body('Shared question one'));
    const calls = upstream.received.length;
    const second = await openai(b, SAME_TENANT_KEY).chat.completions.create(body('Shared question one')).withResponse();
    assert.equal(second.response.headers.get('x-palisade-cache'), 'hit');
    assert.equal(second.data.choices[0]?.message.content, first.choices[0]?.message.content);
    assert.equal(recordsOf(b, second.response.headers.get('x-palisade-decision-id') ?? '')[1]?.outcome?.cached, true);

    const stream = await openai(b, ANALYST_KEY).chat.completions.create({ ...body('Shared question one'), stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, first.choices[0]?.message.content);
    assert.equal(upstream.received.length, calls);
  });

  it('never serves another tenant\'s answer', async () => {
    const [a, b] = gateways as [TestGateway, TestGateway];
    const mine = await openai(a, ANALYST_KEY).chat.completions.create(body('Shared question two'));
    const theirs = await openai(b, OTHER_TENANT_KEY).chat.completions.create(body('Shared question two')).withResponse();
    assert.equal(theirs.response.headers.get('x-palisade-cache'), 'miss');
    assert.notEqual(theirs.data.choices[0]?.message.content, mine.choices[0]?.message.content);
  });

  it('keeps entries under hashed keys, with a hashed scope, and a TTL', async () => {
    const keys = await redis.client.keys('*');
    assert.ok(keys.length >= 2);
    for (const k of keys) {
      assert.match(k, /^palisade:cache:[0-9a-f]{64}$/);
      const value = (await redis.client.get(k)) ?? '';
      const entry = JSON.parse(value) as { scope: string };
      assert.match(entry.scope, /^[0-9a-f]{64}$/);
      for (const name of ['acme', 'globex', 'analyst', 'example.com', 'sk-test', 'Shared question']) assert.ok(!value.includes(name), `the stored entry names ${name}`);
      const ttl = await redis.client.pttl(k);
      assert.ok(ttl > 0 && ttl <= 3_600_000, `TTL ${ttl}`);
    }
  });
});

describe('response cache with Redis unreachable', () => {
  let upstream: FakeOpenAI;
  let bundle: CacheBundle;
  let gw: TestGateway;

  before(async () => {
    bundle = await buildCacheBundle();
    upstream = await startFakeOpenAI({ answer: countingAnswer() });
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    gw = await startClockedGateway(
      cacheGateway(bundle, upstream, (c) => {
        c['redis'] = { url: nobody, connect_timeout_ms: 300, command_timeout_ms: 200 };
        c['cache'] = { backend: 'redis' };
      }),
    );
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
    bundle?.remove();
  });

  it('answers from the provider, logs the outage, and stays ready', async () => {
    const client = openai(gw, ANALYST_KEY);
    const a = await client.chat.completions.create(body('Question while Redis is down')).withResponse();
    const b = await client.chat.completions.create(body('Question while Redis is down')).withResponse();
    assert.equal(a.response.headers.get('x-palisade-cache'), 'miss');
    assert.equal(b.response.headers.get('x-palisade-cache'), 'miss');
    assert.equal(upstream.received.length, 2);
    assert.ok(logLines(gw).some((l) => l['msg'] === 'response cache unavailable; requests go to the provider'));
    assert.equal((await fetch(`${gw.url}/readyz`)).status, 200);
  });
});
