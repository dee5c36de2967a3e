// What a cached answer keeps: the provider that answered is named as the provider in the hit's
// audit record, and an answer kept from a stream keeps the provider's usage for later identical
// requests, streamed with include_usage or sent whole.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type OpenAI from 'openai';
import { ANALYST_KEY, type TestGateway } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { ManualClock, openai, recordsOf, startClockedGateway } from '../limits/support.js';
import { Registry } from 'prom-client';
import { createLruStore, createResponseCache, type CacheRequest } from '../../gateway/src/cache/index.js';
import { createLogger } from '../../gateway/src/logging/logger.js';
import type { Principal } from '../../gateway/src/identity/principal.js';
import type { StreamReader } from '../../gateway/src/pipeline/api/types.js';
import { buildCacheBundle, cacheGateway, countingAnswer, type CacheBundle } from '../cache/support.js';

describe('cached answers keep their provenance and usage', () => {
  let gw: TestGateway;
  let upstream: FakeOpenAI;
  let bundle: CacheBundle;
  let n = 0;
  const fresh = () => ({ model: 'gpt-tenant', temperature: 0, messages: [{ role: 'user' as const, content: `Question ${++n}: what is the capital of Peru?` }] });

  before(async () => {
    bundle = await buildCacheBundle();
    upstream = await startFakeOpenAI({ answer: countingAnswer() });
    gw = await startClockedGateway(cacheGateway(bundle, upstream), new ManualClock());
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
    bundle?.remove();
  });

  it('names the provider, not the model, in the audit record of a hit', async () => {
    const client = openai(gw, ANALYST_KEY);
    const body = fresh();
    await client.chat.completions.create(body);
    const { response } = await client.chat.completions.create(body).withResponse();
    assert.equal(response.headers.get('x-palisade-cache'), 'hit');
    const outcome = recordsOf(gw, response.headers.get('x-palisade-decision-id') ?? '')[1]?.outcome;
    assert.equal(outcome?.cached, true);
    assert.equal(outcome?.provider, 'upstream');
  });

  // The pipeline hands the cache the call's usage (see the component test below) once it passes the trace to tap.
  it('keeps the usage of an answer cached from a stream that did not ask for it', async () => {
    const client = openai(gw, ANALYST_KEY);
    const body = fresh();
    const first = await client.chat.completions.create({ ...body, stream: true });
    for await (const _chunk of first);
    const calls = upstream.received.length;

    const { data: stream, response } = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }).withResponse();
    assert.equal(response.headers.get('x-palisade-cache'), 'hit');
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    assert.ok(usage && usage.total_tokens > 0, 'the replayed stream carries usage');

    const whole = await client.chat.completions.create(body).withResponse();
    assert.equal(whole.response.headers.get('x-palisade-cache'), 'hit');
    assert.deepEqual(whole.data.usage, usage);
    assert.equal(upstream.received.length, calls, 'both were answered from the cache');
  });
});

describe('a streamed answer kept by the cache', () => {
  const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 };
  const chunk = (extra: Record<string, unknown>) => ({ data: JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', ...extra }) });
  const streamed = [
    chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }),
    chunk({ choices: [{ index: 0, delta: { content: 'Lima.' }, finish_reason: null }] }),
    chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
    { data: '[DONE]' },
  ];
  const reader = { isFinal: (ev: { data: string }) => ev.data === '[DONE]', isJson: (ev: { data: string }) => ev.data !== '[DONE]' } as unknown as StreamReader;
  const principal = { sub: 'a@example.com', iss: 'urn:test', roles: [], auth: 'api_key', tenant: 'acme' } as unknown as Principal;

  it('carries the provider’s usage, reported beside the stream, to later whole and streamed requests', async () => {
    let now = 0;
    const cache = createResponseCache({
      config: { backend: 'memory', max_bytes: 1 << 20, max_entry_bytes: 1 << 16, ttl_s: 60, max_temperature: 0 },
      store: createLruStore({ maxBytes: 1 << 20, clock: () => now }),
      clock: () => now++,
      logger: createLogger({ level: 'silent' }),
      registry: new Registry(),
    });
    const request = (stream: boolean, extra: Record<string, unknown> = {}) => ({
      api: 'openai.chat', model: 'gpt', stream, principal, revision: 'r1', params: { temperature: 0 }, output: { cache: { scope: 'tenant' } },
      body: { model: 'gpt', temperature: 0, messages: [{ role: 'user', content: 'Capital of Peru?' }], ...(stream ? { stream: true, ...extra } : {}) },
    }) as unknown as CacheRequest;
    async function* source() {
      yield* streamed;
    }
    for await (const _ev of cache.tap(cache.plan(request(true)), source(), reader, () => usage));
    // The store is written asynchronously.
    await new Promise((resolve) => setImmediate(resolve));
    const whole = await cache.lookup(cache.plan(request(false)));
    assert.equal(whole.hit?.kind, 'json');
    assert.deepEqual((whole.hit as { body: { usage?: unknown } }).body.usage, usage);
    const again = await cache.lookup(cache.plan(request(true, { stream_options: { include_usage: true } })));
    const events: string[] = [];
    if (again.hit?.kind === 'stream') for await (const ev of again.hit.events) events.push(ev.data);
    assert.ok(events.some((d) => d.includes('"total_tokens":17')), 'the replayed stream ends with the usage');
  });
});
