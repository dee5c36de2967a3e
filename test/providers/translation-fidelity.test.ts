// Translation between API formats never drops a field: for each served API and each documented
// request field (with a value that is not the API's default), each translating provider either
// sends the target's equivalent (read back from what its loopback fake received) or refuses the
// call with a 400 that names the field. The field lists are the documented ones, so a field added
// without a decision fails here.
import type { ModelApi } from '../../gateway/src/api-names.js';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderRegistry } from '../../gateway/src/providers/registry.js';
import { BEDROCK_MODEL, startFakes, type Fakes } from './helpers.js';
import { assertRefused, assertSent, createTranslationRegistry, get, MODEL_OF, send, stringLeaves, TYPE_OF, type Family, type Json, type Sent } from './translation-support.js';

type Check = (sent: Sent, answer: unknown) => void;
/** `'refused'`: a 400 naming the case's path. A function: what the target must have received. */
type Expect = 'refused' | Check;

interface Case {
  /** Merged onto the API's base request. */
  body: Json;
  /** The caller path a refusal must name (default: the field). */
  path?: string;
  expect: Partial<Record<Family, Expect>>;
}

const is =
  (path: string, expected: unknown): Check =>
  (s) =>
    assert.deepEqual(get(s.body, path), expected, path);
const all =
  (...checks: Check[]): Check =>
  (s, a) => {
    for (const c of checks) c(s, a);
  };
/** Accepted with no effect on the target (the documented default, or nothing to act on). */
const accepted: Check = () => undefined;
const pathHas =
  (fragment: string): Check =>
  (s) =>
    assert.ok(s.path.includes(fragment), `${s.path} has ${fragment}`);

const COLOURS = { type: 'object', properties: { colours: { type: 'array', items: { type: 'string' } } }, required: ['colours'], additionalProperties: false };
const bedrockInstruction: Check = (s) => {
  const system = get(s.body, 'system') as { text: string }[];
  assert.match(system.at(-1)?.text ?? '', /JSON Schema: .*"colours"/);
};
const geminiJson = all(is('generationConfig.responseMimeType', 'application/json'), is('generationConfig.responseJsonSchema', COLOURS));
const PNG = 'iVBORw0KGgo=';

const FN = { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } };
const CHAT_TOOL = { type: 'function', function: FN };
const ANTHROPIC_TOOL = { name: FN.name, description: FN.description, input_schema: FN.parameters };

// ---- openai.chat ----------------------------------------------------------------------------

const CHAT_FIELDS = [
  'model', 'messages', 'audio', 'frequency_penalty', 'function_call', 'functions', 'logit_bias', 'logprobs', 'max_completion_tokens', 'max_tokens',
  'metadata', 'modalities', 'n', 'parallel_tool_calls', 'prediction', 'presence_penalty', 'prompt_cache_key', 'reasoning_effort', 'response_format',
  'safety_identifier', 'seed', 'service_tier', 'stop', 'store', 'stream', 'stream_options', 'temperature', 'tool_choice', 'tools', 'top_logprobs',
  'top_p', 'user', 'verbosity', 'web_search_options',
  'role:system', 'role:developer', 'role:user', 'role:assistant', 'role:tool', 'role:function',
  'message.role', 'message.content', 'message.name', 'message.tool_calls', 'message.tool_call_id', 'message.refusal', 'message.audio', 'message.function_call',
  'tool.strict',
  'part:text', 'part:image_url', 'part:input_audio', 'part:file', 'part:refusal',
];

const refusedEverywhere = { anthropic: 'refused', bedrock: 'refused', gemini: 'refused', echo: 'refused' } as const;

const TOOL_TURN = [
  { role: 'user', content: 'Weather in Oslo?' },
  { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
  { role: 'tool', tool_call_id: 'call_1', content: 'Snow' },
];
const toolTurnCarried = {
  anthropic: all(is('messages[1].content[0]', { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } }), is('messages[2].content[0]', { type: 'tool_result', tool_use_id: 'call_1', content: 'Snow' })),
  bedrock: all(is('messages[1].content[0].toolUse.toolUseId', 'call_1'), is('messages[2].content[0].toolResult', { toolUseId: 'call_1', content: [{ text: 'Snow' }], status: 'success' })),
  gemini: all(is('contents[1].parts[0].functionCall', { name: 'get_weather', args: { city: 'Oslo' } }), is('contents[2].parts[0].functionResponse', { name: 'get_weather', response: { content: 'Snow' } })),
  echo: all(is('messages[1].parts[0].id', 'call_1'), is('messages[2].parts[0]', { type: 'tool_result', toolCallId: 'call_1', content: 'Snow' })),
};
const FUNCTION_TURN = [
  { role: 'user', content: 'Weather in Oslo?' },
  { role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
  { role: 'function', name: 'get_weather', content: 'Snow' },
];
const functionTurnCarried: Check = (s) => {
  // The legacy call gets an id, and its result answers that id.
  const use = get(s.body, 'messages[1].content[0]') as { type: string; id: string };
  assert.equal(use.type, 'tool_use');
  assert.deepEqual(get(s.body, 'messages[2].content[0]'), { type: 'tool_result', tool_use_id: use.id, content: 'Snow' });
};
const systemCarried = {
  anthropic: is('system', 'S1'),
  bedrock: is('system', [{ text: 'S1' }]),
  gemini: is('systemInstruction', { parts: [{ text: 'S1' }] }),
  echo: is('system', ['S1']),
};
const assistantCarried = (text: string) => ({
  anthropic: is('messages[1]', { role: 'assistant', content: [{ type: 'text', text }] }),
  bedrock: is('messages[1]', { role: 'assistant', content: [{ text }] }),
  gemini: is('contents[1]', { role: 'model', parts: [{ text }] }),
  echo: is('messages[1]', { role: 'assistant', parts: [{ type: 'text', text }] }),
});
const THEN_USER = { role: 'user', content: 'Go on' };

const CHAT_CASES: Record<string, Case> = {
  model: { body: {}, expect: { anthropic: is('model', 'claude-sonnet-4-5'), bedrock: pathHas(encodeURIComponent(BEDROCK_MODEL)), gemini: pathHas('/models/gemini-2.0-flash:'), echo: is('model', 'echo') } },
  messages: { body: { messages: [{ role: 'user', content: 'Hi there' }] }, expect: { anthropic: is('messages', [{ role: 'user', content: [{ type: 'text', text: 'Hi there' }] }]), bedrock: is('messages', [{ role: 'user', content: [{ text: 'Hi there' }] }]), gemini: is('contents', [{ role: 'user', parts: [{ text: 'Hi there' }] }]), echo: is('messages', [{ role: 'user', parts: [{ type: 'text', text: 'Hi there' }] }]) } },
  audio: { body: { audio: { voice: 'alloy', format: 'wav' } }, expect: refusedEverywhere },
  frequency_penalty: { body: { frequency_penalty: 0.5 }, expect: { anthropic: 'refused', bedrock: 'refused', gemini: is('generationConfig.frequencyPenalty', 0.5), echo: is('frequencyPenalty', 0.5) } },
  function_call: { body: { functions: [FN], function_call: { name: 'get_weather' } }, expect: { anthropic: is('tool_choice', { type: 'tool', name: 'get_weather' }), bedrock: is('toolConfig.toolChoice', { tool: { name: 'get_weather' } }), gemini: is('toolConfig.functionCallingConfig', { mode: 'ANY', allowedFunctionNames: ['get_weather'] }), echo: is('toolChoice', { name: 'get_weather' }) } },
  functions: { body: { functions: [FN] }, expect: { anthropic: is('tools', [{ name: FN.name, description: FN.description, input_schema: FN.parameters }]), bedrock: is('toolConfig.tools[0].toolSpec.name', FN.name), gemini: is('tools[0].functionDeclarations[0].name', FN.name), echo: is('tools[0].name', FN.name) } },
  logit_bias: { body: { logit_bias: { '50256': -100 } }, expect: refusedEverywhere },
  logprobs: { body: { logprobs: true }, expect: refusedEverywhere },
  max_completion_tokens: { body: { max_completion_tokens: 77 }, expect: { anthropic: is('max_tokens', 77), bedrock: is('inferenceConfig.maxTokens', 77), gemini: is('generationConfig.maxOutputTokens', 77), echo: is('maxTokens', 77) } },
  max_tokens: { body: { max_tokens: 78 }, expect: { anthropic: is('max_tokens', 78), bedrock: is('inferenceConfig.maxTokens', 78), gemini: is('generationConfig.maxOutputTokens', 78), echo: is('maxTokens', 78) } },
  metadata: { body: { metadata: { team: 'search' } }, expect: { anthropic: 'refused', bedrock: is('requestMetadata', { team: 'search' }), gemini: 'refused', echo: is('metadata', { team: 'search' }) } },
  modalities: { body: { modalities: ['text', 'audio'] }, expect: refusedEverywhere },
  n: { body: { n: 2 }, expect: refusedEverywhere },
  parallel_tool_calls: { body: { tools: [CHAT_TOOL], parallel_tool_calls: false }, expect: { anthropic: is('tool_choice', { type: 'auto', disable_parallel_tool_use: true }), bedrock: 'refused', gemini: 'refused', echo: is('parallelToolCalls', false) } },
  prediction: { body: { prediction: { type: 'content', content: 'draft text' } }, expect: refusedEverywhere },
  presence_penalty: { body: { presence_penalty: 0.25 }, expect: { anthropic: 'refused', bedrock: 'refused', gemini: is('generationConfig.presencePenalty', 0.25), echo: is('presencePenalty', 0.25) } },
  prompt_cache_key: { body: { prompt_cache_key: 'cache-k1' }, expect: { anthropic: 'refused', bedrock: 'refused', gemini: 'refused', echo: is('promptCacheKey', 'cache-k1') } },
  reasoning_effort: { body: { reasoning_effort: 'high' }, expect: { anthropic: is('output_config', { effort: 'high' }), bedrock: 'refused', gemini: is('generationConfig.thinkingConfig', { thinkingBudget: 24576 }), echo: is('reasoningEffort', 'high') } },
  response_format: {
    body: { response_format: { type: 'json_schema', json_schema: { name: 'colours', schema: COLOURS, strict: true } } },
    expect: { anthropic: all(is('output_config', { format: { type: 'json_schema', schema: COLOURS } }), is('system', undefined)), bedrock: bedrockInstruction, gemini: geminiJson, echo: is('json', { schema: COLOURS, name: 'colours', strict: true }) },
  },
  safety_identifier: { body: { safety_identifier: 'sid-7' }, expect: { anthropic: is('metadata', { user_id: 'sid-7' }), bedrock: is('requestMetadata', { safety_identifier: 'sid-7' }), gemini: 'refused', echo: is('safetyIdentifier', 'sid-7') } },
  seed: { body: { seed: 7 }, expect: { anthropic: 'refused', bedrock: 'refused', gemini: is('generationConfig.seed', 7), echo: is('seed', 7) } },
  service_tier: { body: { service_tier: 'priority' }, expect: { anthropic: 'refused', bedrock: 'refused', gemini: 'refused', echo: is('serviceTier', 'priority') } },
  stop: { body: { stop: ['END'] }, expect: { anthropic: is('stop_sequences', ['END']), bedrock: is('inferenceConfig.stopSequences', ['END']), gemini: is('generationConfig.stopSequences', ['END']), echo: is('stop', ['END']) } },
  store: { body: { store: true }, expect: { anthropic: 'refused', bedrock: 'refused', gemini: 'refused', echo: is('store', true) } },
  stream: { body: { stream: true }, expect: { anthropic: is('stream', true), bedrock: pathHas('/converse-stream'), gemini: pathHas(':streamGenerateContent'), echo: is('stream', true) } },
  stream_options: { body: { stream: true, stream_options: { include_usage: true } }, expect: { anthropic: accepted, bedrock: accepted, gemini: accepted, echo: accepted } },
  temperature: { body: { temperature: 0.3 }, expect: { anthropic: is('temperature', 0.3), bedrock: is('inferenceConfig.temperature', 0.3), gemini: is('generationConfig.temperature', 0.3), echo: is('temperature', 0.3) } },
  tool_choice: { body: { tools: [CHAT_TOOL], tool_choice: 'required' }, expect: { anthropic: is('tool_choice', { type: 'any' }), bedrock: is('toolConfig.toolChoice', { any: {} }), gemini: is('toolConfig.functionCallingConfig', { mode: 'ANY' }), echo: is('toolChoice', 'required') } },
  // Only Anthropic can promise arguments that match the schema; Bedrock and Gemini get the schema alone.
  'tool.strict': {
    body: { tools: [{ type: 'function', function: { ...FN, strict: true } }] },
    expect: { anthropic: is('tools[0].strict', true), bedrock: is('toolConfig.tools[0].toolSpec.name', FN.name), gemini: is('tools[0].functionDeclarations[0].name', FN.name), echo: is('tools[0].strict', true) },
  },
  tools: { body: { tools: [CHAT_TOOL] }, expect: { anthropic: is('tools', [ANTHROPIC_TOOL]), bedrock: is('toolConfig.tools[0].toolSpec', { name: FN.name, description: FN.description, inputSchema: { json: FN.parameters } }), gemini: is('tools[0].functionDeclarations[0].name', FN.name), echo: is('tools[0].parameters', FN.parameters) } },
  top_logprobs: { body: { logprobs: false, top_logprobs: 3 }, expect: refusedEverywhere },
  top_p: { body: { top_p: 0.9 }, expect: { anthropic: is('top_p', 0.9), bedrock: is('inferenceConfig.topP', 0.9), gemini: is('generationConfig.topP', 0.9), echo: is('topP', 0.9) } },
  user: { body: { user: 'user-42' }, expect: { anthropic: is('metadata', { user_id: 'user-42' }), bedrock: is('requestMetadata', { user: 'user-42' }), gemini: 'refused', echo: is('user', 'user-42') } },
  verbosity: { body: { verbosity: 'low' }, expect: { anthropic: 'refused', bedrock: 'refused', gemini: 'refused', echo: is('verbosity', 'low') } },
  web_search_options: { body: { web_search_options: { search_context_size: 'low' } }, expect: refusedEverywhere },

  'role:system': { body: { messages: [{ role: 'system', content: 'S1' }, { role: 'user', content: 'Hi' }] }, expect: systemCarried },
  'role:developer': { body: { messages: [{ role: 'developer', content: 'S1' }, { role: 'user', content: 'Hi' }] }, expect: systemCarried },
  'role:user': { body: { messages: [{ role: 'user', content: 'Hi there' }] }, expect: { anthropic: is('messages[0].role', 'user'), bedrock: is('messages[0].role', 'user'), gemini: is('contents[0].role', 'user'), echo: is('messages[0].role', 'user') } },
  'role:assistant': { body: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Earlier answer' }, THEN_USER] }, expect: assistantCarried('Earlier answer') },
  'role:tool': { body: { tools: [CHAT_TOOL], messages: TOOL_TURN }, expect: toolTurnCarried },
  'role:function': { body: { functions: [FN], messages: FUNCTION_TURN }, expect: { anthropic: functionTurnCarried, bedrock: is('messages[2].content[0].toolResult.content', [{ text: 'Snow' }]), gemini: is('contents[2].parts[0].functionResponse.name', 'get_weather'), echo: is('messages[2].parts[0].content', 'Snow') } },
  'message.role': { body: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Earlier answer' }, THEN_USER] }, expect: assistantCarried('Earlier answer') },
  'message.content': { body: { messages: [{ role: 'user', content: [{ type: 'text', text: 'One' }, { type: 'text', text: 'Two' }] }] }, expect: { anthropic: is('messages[0].content', [{ type: 'text', text: 'One' }, { type: 'text', text: 'Two' }]), bedrock: is('messages[0].content', [{ text: 'One' }, { text: 'Two' }]), gemini: is('contents[0].parts', [{ text: 'One' }, { text: 'Two' }]), echo: is('messages[0].parts.length', 2) } },
  'message.name': { body: { messages: [{ role: 'user', name: 'alice', content: 'Hi' }] }, path: 'messages[0].name', expect: refusedEverywhere },
  'message.tool_calls': { body: { tools: [CHAT_TOOL], messages: TOOL_TURN }, expect: toolTurnCarried },
  'message.tool_call_id': { body: { tools: [CHAT_TOOL], messages: TOOL_TURN }, expect: toolTurnCarried },
  'message.refusal': { body: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: null, refusal: 'I cannot help' }, THEN_USER] }, expect: assistantCarried('I cannot help') },
  'message.audio': { body: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: null, audio: { id: 'audio_1' } }, THEN_USER] }, path: 'messages[1].audio', expect: refusedEverywhere },
  'message.function_call': { body: { functions: [FN], messages: FUNCTION_TURN }, expect: { anthropic: functionTurnCarried, bedrock: is('messages[1].content[0].toolUse.name', 'get_weather'), gemini: is('contents[1].parts[0].functionCall.name', 'get_weather'), echo: is('messages[1].parts[0].name', 'get_weather') } },
  'part:text': { body: { messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }, expect: { anthropic: is('messages[0].content', [{ type: 'text', text: 'Hi' }]), bedrock: is('messages[0].content', [{ text: 'Hi' }]), gemini: is('contents[0].parts', [{ text: 'Hi' }]), echo: is('messages[0].parts', [{ type: 'text', text: 'Hi' }]) } },
  'part:image_url': {
    body: { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }] },
    expect: { anthropic: is('messages[0].content', [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }]), bedrock: is('messages[0].content', [{ image: { format: 'png', source: { bytes: PNG } } }]), gemini: is('contents[0].parts', [{ inlineData: { mimeType: 'image/png', data: PNG } }]), echo: is('messages[0].parts', [{ type: 'image', mediaType: 'image/png', data: PNG }]) },
  },
  'part:input_audio': { body: { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } }] }] }, path: 'messages[0].content[0].type', expect: refusedEverywhere },
  'part:file': { body: { messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-123' } }] }] }, path: 'messages[0].content[0].type', expect: refusedEverywhere },
  'part:refusal': { body: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot help' }] }, THEN_USER] }, expect: assistantCarried('I cannot help') },
};

// ---- anthropic.messages ---------------------------------------------------------------------

const ANTHROPIC_FIELDS = [
  'model', 'messages', 'max_tokens', 'container', 'context_management', 'mcp_servers', 'metadata', 'service_tier', 'stop_sequences', 'stream', 'system',
  'temperature', 'thinking', 'tool_choice', 'tools', 'top_k', 'top_p', 'output_format', 'output_config.format', 'output_config.effort',
  'tool_choice.disable_parallel_tool_use', 'tool.strict',
  'block:text', 'block:image', 'block:document', 'block:tool_use', 'block:tool_result', 'block:thinking', 'block:redacted_thinking', 'block:search_result',
  'block:server_tool_use', 'block:web_search_tool_result', 'block.cache_control', 'block.citations',
];

const refusedForAnthropicCallers = { openai: 'refused', bedrock: 'refused', gemini: 'refused', echo: 'refused' } as const;
const ANTHROPIC_TOOL_TURN = [
  { role: 'user', content: 'Weather in Oslo?' },
  { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }] },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'Snow' }] },
];
const anthropicToolTurnCarried = {
  openai: all(is('messages[1].tool_calls', [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }]), is('messages[2]', { role: 'tool', tool_call_id: 'toolu_1', content: 'Snow' })),
  bedrock: all(is('messages[1].content[0].toolUse', { toolUseId: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }), is('messages[2].content[0].toolResult.toolUseId', 'toolu_1')),
  gemini: all(is('contents[1].parts[0].functionCall.name', 'get_weather'), is('contents[2].parts[0].functionResponse', { name: 'get_weather', response: { content: 'Snow' } })),
  echo: all(is('messages[1].parts[0].id', 'toolu_1'), is('messages[2].parts[0].toolCallId', 'toolu_1')),
};
const thinkingTurn = (block: Json) => [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: [block, { type: 'text', text: 'Answer' }] }, { role: 'user', content: 'Go on' }];
/** Thinking blocks are another family's reasoning: the text around them goes, the blocks do not. */
const thinkingDropped = {
  openai: is('messages[1]', { role: 'assistant', content: 'Answer' }),
  gemini: is('contents[1]', { role: 'model', parts: [{ text: 'Answer' }] }),
};
const ANTHROPIC_JSON = {
  openai: is('response_format', { type: 'json_schema', json_schema: { name: 'answer', schema: COLOURS, strict: true } }),
  bedrock: bedrockInstruction,
  gemini: geminiJson,
  echo: is('json.schema', COLOURS),
};

const ANTHROPIC_CASES: Record<string, Case> = {
  model: { body: {}, expect: { openai: is('model', 'gpt-4o-mini'), bedrock: pathHas(encodeURIComponent(BEDROCK_MODEL)), gemini: pathHas('/models/gemini-2.0-flash:'), echo: is('model', 'echo') } },
  messages: { body: { messages: [{ role: 'user', content: 'Hi there' }] }, expect: { openai: is('messages', [{ role: 'user', content: 'Hi there' }]), bedrock: is('messages', [{ role: 'user', content: [{ text: 'Hi there' }] }]), gemini: is('contents', [{ role: 'user', parts: [{ text: 'Hi there' }] }]), echo: is('messages[0].parts', [{ type: 'text', text: 'Hi there' }]) } },
  max_tokens: { body: { max_tokens: 99 }, expect: { openai: is('max_completion_tokens', 99), bedrock: is('inferenceConfig.maxTokens', 99), gemini: is('generationConfig.maxOutputTokens', 99), echo: is('maxTokens', 99) } },
  container: { body: { container: 'container_1' }, expect: refusedForAnthropicCallers },
  context_management: { body: { context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] } }, expect: refusedForAnthropicCallers },
  mcp_servers: { body: { mcp_servers: [{ type: 'url', url: 'https://mcp.example.com/sse', name: 'example' }] }, expect: refusedForAnthropicCallers },
  metadata: { body: { metadata: { user_id: 'user-42' } }, path: 'metadata.user_id', expect: { openai: is('user', 'user-42'), bedrock: is('requestMetadata', { user: 'user-42' }), gemini: 'refused', echo: is('user', 'user-42') } },
  service_tier: { body: { service_tier: 'standard_only' }, expect: { openai: is('service_tier', 'default'), bedrock: accepted, gemini: accepted, echo: is('serviceTier', 'standard') } },
  stop_sequences: { body: { stop_sequences: ['END'] }, expect: { openai: is('stop', ['END']), bedrock: is('inferenceConfig.stopSequences', ['END']), gemini: is('generationConfig.stopSequences', ['END']), echo: is('stop', ['END']) } },
  stream: { body: { stream: true }, expect: { openai: is('stream', true), bedrock: pathHas('/converse-stream'), gemini: pathHas(':streamGenerateContent'), echo: is('stream', true) } },
  system: { body: { system: [{ type: 'text', text: 'S1' }] }, expect: { openai: is('messages[0]', { role: 'system', content: 'S1' }), bedrock: is('system', [{ text: 'S1' }]), gemini: is('systemInstruction', { parts: [{ text: 'S1' }] }), echo: is('system', ['S1']) } },
  temperature: { body: { temperature: 0.3 }, expect: { openai: is('temperature', 0.3), bedrock: is('inferenceConfig.temperature', 0.3), gemini: is('generationConfig.temperature', 0.3), echo: is('temperature', 0.3) } },
  thinking: { body: { thinking: { type: 'enabled', budget_tokens: 2048 } }, expect: { openai: 'refused', bedrock: is('additionalModelRequestFields', { thinking: { type: 'enabled', budget_tokens: 2048 } }), gemini: is('generationConfig.thinkingConfig', { thinkingBudget: 2048 }), echo: is('thinkingBudget', 2048) } },
  tool_choice: { body: { tools: [ANTHROPIC_TOOL], tool_choice: { type: 'any' } }, expect: { openai: is('tool_choice', 'required'), bedrock: is('toolConfig.toolChoice', { any: {} }), gemini: is('toolConfig.functionCallingConfig', { mode: 'ANY' }), echo: is('toolChoice', 'required') } },
  'tool.strict': {
    body: { tools: [{ ...ANTHROPIC_TOOL, strict: true }] },
    expect: { openai: is('tools[0].function.strict', true), bedrock: is('toolConfig.tools[0].toolSpec.name', FN.name), gemini: is('tools[0].functionDeclarations[0].name', FN.name), echo: is('tools[0].strict', true) },
  },
  tools: { body: { tools: [ANTHROPIC_TOOL] }, expect: { openai: is('tools', [CHAT_TOOL]), bedrock: is('toolConfig.tools[0].toolSpec.inputSchema', { json: FN.parameters }), gemini: is('tools[0].functionDeclarations[0].name', FN.name), echo: is('tools[0].name', FN.name) } },
  top_k: { body: { top_k: 40 }, expect: { openai: 'refused', bedrock: is('additionalModelRequestFields', { top_k: 40 }), gemini: is('generationConfig.topK', 40), echo: is('topK', 40) } },
  top_p: { body: { top_p: 0.9 }, expect: { openai: is('top_p', 0.9), bedrock: is('inferenceConfig.topP', 0.9), gemini: is('generationConfig.topP', 0.9), echo: is('topP', 0.9) } },
  output_format: { body: { output_format: { type: 'json_schema', schema: COLOURS } }, expect: ANTHROPIC_JSON },
  'output_config.format': { body: { output_config: { format: { type: 'json_schema', schema: COLOURS } } }, expect: ANTHROPIC_JSON },
  'output_config.effort': { body: { output_config: { effort: 'low' } }, expect: { openai: is('reasoning_effort', 'low'), bedrock: 'refused', gemini: is('generationConfig.thinkingConfig', { thinkingBudget: 1024 }), echo: is('reasoningEffort', 'low') } },
  'tool_choice.disable_parallel_tool_use': { body: { tools: [ANTHROPIC_TOOL], tool_choice: { type: 'auto', disable_parallel_tool_use: true } }, expect: { openai: all(is('parallel_tool_calls', false), is('tool_choice', 'auto')), bedrock: 'refused', gemini: 'refused', echo: is('parallelToolCalls', false) } },

  'block:text': { body: { messages: [{ role: 'user', content: [{ type: 'text', text: 'One' }, { type: 'text', text: 'Two' }] }] }, expect: { openai: is('messages[0].content', [{ type: 'text', text: 'One' }, { type: 'text', text: 'Two' }]), bedrock: is('messages[0].content', [{ text: 'One' }, { text: 'Two' }]), gemini: is('contents[0].parts', [{ text: 'One' }, { text: 'Two' }]), echo: is('messages[0].parts.length', 2) } },
  'block:image': {
    body: { messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] }] },
    expect: { openai: is('messages[0].content', [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }]), bedrock: is('messages[0].content', [{ image: { format: 'png', source: { bytes: PNG } } }]), gemini: is('contents[0].parts', [{ inlineData: { mimeType: 'image/png', data: PNG } }]), echo: is('messages[0].parts[0].type', 'image') },
  },
  'block:document': {
    body: { messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Doc body' } }, { type: 'text', text: 'Summarise' }] }] },
    expect: { openai: is('messages[0].content', [{ type: 'text', text: 'Doc body' }, { type: 'text', text: 'Summarise' }]), bedrock: is('messages[0].content', [{ text: 'Doc body' }, { text: 'Summarise' }]), gemini: is('contents[0].parts', [{ text: 'Doc body' }, { text: 'Summarise' }]), echo: is('messages[0].parts[0].text', 'Doc body') },
  },
  'block:tool_use': { body: { tools: [ANTHROPIC_TOOL], messages: ANTHROPIC_TOOL_TURN }, expect: anthropicToolTurnCarried },
  'block:tool_result': { body: { tools: [ANTHROPIC_TOOL], messages: ANTHROPIC_TOOL_TURN }, expect: anthropicToolTurnCarried },
  'block:thinking': {
    body: { messages: thinkingTurn({ type: 'thinking', thinking: 'Let me think', signature: 'c2lnLTE=' }) },
    expect: { ...thinkingDropped, bedrock: is('messages[1].content', [{ reasoningContent: { reasoningText: { text: 'Let me think', signature: 'c2lnLTE=' } } }, { text: 'Answer' }]), echo: is('messages[1].parts[0]', { type: 'thinking', text: 'Let me think', signature: 'c2lnLTE=' }) },
  },
  'block:redacted_thinking': {
    body: { messages: thinkingTurn({ type: 'redacted_thinking', data: 'ZW5jcnlwdGVk' }) },
    expect: { ...thinkingDropped, bedrock: is('messages[1].content[0]', { reasoningContent: { redactedContent: 'ZW5jcnlwdGVk' } }), echo: is('messages[1].parts[0].redacted', 'ZW5jcnlwdGVk') },
  },
  'block:search_result': { body: { messages: [{ role: 'user', content: [{ type: 'search_result', source: 'https://example.com/a', title: 'A result', content: [{ type: 'text', text: 'Found' }] }] }] }, path: 'messages[0].content[0].type', expect: refusedForAnthropicCallers },
  'block:server_tool_use': {
    body: { messages: [{ role: 'user', content: 'Search' }, { role: 'assistant', content: [{ type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'weather' } }] }, { role: 'user', content: 'Go on' }] },
    path: 'messages[1].content[0].type',
    expect: refusedForAnthropicCallers,
  },
  'block:web_search_tool_result': {
    body: { messages: [{ role: 'user', content: 'Search' }, { role: 'assistant', content: [{ type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] }] }, { role: 'user', content: 'Go on' }] },
    path: 'messages[1].content[0].type',
    expect: refusedForAnthropicCallers,
  },
  'block.cache_control': { body: { messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi', cache_control: { type: 'ephemeral' } }] }] }, expect: { openai: is('messages[0].content', 'Hi'), bedrock: is('messages[0].content', [{ text: 'Hi' }]), gemini: is('contents[0].parts', [{ text: 'Hi' }]), echo: is('messages[0].parts', [{ type: 'text', text: 'Hi' }]) } },
  'block.citations': {
    body: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: [{ type: 'text', text: 'Cited', citations: [{ type: 'char_location', cited_text: 'x', document_index: 0, start_char_index: 0, end_char_index: 1 }] }] }, { role: 'user', content: 'Go on' }] },
    path: 'messages[1].content[0].citations',
    expect: refusedForAnthropicCallers,
  },
};

// ---- openai.responses -----------------------------------------------------------------------

const RESPONSES_FIELDS = [
  'model', 'input', 'instructions', 'background', 'conversation', 'include', 'max_output_tokens', 'max_tool_calls', 'metadata', 'parallel_tool_calls',
  'previous_response_id', 'prompt', 'prompt_cache_key', 'reasoning', 'safety_identifier', 'service_tier', 'store', 'stream', 'stream_options', 'temperature',
  'text.format', 'text.verbosity', 'tool_choice', 'tools', 'top_logprobs', 'top_p', 'truncation', 'user',
  'item:message', 'item:function_call', 'item:function_call_output', 'item:reasoning', 'item:custom_tool_call', 'item:web_search_call',
  'function_call_output.output', 'tool:function', 'tool.strict', 'tool:web_search', 'tool:custom', 'tool_choice:function', 'tool_choice:allowed_tools',
];

const refusedForResponses = { openai: 'refused', anthropic: 'refused', bedrock: 'refused', gemini: 'refused', echo: 'refused' } as const;
const acceptedForResponses = { openai: accepted, anthropic: accepted, bedrock: accepted, gemini: accepted, echo: accepted };

const RESPONSES_TOOL = { type: 'function', ...FN };
const RESPONSES_TOOL_TURN = [
  { role: 'user', content: 'Weather in Oslo?' },
  { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
  { type: 'function_call_output', call_id: 'call_1', output: 'Snow' },
];
const responsesToolTurnCarried = {
  ...toolTurnCarried,
  openai: all(is('messages[1].tool_calls', [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }]), is('messages[2]', { role: 'tool', tool_call_id: 'call_1', content: 'Snow' })),
};
const REASONING_TURN = [
  { role: 'user', content: 'Hi' },
  { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Thought about it' }], encrypted_content: 'ZW5jcnlwdGVk' },
  { role: 'assistant', content: 'Earlier answer' },
  THEN_USER,
];
const responsesToolsCarried = {
  openai: is('tools', [{ type: 'function', function: FN }]),
  anthropic: is('tools', [ANTHROPIC_TOOL]),
  bedrock: is('toolConfig.tools[0].toolSpec', { name: FN.name, description: FN.description, inputSchema: { json: FN.parameters } }),
  gemini: is('tools[0].functionDeclarations[0]', { name: FN.name, description: FN.description, parameters: FN.parameters }),
  echo: is('tools[0]', { name: FN.name, description: FN.description, parameters: FN.parameters }),
};

const RESPONSES_CASES: Record<string, Case> = {
  model: { body: {}, expect: { openai: pathHas('/deployments/gpt4o-deployment/'), anthropic: is('model', 'claude-sonnet-4-5'), bedrock: pathHas(encodeURIComponent(BEDROCK_MODEL)), gemini: pathHas('/models/gemini-2.0-flash:'), echo: is('model', 'echo') } },
  input: {
    body: { input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hi there' }, { type: 'input_image', image_url: `data:image/png;base64,${PNG}` }] }] },
    expect: {
      openai: is('messages[0].content', [{ type: 'text', text: 'Hi there' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }]),
      anthropic: is('messages[0].content', [{ type: 'text', text: 'Hi there' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }]),
      bedrock: is('messages[0].content', [{ text: 'Hi there' }, { image: { format: 'png', source: { bytes: PNG } } }]),
      gemini: is('contents[0].parts', [{ text: 'Hi there' }, { inlineData: { mimeType: 'image/png', data: PNG } }]),
      echo: is('messages[0].parts.length', 2),
    },
  },
  instructions: { body: { instructions: 'S1' }, expect: { openai: is('messages[0]', { role: 'system', content: 'S1' }), anthropic: is('system', 'S1'), bedrock: is('system', [{ text: 'S1' }]), gemini: is('systemInstruction', { parts: [{ text: 'S1' }] }), echo: is('system', ['S1']) } },
  background: { body: { background: true }, expect: refusedForResponses },
  conversation: { body: { conversation: 'conv_123' }, expect: refusedForResponses },
  include: { body: { include: ['reasoning.encrypted_content'] }, expect: refusedForResponses },
  max_output_tokens: { body: { max_output_tokens: 55 }, expect: { openai: is('max_completion_tokens', 55), anthropic: is('max_tokens', 55), bedrock: is('inferenceConfig.maxTokens', 55), gemini: is('generationConfig.maxOutputTokens', 55), echo: is('maxTokens', 55) } },
  // It limits calls to built-in tools, which only OpenAI's own Responses API runs.
  max_tool_calls: { body: { max_tool_calls: 3 }, expect: acceptedForResponses },
  metadata: { body: { metadata: { team: 'search' } }, expect: { openai: is('metadata', { team: 'search' }), anthropic: 'refused', bedrock: is('requestMetadata', { team: 'search' }), gemini: 'refused', echo: is('metadata', { team: 'search' }) } },
  parallel_tool_calls: {
    body: { tools: [RESPONSES_TOOL], parallel_tool_calls: false },
    expect: { openai: is('parallel_tool_calls', false), anthropic: is('tool_choice', { type: 'auto', disable_parallel_tool_use: true }), bedrock: 'refused', gemini: 'refused', echo: is('parallelToolCalls', false) },
  },
  previous_response_id: { body: { previous_response_id: 'resp_123' }, expect: refusedForResponses },
  prompt: { body: { prompt: { id: 'pmpt_123' } }, expect: refusedForResponses },
  prompt_cache_key: { body: { prompt_cache_key: 'cache-k1' }, expect: { openai: is('prompt_cache_key', 'cache-k1'), anthropic: 'refused', bedrock: 'refused', gemini: 'refused', echo: is('promptCacheKey', 'cache-k1') } },
  reasoning: { body: { reasoning: { effort: 'medium' } }, path: 'reasoning.effort', expect: { openai: is('reasoning_effort', 'medium'), anthropic: is('output_config', { effort: 'medium' }), bedrock: 'refused', gemini: is('generationConfig.thinkingConfig', { thinkingBudget: 8192 }), echo: is('reasoningEffort', 'medium') } },
  safety_identifier: { body: { safety_identifier: 'sid-7' }, expect: { openai: is('safety_identifier', 'sid-7'), anthropic: is('metadata', { user_id: 'sid-7' }), bedrock: is('requestMetadata', { safety_identifier: 'sid-7' }), gemini: 'refused', echo: is('safetyIdentifier', 'sid-7') } },
  service_tier: { body: { service_tier: 'flex' }, expect: { openai: is('service_tier', 'flex'), anthropic: 'refused', bedrock: 'refused', gemini: 'refused', echo: is('serviceTier', 'flex') } },
  // The answer's id is the gateway's: no provider keeps a translated answer, whatever `store` says.
  store: { body: { store: false }, expect: acceptedForResponses },
  stream: { body: { stream: true }, expect: { openai: is('stream', true), anthropic: is('stream', true), bedrock: pathHas('/converse-stream'), gemini: pathHas(':streamGenerateContent'), echo: is('stream', true) } },
  stream_options: { body: { stream: true, stream_options: { include_obfuscation: false } }, expect: acceptedForResponses },
  temperature: { body: { temperature: 0.3 }, expect: { openai: is('temperature', 0.3), anthropic: is('temperature', 0.3), bedrock: is('inferenceConfig.temperature', 0.3), gemini: is('generationConfig.temperature', 0.3), echo: is('temperature', 0.3) } },
  'text.format': {
    body: { text: { format: { type: 'json_schema', name: 'colours', schema: COLOURS, strict: true } } },
    expect: { openai: is('response_format', { type: 'json_schema', json_schema: { name: 'colours', schema: COLOURS, strict: true } }), anthropic: is('output_config', { format: { type: 'json_schema', schema: COLOURS } }), bedrock: bedrockInstruction, gemini: geminiJson, echo: is('json.schema', COLOURS) },
  },
  'text.verbosity': { body: { text: { verbosity: 'high' } }, expect: { openai: is('verbosity', 'high'), anthropic: 'refused', bedrock: 'refused', gemini: 'refused', echo: is('verbosity', 'high') } },
  tool_choice: {
    body: { tools: [RESPONSES_TOOL], tool_choice: 'required' },
    expect: { openai: is('tool_choice', 'required'), anthropic: is('tool_choice', { type: 'any' }), bedrock: is('toolConfig.toolChoice', { any: {} }), gemini: is('toolConfig.functionCallingConfig', { mode: 'ANY' }), echo: is('toolChoice', 'required') },
  },
  tools: { body: { tools: [RESPONSES_TOOL] }, expect: responsesToolsCarried },
  top_logprobs: { body: { top_logprobs: 2 }, expect: refusedForResponses },
  top_p: { body: { top_p: 0.9 }, expect: { openai: is('top_p', 0.9), anthropic: is('top_p', 0.9), bedrock: is('inferenceConfig.topP', 0.9), gemini: is('generationConfig.topP', 0.9), echo: is('topP', 0.9) } },
  truncation: { body: { truncation: 'auto' }, expect: refusedForResponses },
  user: { body: { user: 'user-42' }, expect: { openai: is('user', 'user-42'), anthropic: is('metadata', { user_id: 'user-42' }), bedrock: is('requestMetadata', { user: 'user-42' }), gemini: 'refused', echo: is('user', 'user-42') } },

  'item:message': { body: { input: [{ role: 'user', content: 'Hi' }, { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Earlier answer' }] }, THEN_USER] }, expect: { ...assistantCarried('Earlier answer'), openai: is('messages[1]', { role: 'assistant', content: 'Earlier answer' }) } },
  'item:function_call': { body: { tools: [RESPONSES_TOOL], input: RESPONSES_TOOL_TURN }, expect: responsesToolTurnCarried },
  'item:function_call_output': { body: { tools: [RESPONSES_TOOL], input: RESPONSES_TOOL_TURN }, expect: responsesToolTurnCarried },
  // OpenAI's own earlier reasoning, encrypted for OpenAI: no chat format can take it back.
  'item:reasoning': { body: { input: REASONING_TURN }, expect: { ...assistantCarried('Earlier answer'), openai: is('messages[1]', { role: 'assistant', content: 'Earlier answer' }), echo: is('messages[1]', { role: 'assistant', parts: [{ type: 'text', text: 'Earlier answer' }] }) } },
  'item:custom_tool_call': {
    body: { input: [{ role: 'user', content: 'Hi' }, { type: 'custom_tool_call', call_id: 'call_2', name: 'run_sql', input: 'select secret' }, THEN_USER] },
    path: 'input[1].type',
    expect: refusedForResponses,
  },
  'item:web_search_call': { body: { input: [{ role: 'user', content: 'Hi' }, { type: 'web_search_call', id: 'ws_1', status: 'completed' }, THEN_USER] }, path: 'input[1].type', expect: refusedForResponses },
  'function_call_output.output': {
    body: { tools: [RESPONSES_TOOL], input: [...RESPONSES_TOOL_TURN.slice(0, 2), { type: 'function_call_output', call_id: 'call_1', output: [{ type: 'input_text', text: 'Snow' }] }] },
    expect: responsesToolTurnCarried,
  },
  'tool:function': { body: { tools: [RESPONSES_TOOL] }, expect: responsesToolsCarried },
  // Only OpenAI and Anthropic can promise arguments that match the schema; the others get the schema alone.
  'tool.strict': {
    body: { tools: [{ ...RESPONSES_TOOL, strict: true }] },
    expect: { openai: is('tools[0].function.strict', true), anthropic: is('tools[0].strict', true), bedrock: is('toolConfig.tools[0].toolSpec.name', FN.name), gemini: is('tools[0].functionDeclarations[0].name', FN.name), echo: is('tools[0].strict', true) },
  },
  'tool:web_search': { body: { tools: [RESPONSES_TOOL, { type: 'web_search', search_context_size: 'high' }] }, path: 'tools[1].type', expect: refusedForResponses },
  'tool:custom': { body: { tools: [{ type: 'custom', name: 'run_sql', description: 'Runs a query' }] }, path: 'tools[0].type', expect: refusedForResponses },
  'tool_choice:function': {
    body: { tools: [RESPONSES_TOOL], tool_choice: { type: 'function', name: 'get_weather' } },
    expect: {
      openai: is('tool_choice', { type: 'function', function: { name: 'get_weather' } }),
      anthropic: is('tool_choice', { type: 'tool', name: 'get_weather' }),
      bedrock: is('toolConfig.toolChoice', { tool: { name: 'get_weather' } }),
      gemini: is('toolConfig.functionCallingConfig', { mode: 'ANY', allowedFunctionNames: ['get_weather'] }),
      echo: is('toolChoice', { name: 'get_weather' }),
    },
  },
  'tool_choice:allowed_tools': { body: { tools: [RESPONSES_TOOL], tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'get_weather' }] } }, path: 'tool_choice.type', expect: refusedForResponses },
};

// ---- openai.embeddings ----------------------------------------------------------------------

const EMBEDDINGS_FIELDS = ['model', 'input', 'dimensions', 'encoding_format', 'user'];

const EMBEDDINGS_CASES: Record<string, Case> = {
  model: { body: {}, expect: { gemini: pathHas('/models/gemini-2.0-flash:batchEmbedContents'), echo: is('model', 'echo') } },
  input: { body: { input: ['alpha', 'beta'] }, expect: { gemini: is('requests[1].content', { parts: [{ text: 'beta' }] }), echo: is('inputs', ['alpha', 'beta']) } },
  dimensions: {
    body: { dimensions: 4 },
    expect: {
      gemini: is('requests[0].outputDimensionality', 4),
      echo: (s, answer) => {
        assert.equal(get(s.body, 'dimensions'), 4);
        assert.equal((get(answer, 'data[0].embedding') as unknown[]).length, 4);
      },
    },
  },
  encoding_format: {
    body: { encoding_format: 'base64' },
    expect: { gemini: (_s, answer) => assert.equal(typeof get(answer, 'data[0].embedding'), 'string'), echo: (_s, answer) => assert.equal(typeof get(answer, 'data[0].embedding'), 'string') },
  },
  user: { body: { user: 'user-42' }, expect: { gemini: 'refused', echo: is('user', 'user-42') } },
};

// ---- the table ------------------------------------------------------------------------------

interface ApiTable {
  api: ModelApi;
  base: Json;
  fields: readonly string[];
  cases: Record<string, Case>;
  targets: readonly Family[];
  /** Models to use instead of MODEL_OF for this API. */
  models?: Partial<Record<Family, string>>;
}

const TABLES: ApiTable[] = [
  { api: 'openai.chat', base: { messages: [{ role: 'user', content: 'Hello' }] }, fields: CHAT_FIELDS, cases: CHAT_CASES, targets: ['anthropic', 'bedrock', 'gemini', 'echo'] },
  { api: 'anthropic.messages', base: { max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] }, fields: ANTHROPIC_FIELDS, cases: ANTHROPIC_CASES, targets: ['openai', 'bedrock', 'gemini', 'echo'] },
  { api: 'openai.responses', base: { input: 'Hello' }, fields: RESPONSES_FIELDS, cases: RESPONSES_CASES, targets: ['openai', 'anthropic', 'bedrock', 'gemini', 'echo'], models: { openai: 'azure-gpt' } },
  { api: 'openai.embeddings', base: { input: 'alpha' }, fields: EMBEDDINGS_FIELDS, cases: EMBEDDINGS_CASES, targets: ['gemini', 'echo'] },
];

describe('translation carries every documented field or refuses it by name', () => {
  let fakes: Fakes;
  let registry: ProviderRegistry;

  before(async () => {
    fakes = await startFakes();
    registry = createTranslationRegistry(fakes);
  });
  after(async () => {
    await registry?.close();
    await fakes?.close();
  });

  for (const table of TABLES) {
    it(`${table.api}: every documented field has a decision for every target, and no decision is for an undocumented field`, () => {
      for (const field of table.fields) {
        const c = table.cases[field];
        assert.ok(c, `no decision for ${table.api} "${field}"`);
        for (const target of table.targets) assert.ok(c.expect[target], `no decision for ${table.api} "${field}" on ${target}`);
      }
      assert.deepEqual(Object.keys(table.cases).filter((k) => !table.fields.includes(k)), []);
    });

    for (const target of table.targets) {
      it(`${table.api} -> ${target}: each field reaches the provider as its equivalent, or is refused by name`, async () => {
        const model = table.models?.[target] ?? MODEL_OF[target];
        const failures: string[] = [];
        for (const field of table.fields) {
          const c = table.cases[field];
          const expect = c?.expect[target];
          if (!c || !expect) continue;
          const body = { ...table.base, ...c.body };
          const out = await send(registry, fakes, table.api, model, body);
          try {
            if (expect === 'refused') assertRefused(out, c.path ?? field, TYPE_OF[target] === 'openai' && model === 'azure-gpt' ? 'azure' : TYPE_OF[target], stringLeaves(c.body).filter((v) => v.length > 3));
            else expect(assertSent(out, target), out.answer);
          } catch (err) {
            failures.push(`"${field}": ${err instanceof Error ? err.message : String(err)}`);
          }
        }
        assert.deepEqual(failures, []);
      });
    }
  }

  const DEFAULTS: Record<string, Json> = {
    'openai.chat': { n: 1, logprobs: false, top_logprobs: 0, logit_bias: {}, parallel_tool_calls: true, store: false, service_tier: 'auto', modalities: ['text'], verbosity: 'medium', frequency_penalty: 0, presence_penalty: 0, stream: true, stream_options: { include_usage: true }, metadata: {}, response_format: { type: 'text' }, audio: null, prediction: null },
    'anthropic.messages': { service_tier: 'auto', thinking: { type: 'disabled' }, mcp_servers: [], metadata: {} },
    'openai.responses': { store: true, background: false, include: [], truncation: 'disabled', tool_choice: 'auto', tools: [], parallel_tool_calls: true, service_tier: 'auto', text: { format: { type: 'text' }, verbosity: 'medium' }, top_logprobs: 0, metadata: {} },
  };
  for (const table of TABLES.filter((t) => DEFAULTS[t.api])) {
    it(`${table.api}: documented defaults count as carried on every target`, async () => {
      for (const target of table.targets) {
        const model = table.models?.[target] ?? MODEL_OF[target];
        const out = await send(registry, fakes, table.api, model, { ...table.base, ...DEFAULTS[table.api] });
        assert.equal(out.error, undefined, `${target}: ${String(out.error)}`);
        assert.equal(out.result?.status, 200, target);
      }
    });
  }

  it('Gemini thought signatures come back beside their function call on the next turn', async () => {
    const signature = 'c2lnbmF0dXJlLWJ5dGVz';
    fakes.gemini.faults.push({ kind: 'status', status: 200, body: { candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: signature }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2 } } });
    const first = await send(registry, fakes, 'openai.chat', 'gemini-flash', { tools: [CHAT_TOOL], messages: [{ role: 'user', content: 'Weather in Oslo?' }] });
    const call = get(first.answer, 'choices[0].message.tool_calls[0]') as { id: string; function: { name: string; arguments: string } };
    assert.equal(call.function.name, 'get_weather');
    const second = await send(registry, fakes, 'openai.chat', 'gemini-flash', {
      tools: [CHAT_TOOL],
      messages: [{ role: 'user', content: 'Weather in Oslo?' }, { role: 'assistant', content: null, tool_calls: [{ ...call, type: 'function' }] }, { role: 'tool', tool_call_id: call.id, content: 'Snow' }],
    });
    const sent = assertSent(second, 'gemini');
    assert.deepEqual(get(sent.body, 'contents[1].parts[0]'), { functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: signature });
  });

  it('Anthropic thinking signatures come back from Bedrock and go back to it unchanged', async () => {
    fakes.bedrock.faults.push({ kind: 'status', status: 200, body: { output: { message: { role: 'assistant', content: [{ reasoningContent: { reasoningText: { text: 'Pondering', signature: 'c2lnLTI=' } } }, { text: 'Answer' }] } }, stopReason: 'end_turn', usage: { inputTokens: 3, outputTokens: 2 } } });
    const first = await send(registry, fakes, 'anthropic.messages', 'bedrock-claude', { max_tokens: 64, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'Hi' }] });
    const content = get(first.answer, 'content') as Json[];
    assert.deepEqual(content, [{ type: 'thinking', thinking: 'Pondering', signature: 'c2lnLTI=' }, { type: 'text', text: 'Answer' }]);
    const second = await send(registry, fakes, 'anthropic.messages', 'bedrock-claude', { max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content }, { role: 'user', content: 'Go on' }] });
    assert.deepEqual(get(assertSent(second, 'bedrock').body, 'messages[1].content[0]'), { reasoningContent: { reasoningText: { text: 'Pondering', signature: 'c2lnLTI=' } } });
  });
});
