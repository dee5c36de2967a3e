// Responses callers with function tools on every provider family: the official openai client
// offers a tool, reads the model's call (whole and streamed), sends the tool's output back and
// reads the final answer. OpenAI's built-in tools stay OpenAI's: other providers refuse them by
// name.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { FunctionTool, ResponseFunctionToolCall, ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { PRIVILEGED_KEY, type TestGateway } from '../support/gateway.js';
import { parseSse, startFakes, startProviderGateway, type Fakes } from './helpers.js';

const WEATHER: FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};
const QUESTION = 'What is the weather in Paris?';
const TOOL_OUTPUT = 'Sunny, 21 degrees';

/** One model per chat provider family; each fake calls the first tool it is offered. */
const MODELS = ['compat-llama', 'azure-gpt', 'claude', 'bedrock-claude', 'gemini-flash', 'vertex-flash'] as const;

function callsOf(output: readonly { type: string }[]): ResponseFunctionToolCall[] {
  return output.filter((o): o is ResponseFunctionToolCall => o.type === 'function_call');
}

function assertWeatherCall(call: ResponseFunctionToolCall | undefined, model: string): ResponseFunctionToolCall {
  assert.ok(call, `${model}: a function_call item`);
  assert.equal(call.name, 'get_weather', model);
  assert.deepEqual(JSON.parse(call.arguments), { city: 'Paris' }, model);
  assert.ok(call.call_id.length > 0, model);
  assert.match(call.id ?? '', /^fc_/, model);
  assert.equal(call.status, 'completed', model);
  return call;
}

/**
 * The second turn: the question, the model's call as it came back, and the tool's output. Only
 * the item's documented fields go back (the client's parsed results add `parsed_arguments`).
 */
function secondTurn(call: ResponseFunctionToolCall): ResponseInputItem[] {
  const item: ResponseFunctionToolCall = { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments };
  if (call.id !== undefined) item.id = call.id;
  if (call.status !== undefined) item.status = call.status;
  return [{ role: 'user', content: QUESTION }, item, { type: 'function_call_output', call_id: call.call_id, output: TOOL_OUTPUT }];
}

/** The streamed events of the function call, in order, with the response's opening and end. */
const CALL_EVENTS = [
  'response.created',
  'response.in_progress',
  'response.output_item.added',
  'response.function_call_arguments.delta',
  'response.function_call_arguments.done',
  'response.output_item.done',
  'response.completed',
];

function collapse(types: readonly string[]): string[] {
  return types.filter((t, i) => t !== types[i - 1]);
}

describe('Responses with function tools on every provider family', () => {
  let fakes: Fakes;
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    fakes = await startFakes();
    gw = await startProviderGateway(fakes);
    client = new OpenAI({ apiKey: PRIVILEGED_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
    await fakes?.close();
  });

  for (const model of MODELS) {
    it(`${model}: the model calls the tool, the caller sends its output, the model answers with it`, async () => {
      const first = await client.responses.create({ model, input: QUESTION, tools: [WEATHER], tool_choice: 'auto' });
      assert.equal(first.status, 'completed');
      assert.equal(first.output_text, '');
      const call = assertWeatherCall(callsOf(first.output)[0], model);
      assert.ok((first.usage?.input_tokens ?? 0) > 0, `${model}: usage`);

      const second = await client.responses.create({ model, input: secondTurn(call), tools: [WEATHER] });
      assert.equal(second.status, 'completed');
      assert.deepEqual(callsOf(second.output), []);
      assert.match(second.output_text, /^The tool said: /, model);
      assert.ok(second.output_text.includes(TOOL_OUTPUT), `${model}: ${second.output_text}`);
    });

    it(`${model}: streamed, the call arrives as the documented function-call events and the final answer follows`, async () => {
      const stream = client.responses.stream({ model, input: QUESTION, tools: [WEATHER] });
      const events: ResponseStreamEvent[] = [];
      stream.on('event', (ev) => events.push(ev));
      const final = await stream.finalResponse();
      assert.deepEqual(collapse(events.map((e) => e.type)), CALL_EVENTS, model);
      assert.deepEqual(
        events.map((e) => e.sequence_number),
        events.map((_, i) => i),
      );
      const added = events.find((e) => e.type === 'response.output_item.added');
      assert.equal(added?.type === 'response.output_item.added' ? added.item.type : undefined, 'function_call');
      const args = events.flatMap((e) => (e.type === 'response.function_call_arguments.delta' ? [e.delta] : [])).join('');
      assert.deepEqual(JSON.parse(args), { city: 'Paris' });
      const argsDone = events.find((e) => e.type === 'response.function_call_arguments.done');
      assert.equal(argsDone?.type === 'response.function_call_arguments.done' ? argsDone.arguments : undefined, args);
      const call = assertWeatherCall(callsOf(final.output)[0], model);
      assert.equal(final.output.length, 1);
      assert.ok((final.usage?.output_tokens ?? 0) >= 0);

      const answer = await client.responses.create({ model, input: secondTurn(call), tools: [WEATHER], stream: true });
      let text = '';
      let completed: OpenAI.Responses.Response | undefined;
      for await (const ev of answer) {
        if (ev.type === 'response.output_text.delta') text += ev.delta;
        if (ev.type === 'response.completed') completed = ev.response;
      }
      assert.ok(text.startsWith('The tool said: ') && text.includes(TOOL_OUTPUT), `${model}: ${text}`);
      assert.equal(completed?.output_text ?? completed?.output.flatMap((o) => (o.type === 'message' ? o.content : [])).map((c) => (c.type === 'output_text' ? c.text : '')).join(''), text);
    });
  }

  it('two calls in one answer are two function_call items, whole and streamed, and go back as one turn', async () => {
    const parts = [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { name: 'get_weather', args: { city: 'Oslo' } } }];
    const candidate = { candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 8, candidatesTokenCount: 6 } };
    fakes.gemini.faults.push({ kind: 'status', status: 200, body: candidate });
    const whole = await client.responses.create({ model: 'gemini-flash', input: QUESTION, tools: [WEATHER] });
    assert.deepEqual(callsOf(whole.output).map((c) => JSON.parse(c.arguments) as unknown), [{ city: 'Paris' }, { city: 'Oslo' }]);

    fakes.gemini.faults.push({ kind: 'status', status: 200, headers: { 'content-type': 'text/event-stream' }, body: `data: ${JSON.stringify(candidate)}\n\n` });
    const stream = client.responses.stream({ model: 'gemini-flash', input: QUESTION, tools: [WEATHER] });
    const events: ResponseStreamEvent[] = [];
    stream.on('event', (ev) => events.push(ev));
    const final = await stream.finalResponse();
    const calls = callsOf(final.output);
    assert.deepEqual(calls.map((c) => JSON.parse(c.arguments) as unknown), [{ city: 'Paris' }, { city: 'Oslo' }]);
    assert.equal(new Set(calls.map((c) => c.id)).size, 2);
    const itemEvents = events.filter((e) => e.type === 'response.output_item.added' || e.type === 'response.output_item.done');
    assert.deepEqual(itemEvents.map((e) => [e.type, 'output_index' in e ? e.output_index : -1]), [
      ['response.output_item.added', 0],
      ['response.output_item.done', 0],
      ['response.output_item.added', 1],
      ['response.output_item.done', 1],
    ]);

    const input: ResponseInputItem[] = [{ role: 'user', content: QUESTION }];
    for (const c of calls) input.push({ type: 'function_call', call_id: c.call_id, name: c.name, arguments: c.arguments });
    for (const [i, c] of calls.entries()) input.push({ type: 'function_call_output', call_id: c.call_id, output: i === 0 ? 'Sunny' : 'Snow' });
    await client.responses.create({ model: 'gemini-flash', input, tools: [WEATHER] });
    const contents = fakes.gemini.received.at(-1)?.body['contents'] as { role: string; parts: Record<string, unknown>[] }[];
    assert.deepEqual(contents.map((c) => [c.role, c.parts.length]), [['user', 1], ['model', 2], ['user', 2]]);
    assert.deepEqual(contents[2]?.parts.map((p) => p['functionResponse']), [
      { name: 'get_weather', response: { content: 'Sunny' } },
      { name: 'get_weather', response: { content: 'Snow' } },
    ]);
  });

  it('echo shows the call and the tool output it was given', async () => {
    const call: ResponseFunctionToolCall = { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' };
    const res = await client.responses.create({ model: 'echo', input: secondTurn(call), tools: [WEATHER] });
    assert.equal(res.output_text, `user: ${QUESTION}\nassistant: \ntool: ${TOOL_OUTPUT}`);
  });

  it('the tool settings reach the provider: a named choice, one call at a time, strict schemas', async () => {
    await client.responses.create({ model: 'claude', input: QUESTION, tools: [WEATHER], tool_choice: { type: 'function', name: 'get_weather' }, parallel_tool_calls: false });
    const sent = fakes.anthropic.received.at(-1)?.body;
    assert.deepEqual(sent?.['tool_choice'], { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true });
    assert.deepEqual(sent?.['tools'], [{ name: 'get_weather', description: WEATHER.description, input_schema: WEATHER.parameters, strict: true }]);
    await client.responses.create({ model: 'compat-llama', input: QUESTION, tools: [WEATHER], tool_choice: 'required' });
    const chat = fakes.compat.received.at(-1)?.body;
    assert.equal(chat?.['tool_choice'], 'required');
    assert.deepEqual(chat?.['tools'], [{ type: 'function', function: { name: 'get_weather', description: WEATHER.description, parameters: WEATHER.parameters, strict: true } }]);
  });

  it('structured output: the answer to a JSON schema comes back as output_text', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    fakes.anthropic.faults.push({ kind: 'status', status: 200, body: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: '{"city":"Paris"}' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 5, output_tokens: 4 } } });
    const res = await client.responses.create({ model: 'claude', input: QUESTION, text: { format: { type: 'json_schema', name: 'place', schema, strict: true } } });
    assert.deepEqual(JSON.parse(res.output_text), { city: 'Paris' });
    assert.deepEqual(fakes.anthropic.received.at(-1)?.body['output_config'], { format: { type: 'json_schema', schema } });
  });

  for (const type of ['web_search', 'file_search', 'code_interpreter', 'image_generation', 'mcp', 'computer_use_preview', 'local_shell'] as const) {
    it(`the built-in ${type} tool is refused by name on a provider other than OpenAI, before anything leaves`, async () => {
      const tools = {
        web_search: { type: 'web_search' },
        file_search: { type: 'file_search', vector_store_ids: ['vs_secret_store'] },
        code_interpreter: { type: 'code_interpreter', container: { type: 'auto' } },
        image_generation: { type: 'image_generation' },
        mcp: { type: 'mcp', server_label: 'secret-server', server_url: 'https://mcp.example.com/sse' },
        computer_use_preview: { type: 'computer_use_preview', display_width: 1024, display_height: 768, environment: 'browser' },
        local_shell: { type: 'local_shell' },
      }[type];
      const before = fakes.anthropic.received.length;
      const res = await fetch(`${gw.url}/v1/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${PRIVILEGED_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'claude', input: QUESTION, tools: [WEATHER, tools] }),
      });
      const body = (await res.json()) as { error: { message: string; code: string } };
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(body.error.code, 'feature_unsupported');
      assert.match(body.error.message, /"tools\[1\]\.type" cannot be carried to an anthropic provider/);
      for (const value of ['vs_secret_store', 'secret-server', 'mcp.example.com']) assert.ok(!body.error.message.includes(value));
      assert.equal(fakes.anthropic.received.length, before);
    });
  }

  it('a built-in tool still reaches an OpenAI provider, which runs it itself', async () => {
    const res = await client.responses.create({ model: 'gpt-native', input: QUESTION, tools: [{ type: 'web_search' }] });
    assert.equal(res.status, 'completed');
    assert.deepEqual(fakes.openai.received.at(-1)?.body['tools'], [{ type: 'web_search' }]);
  });

  it('streams keep the documented shape when text comes before the call', async () => {
    // An Anthropic answer that says something, then calls the tool.
    const frames = [
      { type: 'message_start', message: { id: 'msg_2', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 7, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me check.' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":"Paris"}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 9 } },
      { type: 'message_stop' },
    ];
    fakes.anthropic.faults.push({ kind: 'status', status: 200, headers: { 'content-type': 'text/event-stream' }, body: frames.map((f) => `event: ${f.type}\ndata: ${JSON.stringify(f)}\n\n`).join('') });
    const res = await fetch(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PRIVILEGED_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude', input: QUESTION, tools: [WEATHER], stream: true }),
    });
    const events = parseSse(await res.text()).map((e) => JSON.parse(e.data) as { type: string; output_index?: number; response?: { output: { type: string; id: string }[]; usage: { input_tokens: number; output_tokens: number } } });
    assert.deepEqual(collapse(events.map((e) => e.type)), [
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const completed = events.at(-1)?.response;
    assert.deepEqual(completed?.output.map((o) => o.type), ['message', 'function_call']);
    assert.deepEqual(completed?.usage && [completed.usage.input_tokens, completed.usage.output_tokens], [7, 9]);
    assert.deepEqual(events.filter((e) => e.type === 'response.output_item.added').map((e) => e.output_index), [0, 1]);
  });
});
