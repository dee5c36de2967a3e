// Structured outputs across formats, with the official SDKs against the gateway: an Anthropic
// caller's JSON schema reaches an OpenAI provider as response_format, an OpenAI caller's reaches an
// Anthropic provider as output_config.format, and the answer parses. A field the provider cannot
// take is refused with a 400 in the caller's shape that names it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { ANALYST_KEY, startTestGateway, type TestGateway } from '../support/gateway.js';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';

const COLOURS = { type: 'object', properties: { colours: { type: 'array', items: { type: 'string' } } }, required: ['colours'], additionalProperties: false };
const ANSWER = { colours: ['red', 'green', 'blue'] };

/** Answers JSON when the request asked for a schema, prose otherwise, as a provider holding to the schema would. */
async function startStructuredFakes(): Promise<{ openai: FakeUpstream; anthropic: FakeUpstream }> {
  const openai = await startFakeUpstream((req) => {
    const rf = req.body['response_format'] as { type?: string } | undefined;
    const content = rf?.type === 'json_schema' ? JSON.stringify(ANSWER) : 'Red, green and blue.';
    return json(200, { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: req.body['model'], choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 } });
  });
  const anthropic = await startFakeUpstream((req) => {
    const format = (req.body['output_config'] as { format?: { type?: string } } | undefined)?.format;
    const text = format?.type === 'json_schema' ? JSON.stringify(ANSWER) : 'Red, green and blue.';
    return json(200, { id: 'msg_1', type: 'message', role: 'assistant', model: req.body['model'], content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 5, output_tokens: 5 } });
  });
  return { openai, anthropic };
}

describe('structured outputs cross API formats; what cannot cross is refused by name', () => {
  let fakes: { openai: FakeUpstream; anthropic: FakeUpstream };
  let gw: TestGateway;

  before(async () => {
    fakes = await startStructuredFakes();
    gw = await startTestGateway((c) => {
      (c['providers'] as unknown[]).push(
        { name: 'openai', type: 'openai', base_url: `${fakes.openai.url}/v1`, timeout_ms: 5000 },
        { name: 'anthropic', type: 'anthropic', base_url: `${fakes.anthropic.url}/v1`, timeout_ms: 5000 },
      );
      (c['models'] as unknown[]).push({ name: 'gpt', provider: 'openai', upstream_model: 'gpt-4o-mini' }, { name: 'claude', provider: 'anthropic', upstream_model: 'claude-sonnet-4-5' });
    });
  });
  after(async () => {
    await gw?.close();
    await Promise.all([fakes?.openai.close(), fakes?.anthropic.close()]);
  });

  it('an OpenAI json_schema reaches an Anthropic provider as output_config.format, and the answer parses', async () => {
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const res = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'Name three colours' }],
      response_format: { type: 'json_schema', json_schema: { name: 'colours', schema: COLOURS, strict: true } },
    });
    const sent = fakes.anthropic.received.at(-1)?.body;
    assert.deepEqual(sent?.['output_config'], { format: { type: 'json_schema', schema: COLOURS } });
    assert.deepEqual(JSON.parse(res.choices[0]?.message.content ?? ''), ANSWER);
  });

  it('an Anthropic output_config.format reaches an OpenAI provider as response_format, and the answer parses', async () => {
    const client = new Anthropic({ apiKey: ANALYST_KEY, baseURL: gw.url, maxRetries: 0 });
    const params = { model: 'gpt', max_tokens: 100, messages: [{ role: 'user', content: 'Name three colours' }], output_config: { format: { type: 'json_schema', schema: COLOURS } } };
    const msg = await client.messages.create(params as unknown as Anthropic.MessageCreateParamsNonStreaming);
    const sent = fakes.openai.received.at(-1)?.body;
    assert.deepEqual(sent?.['response_format'], { type: 'json_schema', json_schema: { name: 'answer', schema: COLOURS, strict: true } });
    const block = msg.content[0];
    assert.equal(block?.type, 'text');
    assert.deepEqual(JSON.parse(block?.type === 'text' ? block.text : ''), ANSWER);
  });

  it('an OpenAI field an Anthropic provider cannot take is a 400 in OpenAI’s shape that names it', async () => {
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const before = fakes.anthropic.received.length;
    await assert.rejects(client.chat.completions.create({ model: 'claude', seed: 7, messages: [{ role: 'user', content: 'Hi' }] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.BadRequestError);
      assert.match(err.message, /"seed" cannot be carried to an anthropic provider/);
      return true;
    });
    assert.equal(fakes.anthropic.received.length, before);
  });

  it('an Anthropic field an OpenAI provider cannot take is a 400 in Anthropic’s shape that names it', async () => {
    const client = new Anthropic({ apiKey: ANALYST_KEY, baseURL: gw.url, maxRetries: 0 });
    const before = fakes.openai.received.length;
    const params = { model: 'gpt', max_tokens: 10, top_k: 5, messages: [{ role: 'user', content: 'Hi' }] };
    await assert.rejects(client.messages.create(params as Anthropic.MessageCreateParamsNonStreaming), (err: unknown) => {
      assert.ok(err instanceof Anthropic.BadRequestError);
      const body = (err.error as { error?: { type?: string; message?: string } }).error;
      assert.equal(body?.type, 'invalid_request_error');
      assert.match(body?.message ?? '', /"top_k" cannot be carried to an openai provider/);
      return true;
    });
    assert.equal(fakes.openai.received.length, before);
  });
});
