// Retry-After discipline: a provider's 429 reaches the caller with its wait, the gateway's own
// retries honour that wait and the caller's x-palisade-max-retries, a rate limit does not open
// the circuit, and a resting target's 503 says when it will take calls again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { ANALYST_KEY, PER_PROCESS_STATE, type TestGateway } from '../support/gateway.js';
import { startFakes, startProviderGateway, type Fakes } from '../providers/helpers.js';

const RATE_LIMITED = { kind: 'status' as const, status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'slow down', type: 'requests' } } };
const ask = { messages: [{ role: 'user' as const, content: 'Hi' }] };

describe('Retry-After from the provider to the caller', () => {
  let fakes: Fakes;
  let gw: TestGateway;

  before(async () => {
    fakes = await startFakes();
    gw = await startProviderGateway(fakes, (c) => {
      (c['models'] as unknown[]).push(
        { name: 'paced', provider: 'openai', upstream_model: 'gpt-4o-mini' },
        { name: 'fragile', targets: [{ provider: 'compat', model: 'fragile-1' }] },
      );
      c['routing'] = { retry: { max_attempts: 2 }, breaker: { consecutive_failures: 2, open_ms: 60_000 } };
    });
  });
  after(async () => {
    await gw?.close();
    await fakes?.close();
  });

  it('bounds the provider calls of an SDK with default retries, and the SDK sees the provider’s wait', async () => {
    fakes.openai.faults.push(...Array.from({ length: 6 }, () => RATE_LIMITED));
    const before = fakes.openai.received.length;
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1` });
    const err = await client.chat.completions.create({ model: 'paced', ...ask }).then(() => assert.fail('the provider only limits'), (e: unknown) => e);
    assert.ok(err instanceof OpenAI.RateLimitError, String(err));
    assert.equal(err.headers.get('retry-after'), '1');
    assert.equal(err.headers.get('retry-after-ms'), '1000');
    assert.equal((err.error as { palisade_code?: string }).palisade_code, 'GW_ERR_UPSTREAM_RATE_LIMITED');
    assert.equal(fakes.openai.received.length - before, 6, 'three SDK tries, each tried twice by the gateway');
  });

  it('does not open the circuit for a provider’s rate limits: the next request is answered', async () => {
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'paced', ...ask });
    assert.match(res.choices[0]?.message.content ?? '', /^Hello from OpenAI/);
  });

  it('lets the caller lower the gateway’s retries with x-palisade-max-retries, and does not forward it', async () => {
    fakes.openai.faults.push(RATE_LIMITED, RATE_LIMITED);
    const before = fakes.openai.received.length;
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0, defaultHeaders: { 'x-palisade-max-retries': '0' } });
    await assert.rejects(client.chat.completions.create({ model: 'paced', ...ask }), (e: unknown) => e instanceof OpenAI.RateLimitError && e.headers.get('retry-after') === '1');
    assert.equal(fakes.openai.received.length - before, 1, 'no gateway retry');
    fakes.openai.faults.length = 0;
    await client.chat.completions.create({ model: 'paced', ...ask });
    assert.equal(fakes.openai.received.at(-1)?.headers['x-palisade-max-retries'], undefined);
  });

  it('never raises the gateway’s retries, and refuses a value that is not a count', async () => {
    fakes.openai.faults.push(RATE_LIMITED, RATE_LIMITED, RATE_LIMITED);
    const before = fakes.openai.received.length;
    const raised = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0, defaultHeaders: { 'x-palisade-max-retries': '5' } });
    await assert.rejects(raised.chat.completions.create({ model: 'paced', ...ask }), OpenAI.RateLimitError);
    assert.equal(fakes.openai.received.length - before, 2, 'the configured two attempts, not six');
    fakes.openai.faults.length = 0;
    const bad = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0, defaultHeaders: { 'x-palisade-max-retries': 'many' } });
    await assert.rejects(bad.chat.completions.create({ model: 'paced', ...ask }), (e: unknown) => e instanceof OpenAI.BadRequestError && /x-palisade-max-retries/.test(e.message));
  });

  // Each worker keeps its own circuit per target (docs/workers.md), so a request may reach a worker whose circuit is closed.
  it('answers a resting target’s 503 with the time left until it takes calls again', { skip: PER_PROCESS_STATE }, async () => {
    fakes.compat.faults.push({ kind: 'status', status: 502 }, { kind: 'status', status: 502 }, { kind: 'status', status: 502 }, { kind: 'status', status: 502 });
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    await assert.rejects(client.chat.completions.create({ model: 'fragile', ...ask }), (e: unknown) => e instanceof OpenAI.APIError && e.status === 502);
    const err = await client.chat.completions.create({ model: 'fragile', ...ask }).then(() => assert.fail('the circuit is open'), (e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError && err.status === 503, String(err));
    assert.equal((err.error as { palisade_code?: string }).palisade_code, 'GW_ERR_UPSTREAM_UNAVAILABLE');
    const ms = Number(err.headers.get('retry-after-ms'));
    assert.ok(ms > 50_000 && ms <= 60_000, `retry-after-ms ${ms}`);
    assert.equal(err.headers.get('retry-after'), String(Math.ceil(ms / 1000)));
  });
});
