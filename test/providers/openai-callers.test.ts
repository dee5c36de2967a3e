// The official OpenAI client against every provider type, through translation where the
// provider speaks another format: answers, streams, usage, system prompts, tools and tool
// results, JSON mode, and what each provider actually received.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { ANALYST_KEY, type TestGateway } from '../support/gateway.js';
import { ANTHROPIC_FAKE_KEY } from '../support/fake-anthropic.js';
import { BEDROCK_MODEL, outcomeOf, startFakes, startProviderGateway, type Fakes } from './helpers.js';

const MODELS = [
  { model: 'gpt-native', greeting: 'Hello from OpenAI, model gpt-4o-mini' },
  { model: 'azure-gpt', greeting: 'Hello from OpenAI, model gpt4o-deployment' },
  { model: 'compat-llama', greeting: 'Hello from OpenAI, model llama-3.1-8b' },
  { model: 'claude', greeting: 'Hello from Anthropic, model claude-sonnet-4-5' },
  { model: 'bedrock-claude', greeting: `Hello from Bedrock, model ${BEDROCK_MODEL}` },
  { model: 'gemini-flash', greeting: 'Hello from Gemini, model gemini-2.0-flash' },
  { model: 'vertex-flash', greeting: 'Hello from Gemini, model gemini-2.0-flash' },
];

const WEATHER_TOOL: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } },
};

describe('OpenAI SDK callers', () => {
  let fakes: Fakes;
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    fakes = await startFakes();
    gw = await startProviderGateway(fakes);
    client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
    await fakes?.close();
  });

  for (const { model, greeting } of MODELS) {
    it(`${model}: answers with the system prompt and the user's words, with usage`, async () => {
      const res = await client.chat.completions.create({ model, messages: [{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'What is new?' }] });
      assert.equal(res.choices[0]?.message.content, `${greeting}, system: Be brief. You said: What is new?`);
      assert.equal(res.choices[0]?.finish_reason, 'stop');
      assert.ok((res.usage?.prompt_tokens ?? 0) > 0 && (res.usage?.completion_tokens ?? 0) > 0, JSON.stringify(res.usage));
    });

    it(`${model}: streams the answer in chunks, with a usage chunk when asked`, async () => {
      const stream = await client.chat.completions.create({ model, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Tell me more' }] });
      let text = '';
      let chunks = 0;
      let usage: OpenAI.CompletionUsage | undefined;
      let finish: string | null | undefined;
      for await (const chunk of stream) {
        chunks++;
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
      assert.equal(text, `${greeting}. You said: Tell me more`);
      assert.ok(chunks > 4, `${chunks} chunks`);
      assert.equal(finish, 'stop');
      // An OpenAI-compatible server configured without stream usage cannot give one.
      if (model !== 'compat-llama') assert.ok(usage && usage.total_tokens > 0, 'usage chunk');
    });
  }

  for (const model of ['gpt-native', 'claude', 'bedrock-claude', 'gemini-flash']) {
    it(`${model}: a tool call and its result make a round trip`, async () => {
      const first = await client.chat.completions.create({ model, tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'Weather in Paris?' }] });
      const call = first.choices[0]?.message.tool_calls?.[0];
      assert.equal(first.choices[0]?.finish_reason, 'tool_calls');
      assert.ok(call && call.type === 'function');
      assert.equal(call.function.name, 'get_weather');
      assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
      const second = await client.chat.completions.create({
        model,
        tools: [WEATHER_TOOL],
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: null, tool_calls: [call] },
          { role: 'tool', tool_call_id: call.id, content: 'Sunny, 21C' },
        ],
      });
      assert.match(second.choices[0]?.message.content ?? '', /^The tool said: .*Sunny, 21C/);
    });

    it(`${model}: a streamed tool call arrives as tool_call deltas`, async () => {
      const stream = client.chat.completions.stream({ model, tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'Weather in Paris?' }] });
      const done = await stream.finalChatCompletion();
      const call = done.choices[0]?.message.tool_calls?.[0];
      assert.ok(call && call.type === 'function');
      assert.equal(call.function.name, 'get_weather');
      assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
      assert.equal(done.choices[0]?.finish_reason, 'tool_calls');
    });
  }

  it('translates for Anthropic: system, max_tokens, tools, the provider key, and no caller key', async () => {
    await client.chat.completions.create({ model: 'claude', max_tokens: 77, tools: [WEATHER_TOOL], tool_choice: 'required', messages: [{ role: 'system', content: 'S1' }, { role: 'user', content: 'Hi' }] });
    const sent = fakes.anthropic.received.at(-1);
    assert.ok(sent);
    assert.equal(sent.headers['x-api-key'], ANTHROPIC_FAKE_KEY);
    assert.equal(sent.headers.authorization, undefined);
    assert.equal(sent.headers['anthropic-version'], '2023-06-01');
    assert.equal(sent.body['system'], 'S1');
    assert.equal(sent.body['max_tokens'], 77);
    assert.deepEqual(sent.body['tool_choice'], { type: 'any' });
    assert.deepEqual(sent.body['tools'], [{ name: 'get_weather', description: 'Weather for a city', input_schema: WEATHER_TOOL.function.parameters }]);
    assert.deepEqual(sent.body['messages'], [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
  });

  it('translates for Bedrock and Gemini: system, inference settings, tool specs in their shapes', async () => {
    const request = { max_tokens: 33, temperature: 0.2, stop: ['END'], tools: [WEATHER_TOOL], messages: [{ role: 'system' as const, content: 'S1' }, { role: 'user' as const, content: 'Hi' }] };
    await client.chat.completions.create({ model: 'bedrock-claude', ...request });
    const bedrock = fakes.bedrock.received.at(-1);
    assert.equal(bedrock?.path, '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse');
    assert.deepEqual(bedrock?.body['system'], [{ text: 'S1' }]);
    assert.deepEqual(bedrock?.body['inferenceConfig'], { maxTokens: 33, temperature: 0.2, stopSequences: ['END'] });
    assert.deepEqual(bedrock?.body['toolConfig'], { tools: [{ toolSpec: { name: 'get_weather', description: 'Weather for a city', inputSchema: { json: WEATHER_TOOL.function.parameters } } }] });
    assert.match(String(bedrock?.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIAFAKEEXAMPLE\/\d{8}\/eu-central-1\/bedrock\/aws4_request/);

    await client.chat.completions.create({ model: 'gemini-flash', ...request });
    const gemini = fakes.gemini.received.at(-1);
    assert.equal(gemini?.path, '/v1beta/models/gemini-2.0-flash:generateContent');
    assert.deepEqual(gemini?.body['systemInstruction'], { parts: [{ text: 'S1' }] });
    assert.deepEqual(gemini?.body['generationConfig'], { maxOutputTokens: 33, temperature: 0.2, stopSequences: ['END'] });
    // Gemini's schema dialect has no additionalProperties; it is dropped rather than refused by Gemini.
    assert.deepEqual(gemini?.body['tools'], [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }] }]);
  });

  it('asks for JSON on providers without JSON mode by instruction, and natively on Gemini', async () => {
    await client.chat.completions.create({ model: 'claude', response_format: { type: 'json_object' }, messages: [{ role: 'user', content: 'List three colours' }] });
    assert.match(String(fakes.anthropic.received.at(-1)?.body['system']), /JSON/);
    await client.chat.completions.create({ model: 'gemini-flash', response_format: { type: 'json_object' }, messages: [{ role: 'user', content: 'List three colours' }] });
    assert.equal((fakes.gemini.received.at(-1)?.body['generationConfig'] as { responseMimeType?: string }).responseMimeType, 'application/json');
  });

  it('passes OpenAI requests to an OpenAI provider as sent, asking for stream usage and hiding that chunk', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'gpt-native', stream: true, temperature: 0.3, logit_bias: { '50256': -100 }, messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    assert.ok(chunks.every((c) => c.usage === undefined || c.usage === null), 'no usage chunk the caller did not ask for');
    const sent = fakes.openai.received.at(-1);
    assert.deepEqual(sent?.body['stream_options'], { include_usage: true });
    assert.deepEqual(sent?.body['logit_bias'], { '50256': -100 }, 'fields the gateway does not model pass through');
    assert.equal(sent?.body['model'], 'gpt-4o-mini');
    const id = response.headers.get('x-palisade-decision-id') ?? '';
    await gw.gateway.close();
    const outcome = outcomeOf(gw, id)?.outcome;
    assert.equal(outcome?.provider, 'openai');
    assert.equal(outcome?.model, 'gpt-4o-mini');
    assert.equal(outcome?.usage?.prompt_tokens, 11, 'usage from the hidden chunk is recorded');
    assert.ok((outcome?.ttfb_ms ?? -1) >= 0);
    assert.deepEqual(outcome?.attempts, [{ provider: 'openai', model: 'gpt-4o-mini', status: 200 }]);
  });
});
