// Provider faults as callers see them: an upstream that hangs, resets mid-body, drips slowly,
// sends malformed events, asks to retry after a while, or fails and has a fallback; and a caller
// that leaves mid-stream. Every case ends in the caller's API format and in the outcome record.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { ANALYST_KEY, readGatewayRecords, type TestGateway } from '../support/gateway.js';
import { BEDROCK_THROTTLED } from '../support/fake-bedrock.js';
import { outcomeOf, parseSse, startFakes, startProviderGateway, type Fakes } from './helpers.js';

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('provider faults', () => {
  let fakes: Fakes;
  let gw: TestGateway;
  let client: OpenAI;
  let anthropic: Anthropic;
  const ids: Record<string, string> = {};

  before(async () => {
    fakes = await startFakes();
    gw = await startProviderGateway(fakes, (c) => {
      const providers = c['providers'] as Record<string, unknown>[];
      // A short wait for headers, so a hanging provider is given up on quickly.
      for (const p of providers) if (p['name'] === 'compat') p['timeout_ms'] = 300;
      (c['models'] as unknown[]).push(
        { name: 'resilient', targets: [{ provider: 'openai', model: 'gpt-4o-mini' }, { provider: 'anthropic', model: 'claude-sonnet-4-5' }] },
        { name: 'single', targets: [{ provider: 'openai', model: 'gpt-4o-mini' }], fallbacks: false },
      );
      // Circuit breakers have their own tests; here they must not open between fault cases.
      c['routing'] = { retry: { max_attempts: 2, base_delay_ms: 10, max_delay_ms: 50, max_retry_after_ms: 2000 }, deadline_ms: 10000, breaker: { consecutive_failures: 1000, min_calls: 1000 } };
    });
    client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: ANALYST_KEY, baseURL: gw.url, maxRetries: 0 });
  });
  beforeEach(() => {
    for (const f of [fakes.openai, fakes.anthropic, fakes.compat, fakes.bedrock]) f.faults.length = 0;
  });
  after(async () => {
    await gw?.close();
    await fakes?.close();
  });

  it('a provider that never answers is retried once, then the caller gets 504', async () => {
    fakes.compat.faults.push({ kind: 'hang' }, { kind: 'hang' });
    const before = fakes.compat.received.length;
    const { error, response } = await client.chat.completions
      .create({ model: 'compat-llama', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse()
      .then(
        (r) => ({ error: undefined, response: r.response }),
        (e: unknown) => ({ error: e, response: undefined }),
      );
    assert.equal(response, undefined);
    assert.ok(error instanceof OpenAI.APIError);
    assert.equal(error.status, 504);
    assert.equal((error.error as { palisade_code?: string }).palisade_code, 'GW_ERR_UPSTREAM_TIMEOUT');
    assert.equal(fakes.compat.received.length - before, 2, 'one retry');
    ids['hang'] = (error.error as { decision_id: string }).decision_id;
  });

  it('a 429 with Retry-After is waited out and retried, and succeeds', async () => {
    fakes.openai.faults.push({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'slow down', type: 'requests' } } });
    const before = fakes.openai.received.length;
    const { data, response } = await client.chat.completions.create({ model: 'single', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    assert.match(data.choices[0]?.message.content ?? '', /^Hello from OpenAI/);
    assert.equal(fakes.openai.received.length - before, 2);
    ids['429'] = response.headers.get('x-palisade-decision-id') ?? '';
  });

  it('a Retry-After longer than the gateway waits is not waited for: the caller gets 429', async () => {
    fakes.openai.faults.push({ kind: 'status', status: 429, headers: { 'retry-after': '3600' } });
    const before = fakes.openai.received.length;
    await assert.rejects(client.chat.completions.create({ model: 'single', messages: [{ role: 'user', content: 'Hi' }] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.RateLimitError);
      assert.equal((err.error as { palisade_code?: string }).palisade_code, 'GW_ERR_UPSTREAM_RATE_LIMITED');
      return true;
    });
    assert.equal(fakes.openai.received.length - before, 1);
  });

  it('Bedrock throttling (429 ThrottlingException) is retried and succeeds', async () => {
    fakes.bedrock.faults.push({ ...BEDROCK_THROTTLED, headers: { ...BEDROCK_THROTTLED.headers, 'retry-after-ms': '20' } });
    const msg = await anthropic.messages.create({ model: 'bedrock-claude', max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(msg.content[0]?.type, 'text');
  });

  it('a 500 falls back to the next target, another provider, translated', async () => {
    fakes.openai.faults.push({ kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    const { data, response } = await client.chat.completions.create({ model: 'resilient', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    assert.equal(data.choices[0]?.message.content, 'Hello from Anthropic, model claude-sonnet-4-5. You said: Hi');
    ids['fallback'] = response.headers.get('x-palisade-decision-id') ?? '';
  });

  it('a streamed request falls back too while nothing has reached the caller', async () => {
    fakes.openai.faults.push({ kind: 'status', status: 503 }, { kind: 'status', status: 503 });
    let text = '';
    for await (const c of await client.chat.completions.create({ model: 'resilient', stream: true, messages: [{ role: 'user', content: 'Hi' }] })) text += c.choices[0]?.delta.content ?? '';
    assert.equal(text, 'Hello from Anthropic, model claude-sonnet-4-5. You said: Hi');
  });

  it('a reset mid-stream ends the stream with an error event in OpenAI’s format, and is not retried', async () => {
    fakes.openai.faults.push({ kind: 'reset', afterFrames: 3 });
    const before = fakes.openai.received.length;
    const stream = await client.chat.completions.create({ model: 'resilient', stream: true, messages: [{ role: 'user', content: 'Tell me a story' }] });
    let text = '';
    await assert.rejects(
      (async () => {
        for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
      })(),
      (err: unknown) => err instanceof OpenAI.APIError && /could not be reached/.test(err.message),
    );
    assert.ok(text.length > 0 && !text.endsWith('Tell me a story'), `partial text: ${text}`);
    assert.equal(fakes.openai.received.length - before, 1, 'never retried after the stream began');
  });

  it('a reset mid-stream ends an Anthropic stream with Anthropic’s error event', async () => {
    fakes.anthropic.faults.push({ kind: 'reset', afterFrames: 4 });
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': ANALYST_KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'Tell me a story' }] }),
    });
    const events = parseSse(await res.text());
    assert.equal(events[0]?.event, 'message_start');
    const last = events.at(-1);
    assert.equal(last?.event, 'error');
    const body = JSON.parse(last?.data ?? '{}') as { type: string; error: { type: string; code: string; decision_id: string } };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'api_error');
    assert.equal(body.error.code, 'GW_ERR_UPSTREAM_UNREACHABLE');
    assert.ok(!events.some((e) => e.event === 'message_stop'));
  });

  it('malformed events end the stream with an error, in both directions of translation', async () => {
    fakes.anthropic.faults.push({ kind: 'malformed' });
    const stream = await client.chat.completions.create({ model: 'claude', stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    await assert.rejects(
      (async () => {
        for await (const _ of stream);
      })(),
      (err: unknown) => err instanceof OpenAI.APIError && /cannot read/.test(err.message),
    );
    fakes.bedrock.faults.push({ kind: 'malformed' });
    await assert.rejects(anthropic.messages.stream({ model: 'bedrock-claude', max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] }).finalMessage(), (err: unknown) => {
      assert.ok(err instanceof Anthropic.APIError, String(err));
      return true;
    });
  });

  it('passes a slow stream through as it drips: the first chunk arrives before the provider sends the rest', async () => {
    let release = (): void => {};
    fakes.openai.faults.push({ kind: 'drip', release: new Promise<void>((r) => (release = r)) });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ANALYST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'single', stream: true, messages: [{ role: 'user', content: 'Drip' }] }),
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    const text = new TextDecoder().decode(first.value);
    assert.match(text, /"role":"assistant"/, 'the first chunk arrived while the provider was holding the rest');
    release();
    let rest = '';
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      rest += new TextDecoder().decode(r.value);
    }
    assert.match(rest, /data: \[DONE\]/);
  });

  it('a stream that stalls longer than the idle timeout ends with a timeout error event', async () => {
    // Released only after the test, so the provider stalls after its first chunk.
    let release = (): void => {};
    fakes.compat.faults.push({ kind: 'drip', release: new Promise<void>((r) => (release = r)) });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ANALYST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'compat-llama', stream: true, messages: [{ role: 'user', content: 'Stall' }] }),
    });
    const events = parseSse(await res.text());
    release();
    assert.match(events[0]?.data ?? '', /"role":"assistant"/);
    const last = JSON.parse(events.at(-1)?.data ?? '{}') as { error?: { palisade_code?: string } };
    assert.equal(last.error?.palisade_code, 'GW_ERR_UPSTREAM_TIMEOUT');
  });

  it('a caller that leaves mid-stream aborts the provider call', async () => {
    let release = (): void => {};
    fakes.anthropic.faults.push({ kind: 'drip', release: new Promise<void>((r) => (release = r)) });
    const closed = fakes.anthropic.closedEarly();
    const ctl = new AbortController();
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      signal: ctl.signal,
      headers: { 'x-api-key': ANALYST_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'Long story' }] }),
    });
    ids['left'] = res.headers.get('x-palisade-decision-id') ?? '';
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    ctl.abort();
    await until(() => fakes.anthropic.closedEarly() > closed, 'the provider call to be aborted');
    release();
  });

  it('a caller that leaves before the answer starts aborts the provider call, and is no gateway failure', async () => {
    fakes.anthropic.faults.push({ kind: 'hang' });
    const received = fakes.anthropic.received.length;
    const closed = fakes.anthropic.closedEarly();
    const ctl = new AbortController();
    const pending = fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      signal: ctl.signal,
      headers: { authorization: `Bearer ${ANALYST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude', messages: [{ role: 'user', content: 'Hello?' }] }),
    }).catch(() => undefined);
    await until(() => fakes.anthropic.received.length > received, 'the request to reach the provider');
    ctl.abort();
    await pending;
    await until(() => fakes.anthropic.closedEarly() > closed, 'the provider call to be aborted');
  });

  it('records every attempt, the fallback, the timeout and the departure in the outcome records', async () => {
    await gw.gateway.close();
    const hang = outcomeOf(gw, ids['hang'] ?? '')?.outcome;
    assert.equal(hang?.status, 504);
    assert.deepEqual(hang?.attempts, [
      { provider: 'compat', model: 'llama-3.1-8b', error: 'GW_ERR_UPSTREAM_TIMEOUT' },
      { provider: 'compat', model: 'llama-3.1-8b', error: 'GW_ERR_UPSTREAM_TIMEOUT' },
    ]);
    assert.deepEqual(outcomeOf(gw, ids['429'] ?? '')?.outcome?.attempts, [
      { provider: 'openai', model: 'gpt-4o-mini', status: 429, error: 'GW_ERR_UPSTREAM_RATE_LIMITED' },
      { provider: 'openai', model: 'gpt-4o-mini', status: 200 },
    ]);
    const fallback = outcomeOf(gw, ids['fallback'] ?? '')?.outcome;
    assert.equal(fallback?.provider, 'anthropic');
    assert.equal(fallback?.model, 'claude-sonnet-4-5');
    assert.deepEqual(fallback?.attempts, [
      { provider: 'openai', model: 'gpt-4o-mini', status: 500, error: 'GW_ERR_UPSTREAM_STATUS' },
      { provider: 'openai', model: 'gpt-4o-mini', status: 500, error: 'GW_ERR_UPSTREAM_STATUS' },
      { provider: 'anthropic', model: 'claude-sonnet-4-5', status: 200 },
    ]);
    const left = outcomeOf(gw, ids['left'] ?? '')?.outcome;
    assert.equal(left?.status, 499);
    assert.equal(left?.error?.code, 'client_disconnected');
    // The caller who left before an answer started is recorded the same way, and nothing was logged as a failure.
    const departed = readGatewayRecords(gw).filter((r) => r.phase === 'outcome' && r.outcome?.status === 499);
    assert.equal(departed.length, 2);
    assert.ok(departed.every((r) => r.outcome?.error?.code === 'client_disconnected'));
    assert.ok(!gw.logs.some((l) => l.includes('GW_ERR_INTERNAL')), 'no internal error logged');
  });
});
