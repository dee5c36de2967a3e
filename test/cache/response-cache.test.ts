// The response cache on one gateway (in memory), through the official OpenAI client: exact-match
// hits audited as cached, streamed replays, the policy's scope, determinism, Cache-Control, TTL.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { ANALYST_KEY, type TestGateway } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { ManualClock, OTHER_TENANT_KEY, SAME_TENANT_KEY, estimateTokens, metric, openai, recordsOf, startClockedGateway } from '../limits/support.js';
import { buildCacheBundle, cacheGateway, countingAnswer, type CacheBundle } from './support.js';

describe('response cache', () => {
  let gw: TestGateway;
  let upstream: FakeOpenAI;
  let bundle: CacheBundle;
  const clock = new ManualClock();
  let n = 0;
  /** A body no other test uses, so each test starts from an empty cache. */
  const fresh = (model: string, extra: Record<string, unknown> = {}) => ({
    model,
    temperature: 0,
    messages: [{ role: 'user' as const, content: `Question ${++n}: what is the capital of France?` }],
    ...extra,
  });

  before(async () => {
    bundle = await buildCacheBundle();
    upstream = await startFakeOpenAI({ answer: countingAnswer() });
    gw = await startClockedGateway(
      cacheGateway(bundle, upstream, (c) => {
        c['limits'] = { rules: [{ name: 'tokens', by: ['user'], limit: 10_000, unit: 'tokens', window_s: 600, match: { credential_id: ['colleague'] } }] };
      }),
      clock,
    );
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
    bundle?.remove();
  });

  it('answers an identical deterministic request from the cache, and audits it as cached', async () => {
    const client = openai(gw, ANALYST_KEY);
    const body = fresh('gpt-tenant');
    const first = await client.chat.completions.create(body).withResponse();
    assert.equal(first.response.headers.get('x-palisade-cache'), 'miss');
    const calls = upstream.received.length;
    const second = await client.chat.completions.create(body).withResponse();
    assert.equal(second.response.headers.get('x-palisade-cache'), 'hit');
    assert.equal(second.response.headers.get('age'), '0');
    assert.equal(upstream.received.length, calls, 'a hit does not reach the provider');
    assert.deepEqual(second.data, first.data);

    const recs = recordsOf(gw, second.response.headers.get('x-palisade-decision-id') ?? '');
    assert.deepEqual(
      recs.map((r) => r.phase),
      ['decision', 'outcome'],
      'a hit is audited like any answer',
    );
    assert.equal(recs[1]?.outcome?.cached, true);
    assert.equal(recs[1]?.content?.response?.commitment !== undefined, true);
    assert.equal(recordsOf(gw, first.response.headers.get('x-palisade-decision-id') ?? '')[1]?.outcome?.cached, undefined);
    assert.equal(await metric(gw, 'palisade_cache_lookups_total', { result: 'hit' }), 1);
  });

  it('answers a streamed request from the cache as a stream, usage included when asked', async () => {
    const client = openai(gw, ANALYST_KEY);
    const body = fresh('gpt-tenant');
    const whole = await client.chat.completions.create(body);
    const calls = upstream.received.length;
    const { data: stream, response } = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }).withResponse();
    assert.equal(response.headers.get('x-palisade-cache'), 'hit');
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    let text = '';
    let chunks = 0;
    let usage: unknown;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, whole.choices[0]?.message.content);
    assert.ok(chunks > 3, 'the answer arrives in several chunks');
    assert.deepEqual(usage, whole.usage);
    assert.equal(upstream.received.length, calls);
    const recs = recordsOf(gw, response.headers.get('x-palisade-decision-id') ?? '');
    assert.equal(recs[1]?.outcome?.cached, true);
    assert.equal(recs[1]?.request.stream, true);
  });

  it('keeps a streamed answer for a later whole request', async () => {
    const client = openai(gw, ANALYST_KEY);
    const body = fresh('gpt-tenant');
    const stream = await client.chat.completions.create({ ...body, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    const calls = upstream.received.length;
    const { data, response } = await client.chat.completions.create(body).withResponse();
    assert.equal(response.headers.get('x-palisade-cache'), 'hit');
    assert.equal(data.choices[0]?.message.content, text);
    assert.equal(data.choices[0]?.finish_reason, 'stop');
    assert.equal(upstream.received.length, calls);
  });

  it('caches only deterministic requests (temperature 0 by default)', async () => {
    const client = openai(gw, ANALYST_KEY);
    for (const extra of [{ temperature: 0.7 }, { temperature: undefined }]) {
      const body = fresh('gpt-tenant', extra);
      const before = upstream.received.length;
      const a = await client.chat.completions.create(body).withResponse();
      const b = await client.chat.completions.create(body).withResponse();
      assert.equal(upstream.received.length, before + 2);
      assert.equal(a.response.headers.get('x-palisade-cache'), null);
      assert.notEqual(a.data.choices[0]?.message.content, b.data.choices[0]?.message.content);
    }
  });

  it('charges no tokens for an answer from the cache', async () => {
    const client = openai(gw, SAME_TENANT_KEY);
    const body = fresh('gpt-tenant');
    await client.chat.completions.create(body);
    const first = fresh('gpt-none');
    const one = await client.chat.completions.create(first).withResponse();
    const before = Number(one.response.headers.get('x-ratelimit-remaining'));
    const hit = await client.chat.completions.create(body).withResponse();
    assert.equal(hit.response.headers.get('x-palisade-cache'), 'hit');
    const second = fresh('gpt-none');
    const two = await client.chat.completions.create(second).withResponse();
    // Between the two uncached requests only the hit happened, and it gave its reservation back:
    // the counter moved by the first one's correction (estimate to usage) and the second's estimate.
    const estimate = (b: typeof first): number => estimateTokens(b.messages[0]?.content ?? '');
    const expected = before + estimate(first) - (one.data.usage?.total_tokens ?? NaN) - estimate(second);
    assert.equal(Number(two.response.headers.get('x-ratelimit-remaining')), expected);
  });

  it('caches embeddings, which involve no sampling', async () => {
    const client = openai(gw, ANALYST_KEY);
    const input = `Embed me ${++n}`;
    const first = await client.embeddings.create({ model: 'echo-embed', input }).withResponse();
    assert.equal(first.response.headers.get('x-palisade-cache'), 'miss');
    const second = await client.embeddings.create({ model: 'echo-embed', input }).withResponse();
    assert.equal(second.response.headers.get('x-palisade-cache'), 'hit');
    assert.deepEqual(second.data.data, first.data.data);
    assert.equal(recordsOf(gw, second.response.headers.get('x-palisade-decision-id') ?? '')[1]?.outcome?.cached, true);
  });

  it('ignores fields that do not change the answer, and not those that do', async () => {
    const client = openai(gw, ANALYST_KEY);
    const body = fresh('gpt-tenant');
    await client.chat.completions.create({ ...body, user: 'end-user-1' });
    const same = await client.chat.completions.create({ ...body, user: 'end-user-2' }).withResponse();
    assert.equal(same.response.headers.get('x-palisade-cache'), 'hit');
    const different = await client.chat.completions.create({ ...body, max_tokens: 5 }).withResponse();
    assert.equal(different.response.headers.get('x-palisade-cache'), 'miss');
  });

  it('honours Cache-Control: no-cache refreshes the stored answer, no-store keeps nothing', async () => {
    const client = openai(gw, ANALYST_KEY);
    const body = fresh('gpt-tenant');
    await client.chat.completions.create(body);
    const refreshed = await client.chat.completions.create(body, { headers: { 'Cache-Control': 'no-cache' } }).withResponse();
    assert.equal(refreshed.response.headers.get('x-palisade-cache'), 'bypass');
    const after = await client.chat.completions.create(body).withResponse();
    assert.equal(after.response.headers.get('x-palisade-cache'), 'hit');
    assert.equal(after.data.choices[0]?.message.content, refreshed.data.choices[0]?.message.content, 'the refreshed answer replaced the old one');

    const secret = fresh('gpt-tenant');
    await client.chat.completions.create(secret, { headers: { 'Cache-Control': 'no-store' } });
    const again = await client.chat.completions.create(secret).withResponse();
    assert.equal(again.response.headers.get('x-palisade-cache'), 'miss', 'a no-store answer was not kept');
  });

  it('with scope "tenant", shares answers inside a tenant and never across tenants', async () => {
    const body = fresh('gpt-tenant');
    const mine = await openai(gw, ANALYST_KEY).chat.completions.create(body);
    const colleague = await openai(gw, SAME_TENANT_KEY).chat.completions.create(body).withResponse();
    assert.equal(colleague.response.headers.get('x-palisade-cache'), 'hit');
    assert.equal(colleague.data.choices[0]?.message.content, mine.choices[0]?.message.content);
    const before = upstream.received.length;
    const other = await openai(gw, OTHER_TENANT_KEY).chat.completions.create(body).withResponse();
    assert.equal(other.response.headers.get('x-palisade-cache'), 'miss');
    assert.equal(upstream.received.length, before + 1);
    assert.notEqual(other.data.choices[0]?.message.content, mine.choices[0]?.message.content);
  });

  it('with scope "user", never shares answers across users, even in one tenant', async () => {
    const body = fresh('gpt-user');
    const mine = await openai(gw, ANALYST_KEY).chat.completions.create(body);
    const colleague = await openai(gw, SAME_TENANT_KEY).chat.completions.create(body).withResponse();
    assert.equal(colleague.response.headers.get('x-palisade-cache'), 'miss');
    assert.notEqual(colleague.data.choices[0]?.message.content, mine.choices[0]?.message.content);
    const again = await openai(gw, ANALYST_KEY).chat.completions.create(body).withResponse();
    assert.equal(again.response.headers.get('x-palisade-cache'), 'hit');
    assert.equal(again.data.choices[0]?.message.content, mine.choices[0]?.message.content);
  });

  it('caches nothing when the policy says "none" or says nothing', async () => {
    const client = openai(gw, ANALYST_KEY);
    for (const model of ['gpt-none', 'gpt-plain']) {
      const body = fresh(model);
      const before = upstream.received.length;
      await client.chat.completions.create(body);
      const b = await client.chat.completions.create(body).withResponse();
      assert.equal(upstream.received.length, before + 2, model);
      assert.equal(b.response.headers.get('x-palisade-cache'), null, model);
    }
  });

  it('denies, and forwards nothing, when the policy\'s cache output is malformed', async () => {
    const before = upstream.received.length;
    await assert.rejects(openai(gw, ANALYST_KEY).chat.completions.create(fresh('gpt-bad')), (err: unknown) => {
      assert.ok(err instanceof OpenAI.PermissionDeniedError, String(err));
      assert.equal((err.error as { palisade_code?: string }).palisade_code, 'GW_ERR_POLICY_OUTPUT_INVALID');
      return true;
    });
    assert.equal(upstream.received.length, before);
  });

  it('expires answers after the TTL, the policy\'s when shorter', async () => {
    const client = openai(gw, ANALYST_KEY);
    const body = fresh('gpt-short');
    await client.chat.completions.create(body);
    clock.advance(30_000);
    const aged = await client.chat.completions.create(body).withResponse();
    assert.equal(aged.response.headers.get('x-palisade-cache'), 'hit');
    assert.equal(aged.response.headers.get('age'), '30');
    clock.advance(31_000);
    const expired = await client.chat.completions.create(body).withResponse();
    assert.equal(expired.response.headers.get('x-palisade-cache'), 'miss');
  });
});
