// The closed field table of OpenAI's chat completions request: every documented field, and what
// the gateway does with it.
import { either, arr, binary, bool, free, from, int, jsonText, kind, num, nullable, obj, oneOf, tagged, text, url, type Spec } from './spec.js';
import { jsonSchemaFormat, metadata, outputTokens, reasoningEffort, seed, serviceTier, temperature2, topLogprobs, topP, verbosity } from './common-fields.js';

const textPart = obj({ type: oneOf('text'), text }, ['text']);
const refusalPart = obj({ type: oneOf('refusal'), refusal: text }, ['refusal']);
/** An image by URL is fetched by the provider; by data: URL it is bytes. Neither can be read here. */
const imagePart = kind('image', obj({ type: oneOf('image_url'), image_url: obj({ url, detail: oneOf('auto', 'low', 'high') }, ['url']) }, ['image_url']));
const audioPart = kind('audio', obj({ type: oneOf('input_audio'), input_audio: obj({ data: binary, format: oneOf('wav', 'mp3') }, ['data', 'format']) }, ['input_audio']));
const filePart = kind('file', obj({ type: oneOf('file'), file: obj({ file_data: binary, file_id: text, filename: text }) }, ['file']));

const userParts = tagged('type', { text: textPart, image_url: imagePart, input_audio: audioPart, file: filePart });
const textParts = tagged('type', { text: textPart });
const assistantParts = tagged('type', { text: textPart, refusal: refusalPart });

const content = (parts: Spec): Spec => either(text, arr(parts));

const toolCall = tagged('type', {
  function: obj({ id: text, type: oneOf('function'), function: obj({ name: text, arguments: jsonText }, ['name', 'arguments']) }, ['id', 'function']),
  custom: obj({ id: text, type: oneOf('custom'), custom: obj({ name: text, input: text }, ['name', 'input']) }, ['id', 'custom']),
}, { default: 'function' });

const functionCall = obj({ name: text, arguments: jsonText }, ['name', 'arguments']);

const message = tagged('role', {
  system: from('system', obj({ content: content(textParts), name: text }, ['content'])),
  developer: from('system', obj({ content: content(textParts), name: text }, ['content'])),
  user: from('user', obj({ content: content(userParts), name: text }, ['content'])),
  assistant: from('assistant', obj({
    content: nullable(content(assistantParts)),
    name: text,
    refusal: nullable(text),
    tool_calls: arr(toolCall, 1024),
    function_call: nullable(functionCall),
    audio: nullable(obj({ id: text }, ['id'])),
  })),
  tool: from('tool_result', obj({ content: content(textParts), tool_call_id: text }, ['content', 'tool_call_id'])),
  function: from('tool_result', obj({ content: nullable(text), name: text }, ['name'])),
});

const functionDefinition = obj({ name: text, description: text, parameters: free, strict: nullable(bool) }, ['name']);

const tool = from('tool_definition', tagged('type', {
  function: obj({ type: oneOf('function'), function: functionDefinition }, ['function']),
  custom: obj({ type: oneOf('custom'), custom: obj({ name: text, description: text, format: free }, ['name']) }, ['custom']),
}));

const toolChoice = either(
  oneOf('none', 'auto', 'required'),
  tagged('type', {
    function: obj({ function: obj({ name: text }, ['name']) }, ['function']),
    custom: obj({ custom: obj({ name: text }, ['name']) }, ['custom']),
    allowed_tools: obj({ allowed_tools: obj({ mode: oneOf('auto', 'required'), tools: free }, ['mode', 'tools']) }, ['allowed_tools']),
  }),
);

const responseFormat = tagged('type', {
  text: obj({}),
  json_object: obj({}),
  json_schema: jsonSchemaFormat(true),
});

export const OPENAI_CHAT_FIELDS: Spec = obj({
  model: text,
  messages: arr(message, 100_000, 1),
  audio: nullable(obj({ voice: text, format: oneOf('wav', 'aac', 'mp3', 'flac', 'opus', 'pcm16') }, ['voice', 'format'])),
  frequency_penalty: nullable(num(-2, 2)),
  presence_penalty: nullable(num(-2, 2)),
  function_call: either(oneOf('none', 'auto'), obj({ name: text }, ['name'])),
  functions: from('tool_definition', arr(functionDefinition, 128)),
  logit_bias: nullable(free),
  logprobs: nullable(bool),
  top_logprobs: topLogprobs,
  max_completion_tokens: outputTokens,
  max_tokens: outputTokens,
  metadata,
  modalities: nullable(arr(oneOf('text', 'audio'), 2)),
  n: nullable(int(1, 128)),
  parallel_tool_calls: bool,
  prediction: nullable(obj({ type: oneOf('content'), content: content(textParts) }, ['type', 'content'])),
  prompt_cache_key: text,
  reasoning_effort: reasoningEffort,
  response_format: responseFormat,
  safety_identifier: text,
  seed,
  service_tier: serviceTier,
  stop: nullable(either(text, arr(text, 4))),
  store: nullable(bool),
  stream: nullable(bool),
  stream_options: nullable(obj({ include_usage: bool, include_obfuscation: bool })),
  temperature: temperature2,
  tool_choice: toolChoice,
  tools: arr(tool, 128),
  top_p: topP,
  user: text,
  verbosity,
  web_search_options: free,
}, ['model', 'messages']);

