// The client libraries people point at the gateway, unchanged, against one real gateway routing
// to every provider family: chat, streaming, a tool round trip, structured output, embeddings,
// Responses with tools, and errors (a policy refusal is not retried, a provider's 429 reaches the
// caller with Retry-After). The measured matrix is printed at the end; docs/providers.md
// "Client compatibility" carries it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { embedMany, generateObject, generateText, isStepCount, jsonSchema, streamText, tool, type LanguageModel } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { createAnthropic } from '@ai-sdk/anthropic';
import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool as agentTool } from '@openai/agents';
import { z } from 'zod';
import { ANALYST_KEY, PRIVILEGED_KEY, REPO, type TestGateway } from '../support/gateway.js';
import { startFakes, startProviderGateway, type Fakes } from '../providers/helpers.js';
import { MatrixTable, fieldNamed, type Cell } from './table.js';
import { countingFetch, seenError } from './errors.js';
import { FORECAST, FORECAST_SCHEMA, queueJsonAnswer } from './scripted-answers.js';
import { runPythonScript, type PythonRun } from './python-runner.js';

const MODELS = ['gpt-native', 'compat-llama', 'claude', 'bedrock-claude', 'gemini-flash'] as const;
type Model = (typeof MODELS)[number];
const EMBEDDING_MODEL = 'gpt-native';

const QUESTION = 'What is the weather in Paris?';
const TOOL_OUTPUT = 'Sunny, 21 degrees';
/** The shipped policy refuses this to a caller without pii-reader. */
const DENIED_PROMPT = 'My SSN is 536-22-8726';
const WEATHER_PARAMETERS: { type: 'object'; properties: Record<string, { type: 'string' }>; required: string[]; additionalProperties: false } = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
};
/** Longer than the gateway waits out itself, so the provider's 429 reaches the caller. */
const PROVIDER_429 = { kind: 'status', status: 429, headers: { 'retry-after': '3600' } } as const;

const table = new MatrixTable(MODELS);
let fakes: Fakes;
let gw: TestGateway;

function cellOf(err: unknown): Cell {
  const seen = seenError(err);
  if (seen.status === 400) return { kind: 'refused', field: fieldNamed(seen.message) };
  return { kind: 'fails', why: seen.status !== undefined ? `HTTP ${seen.status}` : seen.message.split('\n')[0]?.slice(0, 80) ?? 'error' };
}

/**
 * One cell of the matrix as its own test. `expectedFailure` keeps a case the gateway does not yet
 * pass in the matrix, with the reason, instead of leaving it out.
 */
function cell(library: string, kase: string, model: string, fn: () => Promise<void>, expectedFailure?: string): void {
  const body = async (): Promise<void> => {
    try {
      await fn();
      table.record(library, kase, model, { kind: 'ok' });
    } catch (err) {
      table.record(library, kase, model, cellOf(err));
      throw err;
    }
  };
  const name = `${library}: ${kase} on ${model}`;
  if (expectedFailure !== undefined) it(name, { todo: expectedFailure }, body);
  else it(name, body);
}

/** A case the gateway refuses by name: a 400 in the caller's shape naming the field it cannot carry. */
function refusedCell(library: string, kase: string, model: string, field: string, fn: () => Promise<unknown>): void {
  it(`${library}: ${kase} on ${model} is refused, naming ${field}`, async () => {
    await assert.rejects(fn(), (err: unknown) => {
      const seen = seenError(err);
      assert.equal(seen.status, 400, seen.message);
      assert.match(seen.message, new RegExp(field.replace(/[.[\]]/g, '\\$&')));
      return true;
    });
    table.record(library, kase, model, { kind: 'refused', field });
  });
}

before(async () => {
  setTracingDisabled(true);
  // The AI SDK warns on every call to a model id it does not know; every id here is the gateway's.
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  fakes = await startFakes();
  gw = await startProviderGateway(fakes);
});

after(async () => {
  console.log(`\nClient compatibility, as measured:\n\n${table.markdown()}\n`);
  await gw?.close();
  await fakes?.close();
});

describe('openai (Node)', () => {
  const LIB = 'openai (Node)';
  const client = (): OpenAI => new OpenAI({ apiKey: PRIVILEGED_KEY, baseURL: `${gw.url}/v1` });
  const WEATHER: OpenAI.Chat.Completions.ChatCompletionFunctionTool = { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: WEATHER_PARAMETERS } };

  for (const model of MODELS) {
    cell(LIB, 'chat', model, async () => {
      const r = await client().chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] });
      assert.match(r.choices[0]?.message.content ?? '', /You said: Hi/);
    });
    cell(LIB, 'chat stream', model, async () => {
      const stream = await client().chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      assert.match(text, /You said: Hi/);
    });
    cell(LIB, 'tools round trip', model, async () => {
      const c = client();
      const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: QUESTION }];
      const first = await c.chat.completions.create({ model, messages, tools: [WEATHER] });
      const call = first.choices[0]?.message.tool_calls?.[0];
      assert.ok(call?.type === 'function' && call.function.name === 'get_weather', 'a call of get_weather');
      assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
      messages.push({ role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: call.id, content: TOOL_OUTPUT });
      const final = await c.chat.completions.create({ model, messages, tools: [WEATHER] });
      assert.match(final.choices[0]?.message.content ?? '', /Sunny, 21 degrees/);
    });
    cell(LIB, 'structured output', model, async () => {
      const release = queueJsonAnswer(fakes, model);
      try {
        const r = await client().chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'Forecast for Paris' }],
          response_format: { type: 'json_schema', json_schema: { name: 'forecast', schema: FORECAST_SCHEMA, strict: true } },
        });
        assert.deepEqual(JSON.parse(r.choices[0]?.message.content ?? ''), FORECAST);
      } finally {
        release();
      }
    });
    cell(LIB, 'Responses with tools', model, async () => {
      const c = client();
      const weather: OpenAI.Responses.FunctionTool = { type: 'function', name: 'get_weather', description: 'Current weather for a city', parameters: WEATHER_PARAMETERS, strict: true };
      const first = await c.responses.create({ model, input: QUESTION, tools: [weather] });
      const call = first.output.find((o): o is OpenAI.Responses.ResponseFunctionToolCall => o.type === 'function_call');
      if (model === 'gpt-native') {
        // OpenAI's Responses API passes through; the loopback OpenAI answers it in text.
        assert.match(first.output_text, /You said: What is the weather/);
        return;
      }
      assert.ok(call, 'a function_call item');
      assert.deepEqual(JSON.parse(call.arguments), { city: 'Paris' });
      const final = await c.responses.create({
        model,
        tools: [weather],
        input: [{ role: 'user', content: QUESTION }, { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments }, { type: 'function_call_output', call_id: call.call_id, output: TOOL_OUTPUT }],
      });
      assert.match(final.output_text, /Sunny, 21 degrees/);
    });
    cell(LIB, 'policy denial (403, not retried)', model, async () => {
      const counted = countingFetch();
      const c = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, fetch: counted.fetch });
      await assert.rejects(c.chat.completions.create({ model, messages: [{ role: 'user', content: DENIED_PROMPT }] }), (err: unknown) => {
        assert.ok(err instanceof OpenAI.PermissionDeniedError, String(err));
        assert.equal((err.error as { code?: string }).code, 'policy_denied');
        return true;
      });
      assert.equal(counted.count(), 1);
    });
  }
  cell(LIB, 'embeddings', EMBEDDING_MODEL, async () => {
    const r = await client().embeddings.create({ model: EMBEDDING_MODEL, input: ['one', 'two'] });
    assert.equal(r.data.length, 2);
    assert.ok((r.data[0]?.embedding.length ?? 0) > 0);
  });
  cell(LIB, 'provider 429 (Retry-After)', 'gpt-native', async () => {
    fakes.openai.faults.push(PROVIDER_429);
    const c = new OpenAI({ apiKey: PRIVILEGED_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    await assert.rejects(c.chat.completions.create({ model: 'gpt-native', messages: [{ role: 'user', content: 'Hi' }] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.RateLimitError, String(err));
      assert.ok(Number(err.headers?.get('retry-after')) > 0, 'Retry-After reaches the caller');
      return true;
    });
  });
});

describe('@anthropic-ai/sdk (Node)', () => {
  const LIB = '@anthropic-ai/sdk (Node)';
  const client = (): Anthropic => new Anthropic({ apiKey: PRIVILEGED_KEY, baseURL: gw.url });
  const WEATHER: Anthropic.Tool = { name: 'get_weather', description: 'Current weather for a city', input_schema: WEATHER_PARAMETERS };
  const textOf = (m: Anthropic.Message): string => m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');

  for (const model of MODELS) {
    cell(LIB, 'chat', model, async () => {
      const r = await client().messages.create({ model, max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
      assert.match(textOf(r), /You said: Hi/);
    });
    cell(LIB, 'chat stream', model, async () => {
      const stream = client().messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
      let text = '';
      for await (const ev of stream) if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
      assert.match(text, /You said: Hi/);
      assert.equal(textOf(await stream.finalMessage()), text);
    });
    cell(LIB, 'tools round trip', model, async () => {
      const c = client();
      const messages: Anthropic.MessageParam[] = [{ role: 'user', content: QUESTION }];
      const first = await c.messages.create({ model, max_tokens: 100, messages, tools: [WEATHER] });
      const use = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      assert.equal(first.stop_reason, 'tool_use');
      assert.deepEqual(use?.input, { city: 'Paris' });
      messages.push({ role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: TOOL_OUTPUT }] });
      const final = await c.messages.create({ model, max_tokens: 100, messages, tools: [WEATHER] });
      assert.match(textOf(final), /Sunny, 21 degrees/);
    });
    cell(LIB, 'structured output', model, async () => {
      const release = queueJsonAnswer(fakes, model);
      try {
        const r = await client().messages.create({ model, max_tokens: 100, messages: [{ role: 'user', content: 'Forecast for Paris' }], output_config: { format: { type: 'json_schema', schema: FORECAST_SCHEMA } } });
        assert.deepEqual(JSON.parse(textOf(r)), FORECAST);
      } finally {
        release();
      }
    });
    cell(LIB, 'policy denial (403, not retried)', model, async () => {
      const counted = countingFetch();
      const c = new Anthropic({ apiKey: ANALYST_KEY, baseURL: gw.url, fetch: counted.fetch });
      await assert.rejects(c.messages.create({ model, max_tokens: 50, messages: [{ role: 'user', content: DENIED_PROMPT }] }), (err: unknown) => {
        assert.ok(err instanceof Anthropic.PermissionDeniedError, String(err));
        return true;
      });
      assert.equal(counted.count(), 1);
    });
  }
  cell(LIB, 'provider 429 (Retry-After)', 'claude', async () => {
    fakes.anthropic.faults.push(PROVIDER_429);
    const c = new Anthropic({ apiKey: PRIVILEGED_KEY, baseURL: gw.url, maxRetries: 0 });
    await assert.rejects(c.messages.create({ model: 'claude', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] }), (err: unknown) => {
      assert.ok(err instanceof Anthropic.RateLimitError, String(err));
      assert.ok(Number(err.headers?.get('retry-after')) > 0, 'Retry-After reaches the caller');
      return true;
    });
  });
});

/** The Vercel AI SDK's cases, for a provider package's model factory. */
/**
 * `refusals` names, per model, the field the gateway refuses by name because that model's provider
 * cannot receive it.
 */
function aiSdkCases(LIB: string, modelOf: (model: Model, fetch?: typeof globalThis.fetch, key?: string) => LanguageModel, refusals: Partial<Record<Model, string>> = {}): void {
  const weather = tool({ description: 'Current weather for a city', inputSchema: jsonSchema<{ city: string }>(WEATHER_PARAMETERS), execute: () => Promise.resolve(TOOL_OUTPUT) });
  for (const model of MODELS) {
    cell(LIB, 'chat', model, async () => {
      const r = await generateText({ model: modelOf(model), prompt: 'Hi' });
      assert.match(r.text, /You said: Hi/);
    });
    cell(LIB, 'chat stream', model, async () => {
      const r = streamText({ model: modelOf(model), prompt: 'Hi' });
      let text = '';
      for await (const part of r.textStream) text += part;
      assert.match(text, /You said: Hi/);
    });
    cell(LIB, 'tools round trip', model, async () => {
      const r = await generateText({ model: modelOf(model), prompt: QUESTION, tools: { get_weather: weather }, stopWhen: isStepCount(3) });
      assert.deepEqual(r.steps[0]?.toolCalls[0]?.input, { city: 'Paris' });
      assert.match(r.text, /Sunny, 21 degrees/);
    });
    const structured = async (): Promise<typeof FORECAST> => {
      const release = queueJsonAnswer(fakes, model);
      try {
        return (await generateObject({ model: modelOf(model), prompt: 'Forecast for Paris', schema: jsonSchema<typeof FORECAST>(FORECAST_SCHEMA) })).object;
      } finally {
        release();
      }
    };
    const refused = refusals[model];
    if (refused !== undefined) refusedCell(LIB, 'structured output', model, refused, structured);
    else cell(LIB, 'structured output', model, async () => assert.deepEqual(await structured(), FORECAST));
    cell(LIB, 'policy denial (403, not retried)', model, async () => {
      const counted = countingFetch();
      await assert.rejects(generateText({ model: modelOf(model, counted.fetch, ANALYST_KEY), prompt: DENIED_PROMPT }), (err: unknown) => {
        assert.equal(seenError(err).status, 403, String(err));
        return true;
      });
      assert.equal(counted.count(), 1);
    });
  }
}

describe('Vercel AI SDK, @ai-sdk/openai chat', () => {
  aiSdkCases('ai + @ai-sdk/openai .chat()', (model, fetch, key) => createOpenAI({ apiKey: key ?? PRIVILEGED_KEY, baseURL: `${gw.url}/v1`, ...(fetch ? { fetch } : {}) }).chat(model));
  cell('ai + @ai-sdk/openai .chat()', 'embeddings', EMBEDDING_MODEL, async () => {
    const r = await embedMany({ model: createOpenAI({ apiKey: PRIVILEGED_KEY, baseURL: `${gw.url}/v1` }).embedding(EMBEDDING_MODEL), values: ['one', 'two'] });
    assert.equal(r.embeddings.length, 2);
  });
  cell('ai + @ai-sdk/openai .chat()', 'provider 429 (Retry-After)', 'gpt-native', async () => {
    fakes.openai.faults.push(PROVIDER_429);
    await assert.rejects(generateText({ model: createOpenAI({ apiKey: PRIVILEGED_KEY, baseURL: `${gw.url}/v1` }).chat('gpt-native'), prompt: 'Hi', maxRetries: 0 }), (err: unknown) => {
      const seen = seenError(err);
      assert.equal(seen.status, 429, String(err));
      assert.ok(Number(seen.retryAfter) > 0, 'Retry-After reaches the caller');
      return true;
    });
  });
});

describe('Vercel AI SDK, @ai-sdk/openai Responses (the default)', () => {
  const LIB = 'ai + @ai-sdk/openai (Responses)';
  const weather = tool({ description: 'Current weather for a city', inputSchema: jsonSchema<{ city: string }>(WEATHER_PARAMETERS), execute: () => Promise.resolve(TOOL_OUTPUT) });
  for (const model of MODELS) {
    cell(LIB, 'Responses with tools', model, async () => {
      const r = await generateText({ model: createOpenAI({ apiKey: PRIVILEGED_KEY, baseURL: `${gw.url}/v1` })(model), prompt: QUESTION, tools: { get_weather: weather }, stopWhen: isStepCount(3) });
      // OpenAI's Responses API passes through; the loopback OpenAI answers it in text.
      assert.match(r.text, model === 'gpt-native' ? /You said: What is the weather/ : /Sunny, 21 degrees/);
    });
  }
});

describe('Vercel AI SDK, @ai-sdk/anthropic', () => {
  // generateObject through Anthropic's API forces one tool with disable_parallel_tool_use, which
  // Bedrock's and Gemini's APIs have no field for.
  const noParallelFlag = 'tool_choice.disable_parallel_tool_use';
  aiSdkCases('ai + @ai-sdk/anthropic', (model, fetch, key) => createAnthropic({ apiKey: key ?? PRIVILEGED_KEY, baseURL: `${gw.url}/v1`, ...(fetch ? { fetch } : {}) })(model), {
    'bedrock-claude': noParallelFlag,
    'gemini-flash': noParallelFlag,
  });
});

describe('@openai/agents', () => {
  const LIB = '@openai/agents';
  const weather = agentTool({ name: 'get_weather', description: 'Current weather for a city', parameters: z.object({ city: z.string() }), execute: () => Promise.resolve(TOOL_OUTPUT) });
  for (const model of MODELS) {
    cell(LIB, 'Responses with tools', model, async () => {
      const runner = new Runner({ modelProvider: new OpenAIProvider({ apiKey: PRIVILEGED_KEY, baseURL: `${gw.url}/v1` }), tracingDisabled: true });
      const agent = new Agent({ name: 'weather', instructions: 'Answer with the weather.', model, tools: [weather] });
      const r = await runner.run(agent, QUESTION, { maxTurns: 3 });
      // OpenAI's Responses API passes through; the loopback OpenAI answers it in text.
      assert.match(String(r.finalOutput), model === 'gpt-native' ? /You said: What is the weather/ : /Sunny, 21 degrees/);
    });
  }
});

describe('Python clients', () => {
  const SCRIPTS = {
    'openai (Python)': { script: 'openai_cases.py', embeddings: true },
    'anthropic (Python)': { script: 'anthropic_cases.py', embeddings: false },
    'langchain-openai': { script: 'langchain_cases.py', embeddings: true },
    litellm: { script: 'litellm_cases.py', embeddings: true },
  } as const;
  const CASES = { chat: 'chat', stream: 'chat stream', tools: 'tools round trip', denied: 'policy denial (403, not retried)' } as const;
  const runs = new Map<string, Promise<PythonRun>>();
  /** Cases that consume answers queued on the fakes: they run alone, after the others. */
  const SEQUENTIAL = 'sequential';

  before(() => {
    // Installs the pinned clients on first use; later runs only compare a stamp.
    const python = execFileSync(join(REPO, 'scripts/ensure-python-clients.sh'), { encoding: 'utf8', timeout: 600_000, stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    const env = { MATRIX_GATEWAY_URL: gw.url, MATRIX_KEY: PRIVILEGED_KEY, MATRIX_DENIED_KEY: ANALYST_KEY, MATRIX_MODELS: MODELS.join(','), LITELLM_LOCAL_MODEL_COST_MAP: 'True' };
    for (const [lib, { script }] of Object.entries(SCRIPTS)) runs.set(lib, runPythonScript(python, script, env));
    const sequential = Promise.all(runs.values()).then(async () => {
      // In the order sequential_cases.py sends them: two structured answers per model (openai,
      // then langchain-openai), then a 429 each for OpenAI and Anthropic.
      const releases = MODELS.flatMap((m) => [queueJsonAnswer(fakes, m), queueJsonAnswer(fakes, m)]);
      fakes.openai.faults.push(PROVIDER_429);
      fakes.anthropic.faults.push(PROVIDER_429);
      try {
        return await runPythonScript(python, 'sequential_cases.py', env);
      } finally {
        for (const release of releases) release();
      }
    });
    runs.set(SEQUENTIAL, sequential);
  });

  function pythonCell(lib: string, label: string, model: string, from: string, kase: string, check: (detail: Record<string, unknown>) => void): void {
    cell(lib, label, model, async () => {
      const run = await runs.get(from);
      assert.ok(run, from);
      const result = run.results.find((r) => r.case === kase && r.model === model);
      assert.ok(result, `no result for ${kase} on ${model}: ${run.failure ?? 'the script left it out'}`);
      if (!result.ok) throw Object.assign(new Error(`${result.error ?? ''}\n${result.trace ?? ''}`), result.status ? { status: result.status } : {});
      check(result.detail ?? {});
    });
  }

  const rateLimited = (d: Record<string, unknown>): void => {
    assert.equal(d['status'], 429);
    assert.ok(Number(d['retry_after']) > 0, 'Retry-After reaches the caller');
  };

  for (const [lib, { embeddings }] of Object.entries(SCRIPTS)) {
    for (const model of MODELS) {
      for (const [kase, label] of Object.entries(CASES)) {
        pythonCell(lib, label, model, lib, kase, (d) => {
          if (kase === 'denied') {
            assert.equal(d['status'], 403);
            if (d['requests'] !== undefined) assert.equal(d['requests'], 1, 'not retried');
          } else if (kase === 'tools') assert.match(String(d['text']), /Sunny, 21 degrees/);
          else assert.match(String(d['text']), /You said: Hi/);
        });
      }
      if (lib === 'openai (Python)' || lib === 'langchain-openai') {
        pythonCell(lib, 'structured output', model, SEQUENTIAL, lib === 'langchain-openai' ? 'langchain structured' : 'openai structured', (d) => assert.deepEqual(d['object'], FORECAST));
      }
    }
    if (embeddings) pythonCell(lib, 'embeddings', EMBEDDING_MODEL, lib, 'embeddings', (d) => assert.equal(d['vectors'], 2));
  }
  pythonCell('openai (Python)', 'provider 429 (Retry-After)', 'gpt-native', SEQUENTIAL, 'openai rate limited', rateLimited);
  pythonCell('anthropic (Python)', 'provider 429 (Retry-After)', 'claude', SEQUENTIAL, 'anthropic rate limited', rateLimited);
});

describe('docs/providers.md', () => {
  // Runs after every cell above: the documented matrix is the measured one.
  it('"Client compatibility" carries the matrix as measured', () => {
    const doc = readFileSync(join(REPO, 'docs/providers.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Client compatibility'));
    const start = section.indexOf('| library | case |');
    assert.ok(start >= 0, 'the section holds the matrix');
    const end = section.indexOf('\n\n', start);
    assert.equal(section.slice(start, end < 0 ? undefined : end).trim(), table.markdown());
  });
});
