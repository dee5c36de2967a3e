// The official Anthropic client against the gateway's /v1/messages: native pass-through to an
// Anthropic provider and translation to the others, streams, tools and tool results, and errors
// in Anthropic's shape.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { ANALYST_KEY, type TestGateway } from '../support/gateway.js';
import { ANTHROPIC_FAKE_KEY } from '../support/fake-anthropic.js';
import { OPENAI_FAKE_KEY } from '../support/fake-openai-platform.js';
import { BEDROCK_MODEL, outcomeOf, startFakes, startProviderGateway, type Fakes } from './helpers.js';

const MODELS = [
  { model: 'claude', greeting: 'Hello from Anthropic, model claude-sonnet-4-5' },
  { model: 'gpt-native', greeting: 'Hello from OpenAI, model gpt-4o-mini' },
  { model: 'azure-gpt', greeting: 'Hello from OpenAI, model gpt4o-deployment' },
  { model: 'bedrock-claude', greeting: `Hello from Bedrock, model ${BEDROCK_MODEL}` },
  { model: 'gemini-flash', greeting: 'Hello from Gemini, model gemini-2.0-flash' },
];

const WEATHER_TOOL: Anthropic.Tool = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

describe('Anthropic SDK callers', () => {
  let fakes: Fakes;
  let gw: TestGateway;
  let client: Anthropic;

  before(async () => {
    fakes = await startFakes();
    gw = await startProviderGateway(fakes);
    client = new Anthropic({ apiKey: ANALYST_KEY, baseURL: gw.url, maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
    await fakes?.close();
  });

  for (const { model, greeting } of MODELS) {
    it(`${model}: answers a message with its system prompt, with usage`, async () => {
      const msg = await client.messages.create({ model, max_tokens: 256, system: 'Be brief', messages: [{ role: 'user', content: 'What is new?' }] });
      assert.equal(msg.type, 'message');
      assert.equal(msg.role, 'assistant');
      assert.deepEqual(msg.content, [{ type: 'text', text: `${greeting}, system: Be brief. You said: What is new?` }]);
      assert.equal(msg.stop_reason, 'end_turn');
      assert.ok(msg.usage.input_tokens > 0 && msg.usage.output_tokens > 0, JSON.stringify(msg.usage));
    });

    it(`${model}: streams the events Anthropic documents, ending with message_stop`, async () => {
      const stream = client.messages.stream({ model, max_tokens: 256, messages: [{ role: 'user', content: 'Tell me more' }] });
      const types: string[] = [];
      stream.on('streamEvent', (ev) => types.push(ev.type));
      const final = await stream.finalMessage();
      assert.deepEqual(final.content, [{ type: 'text', text: `${greeting}. You said: Tell me more` }]);
      assert.equal(types[0], 'message_start');
      assert.equal(types.at(-1), 'message_stop');
      assert.equal(types.at(-2), 'message_delta');
      assert.ok(types.filter((t) => t === 'content_block_delta').length > 3);
      assert.ok(final.usage.output_tokens > 0);
    });
  }

  for (const model of ['claude', 'gpt-native', 'bedrock-claude', 'gemini-flash']) {
    it(`${model}: tool_use and tool_result make a round trip`, async () => {
      const first = await client.messages.create({ model, max_tokens: 256, tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'Weather in Paris?' }] });
      assert.equal(first.stop_reason, 'tool_use');
      const use = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      assert.ok(use);
      assert.equal(use.name, 'get_weather');
      assert.deepEqual(use.input, { city: 'Paris' });
      const second = await client.messages.create({
        model,
        max_tokens: 256,
        tools: [WEATHER_TOOL],
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'Sunny, 21C' }] },
        ],
      });
      const text = second.content.find((b): b is Anthropic.TextBlock => b.type === 'text');
      assert.match(text?.text ?? '', /^The tool said: .*Sunny, 21C/);
    });

    it(`${model}: a streamed tool call arrives as input_json_delta`, async () => {
      const final = await client.messages.stream({ model, max_tokens: 256, tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'Weather in Paris?' }] }).finalMessage();
      const use = final.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      assert.deepEqual(use?.input, { city: 'Paris' });
      assert.equal(final.stop_reason, 'tool_use');
    });
  }

  it('forwards Anthropic requests to Anthropic as sent, with the caller’s anthropic-version and the provider key', async () => {
    await client.messages.create({ model: 'claude', max_tokens: 50, service_tier: 'standard_only', messages: [{ role: 'user', content: 'Hi' }] }, { headers: { 'anthropic-beta': 'feature-x', 'anthropic-version': '2023-01-01' } });
    const sent = fakes.anthropic.received.at(-1);
    assert.equal(sent?.headers['x-api-key'], ANTHROPIC_FAKE_KEY);
    assert.equal(sent?.headers['anthropic-beta'], 'feature-x');
    assert.equal(sent?.headers['anthropic-version'], '2023-01-01');
    assert.equal(sent?.body['service_tier'], 'standard_only', 'fields the gateway does not model pass through');
    assert.equal(sent?.body['model'], 'claude-sonnet-4-5');
  });

  it('translates to OpenAI: system first, tool results as tool messages, the provider key', async () => {
    await client.messages.create({
      model: 'gpt-native',
      max_tokens: 40,
      system: 'S1',
      tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'Snow' }, { type: 'text', text: 'And tomorrow?' }] },
      ],
    });
    const sent = fakes.openai.received.at(-1);
    assert.equal(sent?.headers.authorization, `Bearer ${OPENAI_FAKE_KEY}`);
    assert.equal(sent?.body['max_completion_tokens'], 40);
    assert.deepEqual(sent?.body['messages'], [
      { role: 'system', content: 'S1' },
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'Snow' },
      { role: 'user', content: 'And tomorrow?' },
    ]);
  });

  it('answers errors in Anthropic’s shape with a decision id', async () => {
    const bad = new Anthropic({ apiKey: 'sk-not-a-key', baseURL: gw.url, maxRetries: 0 });
    await assert.rejects(bad.messages.create({ model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }), (err: unknown) => {
      assert.ok(err instanceof Anthropic.AuthenticationError);
      assert.equal((err.error as { type?: string }).type, 'error');
      assert.equal((err.error as { error?: { type?: string } }).error?.type, 'authentication_error');
      return true;
    });
    await assert.rejects(client.messages.create({ model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: 'My SSN is 536-22-8726' }] }), (err: unknown) => {
      assert.ok(err instanceof Anthropic.PermissionDeniedError);
      const e = (err.error as { error?: { type?: string; decision_id?: string; reasons?: { code: string }[] } }).error;
      assert.equal(e?.type, 'permission_error');
      assert.match(e?.decision_id ?? '', /^[0-9a-f-]{36}$/);
      assert.ok(e?.reasons?.some((r) => r.code === 'pii_requires_pii_reader'));
      return true;
    });
    await assert.rejects(client.messages.create({ model: 'no-such-model', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }), (err: unknown) => err instanceof Anthropic.NotFoundError);
    await assert.rejects(
      client.messages.create({ model: 'claude', messages: [{ role: 'user', content: 'Hi' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming),
      (err: unknown) => err instanceof Anthropic.BadRequestError && /max_tokens/.test(err.message),
    );
  });

  it('records the provider, usage and attempts of an Anthropic call', async () => {
    const { response } = await client.messages.create({ model: 'bedrock-claude', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    const id = response.headers.get('x-palisade-decision-id') ?? '';
    await gw.gateway.close();
    const outcome = outcomeOf(gw, id)?.outcome;
    assert.equal(outcome?.provider, 'bedrock');
    assert.equal(outcome?.model, BEDROCK_MODEL);
    assert.deepEqual(outcome?.usage, { prompt_tokens: 10, completion_tokens: outcome?.usage?.completion_tokens, total_tokens: 10 + (outcome?.usage?.completion_tokens ?? 0) });
    assert.deepEqual(outcome?.attempts, [{ provider: 'bedrock', model: BEDROCK_MODEL, status: 200 }]);
  });
});
