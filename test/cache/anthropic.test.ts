// The response cache for Anthropic callers, through the official @anthropic-ai/sdk: a whole answer
// replayed as Anthropic's event stream, and a streamed answer kept for a later whole request.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { ANALYST_KEY, type TestGateway } from '../support/gateway.js';
import { ANTHROPIC_FAKE_KEY, startFakeAnthropic, type FakeAnthropic } from '../support/fake-anthropic.js';
import { addCallers, recordsOf, startClockedGateway } from '../limits/support.js';
import { DEV_VERIFICATION, buildCacheBundle, type CacheBundle } from './support.js';

describe('response cache for Anthropic messages', () => {
  let gw: TestGateway;
  let upstream: FakeAnthropic;
  let bundle: CacheBundle;
  let client: Anthropic;

  before(async () => {
    bundle = await buildCacheBundle();
    upstream = await startFakeAnthropic();
    const keyFile = join(bundle.file, '..', 'anthropic.key');
    writeFileSync(keyFile, ANTHROPIC_FAKE_KEY);
    gw = await startClockedGateway((c) => {
      c['policy'] = { bundle: bundle.file, verification: DEV_VERIFICATION };
      (c['providers'] as unknown[]).push({ name: 'anthropic', type: 'anthropic', base_url: upstream.baseUrl, api_key_file: keyFile, timeout_ms: 5000 });
      (c['models'] as unknown[]).push({ name: 'claude-tenant', provider: 'anthropic', upstream_model: 'claude-sonnet-4-5' });
      addCallers(c);
    });
    client = new Anthropic({ apiKey: ANALYST_KEY, baseURL: gw.url, maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
    bundle?.remove();
  });

  const request = (content: string) => ({ model: 'claude-tenant', max_tokens: 64, temperature: 0, messages: [{ role: 'user' as const, content }] });

  it('replays a kept answer as Anthropic\'s event stream', async () => {
    const whole = await client.messages.create(request('What is the capital of France?'));
    const calls = upstream.received.length;
    const { data: stream, response } = await client.messages.create({ ...request('What is the capital of France?'), stream: true }).withResponse();
    assert.equal(response.headers.get('x-palisade-cache'), 'hit');
    const types: string[] = [];
    let text = '';
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
    }
    assert.equal(types[0], 'message_start');
    assert.equal(types.at(-1), 'message_stop');
    assert.ok(types.includes('message_delta'));
    assert.equal(text, whole.content[0]?.type === 'text' ? whole.content[0].text : undefined);
    assert.equal(upstream.received.length, calls);
    assert.equal(recordsOf(gw, response.headers.get('x-palisade-decision-id') ?? '')[1]?.outcome?.cached, true);
  });

  it('keeps a streamed answer, tool call included, for a later whole request', async () => {
    const body = {
      ...request('Weather in Paris?'),
      tools: [{ name: 'weather', description: 'Weather by city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }],
    };
    const streamed = await client.messages.stream(body).finalMessage();
    assert.equal(streamed.content[0]?.type, 'tool_use');
    const calls = upstream.received.length;
    const { data, response } = await client.messages.create(body).withResponse();
    assert.equal(response.headers.get('x-palisade-cache'), 'hit');
    assert.equal(upstream.received.length, calls);
    assert.deepEqual(data.content, streamed.content);
    assert.equal(data.stop_reason, 'tool_use');
    assert.equal(data.usage.output_tokens, streamed.usage.output_tokens);
  });
});
