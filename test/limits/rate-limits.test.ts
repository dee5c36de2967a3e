// Request and token rate limits on one gateway (in-memory counters), as callers see them through
// the official OpenAI client: headers on every answer, 429 in OpenAI's shape, audited refusals.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { ANALYST_KEY, PRIVILEGED_KEY, type TestGateway } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { ManualClock, addCallers, addUpstream, chatBody, estimateTokens, metric, openai, recordsOf, startClockedGateway, startHeldStreamUpstream, SAME_TENANT_KEY, OTHER_TENANT_KEY, type HeldStreamUpstream } from './support.js';

const ANSWER = 'One two three four five six seven eight.';

describe('request limits declared in config', () => {
  let gw: TestGateway;
  let upstream: FakeOpenAI;
  const clock = new ManualClock();

  before(async () => {
    upstream = await startFakeOpenAI({ answer: () => ANSWER });
    gw = await startClockedGateway((c) => {
      addUpstream(c, upstream.baseUrl, ['gpt-test']);
      addCallers(c);
      c['limits'] = {
        rules: [
          { name: 'analyst-requests', by: ['user'], limit: 3, unit: 'requests', window_s: 60, match: { credential_id: ['analyst', 'colleague'] } },
          { name: 'globex-requests', by: ['tenant'], limit: 2, unit: 'requests', window_s: 60, match: { tenant: ['globex'] } },
        ],
      };
    }, clock);
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('counts down in x-ratelimit-* headers, then answers 429 with Retry-After in the OpenAI shape', async () => {
    const client = openai(gw, ANALYST_KEY);
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await client.chat.completions.create(chatBody('gpt-test', 40)).withResponse();
      assert.equal(response.headers.get('x-ratelimit-limit'), '3');
      remaining.push(response.headers.get('x-ratelimit-remaining') ?? '');
      assert.equal(response.headers.get('x-ratelimit-reset'), String(20 * (i + 1)), 'seconds until the allowance is whole again');
    }
    assert.deepEqual(remaining, ['2', '1', '0']);
    const forwarded = upstream.received.length;

    const err = await client.chat.completions.create(chatBody('gpt-test', 40)).then(
      () => assert.fail('the fourth request in a minute must be refused'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof OpenAI.RateLimitError, String(err));
    assert.equal(err.status, 429);
    assert.equal(err.headers.get('retry-after'), '20', 'one request comes back every 60/3 s');
    assert.equal(err.headers.get('retry-after-ms'), '20000');
    assert.equal(err.headers.get('x-ratelimit-remaining'), '0');
    const body = err.error as { palisade_code?: string; decision_id?: string; type?: string; message?: string };
    assert.equal(body.palisade_code, 'GW_ERR_RATE_LIMITED');
    assert.equal(body.type, 'rate_limit_error');
    assert.match(body.message ?? '', /Limit "analyst-requests" allows 3 requests per 60 s for each user; try again in 20 s\./);
    assert.equal(upstream.received.length, forwarded, 'a limited request is not forwarded');

    const recs = recordsOf(gw, body.decision_id ?? '');
    assert.equal(recs.length, 1, 'a limited request has its decision record and no outcome');
    const decision = recs[0];
    assert.equal(decision?.phase, 'decision');
    assert.equal(decision?.policy?.allow, true, 'the policy allowed it; the limit refused it');
    assert.deepEqual(decision?.limits, { allowed: false, key: 'analyst-requests', remaining: 0 });
    assert.equal(decision?.error?.code, 'GW_ERR_RATE_LIMITED');
    assert.equal(await metric(gw, 'palisade_limit_checks_total', { limit: 'analyst-requests', result: 'limited' }), 1);
  });

  it('admitted requests carry the limit in their decision record', async () => {
    const { response } = await openai(gw, SAME_TENANT_KEY).chat.completions.create(chatBody('gpt-test', 40)).withResponse();
    const [decision] = recordsOf(gw, response.headers.get('x-palisade-decision-id') ?? '');
    assert.deepEqual(decision?.limits, { allowed: true, key: 'analyst-requests', remaining: 2 });
  });

  it('keeps one counter per user, and leaves callers no rule matches alone', async () => {
    // The colleague has a counter of their own, not the analyst's exhausted one.
    const { response } = await openai(gw, SAME_TENANT_KEY).chat.completions.create(chatBody('gpt-test', 40)).withResponse();
    assert.equal(response.headers.get('x-ratelimit-remaining'), '1');
    const privileged = await openai(gw, PRIVILEGED_KEY).chat.completions.create(chatBody('gpt-test', 40)).withResponse();
    assert.equal(privileged.response.headers.get('x-ratelimit-limit'), null);
  });

  it('shares one counter across a tenant when the limit is by tenant', async () => {
    const client = openai(gw, OTHER_TENANT_KEY);
    await client.chat.completions.create(chatBody('gpt-test', 40));
    await client.chat.completions.create(chatBody('gpt-test', 40));
    await assert.rejects(client.chat.completions.create(chatBody('gpt-test', 40)), (e: unknown) => e instanceof OpenAI.RateLimitError);
  });

  it('gives one request back every window/limit, as GCRA does', async () => {
    const client = openai(gw, ANALYST_KEY);
    clock.advance(19_000);
    await assert.rejects(client.chat.completions.create(chatBody('gpt-test', 40)), (e: unknown) => e instanceof OpenAI.RateLimitError && e.headers.get('retry-after') === '1');
    clock.advance(1_000);
    const { response } = await client.chat.completions.create(chatBody('gpt-test', 40)).withResponse();
    assert.equal(response.headers.get('x-ratelimit-remaining'), '0');
    clock.advance(60_000);
    const full = await client.chat.completions.create(chatBody('gpt-test', 40)).withResponse();
    assert.equal(full.response.headers.get('x-ratelimit-remaining'), '2', 'after a whole window the allowance is full again, not more');
  });
});

describe('token limits', () => {
  let gw: TestGateway;
  let upstream: FakeOpenAI;
  const clock = new ManualClock();
  // The fake provider reports prompt_tokens 11 and one completion token per word.
  const usageTotal = 11 + ANSWER.split(' ').length;

  before(async () => {
    upstream = await startFakeOpenAI({ answer: () => ANSWER });
    gw = await startClockedGateway((c) => {
      addUpstream(c, upstream.baseUrl, ['gpt-test']);
      c['limits'] = { rules: [{ name: 'tokens', by: ['user'], limit: 1000, unit: 'tokens', window_s: 60, match: { credential_id: ['analyst'] } }] };
    }, clock);
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('reserves the prompt estimate before forwarding, then corrects it with the reported usage', async () => {
    const client = openai(gw, ANALYST_KEY);
    const body = chatBody('gpt-test', 400);
    const estimate = estimateTokens(body.messages[0]?.content ?? '');
    assert.notEqual(estimate, usageTotal, 'the estimate and the usage differ, so the correction shows');
    const first = await client.chat.completions.create(body).withResponse();
    assert.equal(first.response.headers.get('x-ratelimit-remaining'), String(1000 - estimate), 'the estimate is reserved');
    const second = await client.chat.completions.create(body).withResponse();
    assert.equal(second.response.headers.get('x-ratelimit-remaining'), String(1000 - usageTotal - estimate), 'the first request now counts its real usage');
  });

  it('refuses a prompt estimated above the whole limit, and tells SDKs not to retry', async () => {
    const text = 'hello '.repeat(1500);
    const err = await openai(gw, ANALYST_KEY).chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: text }] }).then(
      () => assert.fail('a 1500-token prompt cannot fit a 1000-token limit'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof OpenAI.RateLimitError);
    assert.equal(err.headers.get('x-should-retry'), 'false');
    assert.equal(err.headers.get('retry-after'), null);
    assert.match((err.error as { message: string }).message, new RegExp(`this request alone is estimated at ${estimateTokens(text)} tokens`));
  });

  it('counts a streamed answer: by its usage event when it has one, else by its text', async () => {
    clock.advance(120_000);
    const client = openai(gw, ANALYST_KEY);
    const small = chatBody('gpt-test', 4);
    const smallEstimate = estimateTokens(small.messages[0]?.content ?? '');
    const withUsage = await client.chat.completions.create({ ...chatBody('gpt-test', 400), stream: true, stream_options: { include_usage: true } });
    for await (const chunk of withUsage) void chunk;
    const after1 = await client.chat.completions.create(small).withResponse();
    assert.equal(after1.response.headers.get('x-ratelimit-remaining'), String(1000 - usageTotal - smallEstimate));

    clock.advance(120_000);
    const body = chatBody('gpt-test', 400);
    const textOnly = await client.chat.completions.create({ ...body, stream: true });
    let text = '';
    let counted = 0;
    for await (const chunk of textOnly) {
      const piece = chunk.choices[0]?.delta.content ?? '';
      text += piece;
      counted += estimateTokens(piece);
    }
    assert.equal(text, ANSWER);
    const after2 = await client.chat.completions.create(small).withResponse();
    assert.equal(after2.response.headers.get('x-ratelimit-remaining'), String(1000 - estimateTokens(body.messages[0]?.content ?? '') - counted - smallEstimate));
  });

  it('gives the reservation back when the provider fails', async () => {
    clock.advance(120_000);
    const client = openai(gw, ANALYST_KEY);
    await upstream.close();
    await assert.rejects(client.chat.completions.create(chatBody('gpt-test', 400)), (e: unknown) => e instanceof OpenAI.APIError && e.status === 502);
    const { response } = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'abcd' }] }).withResponse();
    assert.equal(response.headers.get('x-ratelimit-remaining'), String(1000 - estimateTokens('abcd')), 'only the new request is counted');
  });
});

describe('a streamed answer counts against token limits while it flows', () => {
  const CHUNK = 'hello '.repeat(40);
  let gw: TestGateway;
  let upstream: HeldStreamUpstream;
  const clock = new ManualClock();

  before(async () => {
    // Ten chunks of more than 32 tokens each, so each one is charged as it passes.
    upstream = await startHeldStreamUpstream(10, CHUNK);
    gw = await startClockedGateway((c) => {
      addUpstream(c, upstream.baseUrl, ['gpt-held']);
      c['limits'] = { rules: [{ name: 'tokens', by: ['user'], limit: 1000, unit: 'tokens', window_s: 600 }] };
      // The caller must see each chunk as it passes, not once the answer scan has settled it.
      c['answers'] = { stream_release: 'immediate' };
    }, clock);
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('charges answer tokens before the stream ends', async () => {
    const client = openai(gw, ANALYST_KEY);
    const stream = await client.chat.completions.create({ ...chatBody('gpt-held', 40), stream: true });
    const it = stream[Symbol.asyncIterator]();
    let chunks = 0;
    while (chunks < 10) {
      const next = await it.next();
      assert.ok(!next.done, 'the held stream delivers its first ten chunks');
      if (next.value.choices[0]?.delta.content === CHUNK) chunks++;
    }
    // While the answer is still open, another request sees the prompt's estimate and the ten chunks counted.
    const { response } = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'abcd' }] }).withResponse();
    const prompt = estimateTokens('x'.repeat(40));
    assert.equal(response.headers.get('x-ratelimit-remaining'), String(1000 - prompt - 10 * estimateTokens(CHUNK) - estimateTokens('abcd')));
    upstream.release();
    for (let n = await it.next(); !n.done; n = await it.next()) void n;
  });
});
