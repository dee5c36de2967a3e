// The closed field table of OpenAI's Responses request: every documented field, and what the
// gateway does with it.
import { either, arr, binary, bool, free, from, int, jsonText, kind, nullable, obj, oneOf, opaque, refuse, tagged, text, url, type Spec } from './spec.js';
import { metadata, outputTokens, reasoningEffort, serviceTier, temperature2, topLogprobs, topP, verbosity } from './common-fields.js';

const STORED = 'refers to context stored with the provider, which the gateway never saw and so cannot inspect: send the conversation in "input".';

const textPart = (type: string): Spec => obj({ type: oneOf(type), text, annotations: free, logprobs: free }, ['text']);
const inputPart = tagged('type', {
  input_text: textPart('input_text'),
  output_text: textPart('output_text'),
  text: textPart('text'),
  refusal: obj({ refusal: text }, ['refusal']),
  input_image: kind('image', obj({ image_url: nullable(url), file_id: nullable(text), detail: oneOf('auto', 'low', 'high') })),
  input_file: kind('file', obj({ file_data: binary, file_id: nullable(text), file_url: text, filename: text })),
  input_audio: kind('audio', obj({ input_audio: obj({ data: binary, format: oneOf('wav', 'mp3') }, ['data', 'format']) }, ['input_audio'])),
});
const content = either(text, arr(inputPart));
const status = oneOf('in_progress', 'completed', 'incomplete');

const messageItem = tagged('role', {
  user: from('user', obj({ type: oneOf('message'), content, id: text, status }, ['content'])),
  system: from('system', obj({ type: oneOf('message'), content, id: text, status }, ['content'])),
  developer: from('system', obj({ type: oneOf('message'), content, id: text, status }, ['content'])),
  assistant: from('assistant', obj({ type: oneOf('message'), content, id: text, status }, ['content'])),
});

/** Items the model produced and the caller sends back; hosted tools' items are words like any other. */
const HOSTED_ITEM = /^(web_search_call|file_search_call|code_interpreter_call|mcp_call|mcp_list_tools|mcp_approval_request|mcp_approval_response|local_shell_call|local_shell_call_output|computer_call|computer_call_output|image_generation_call)$/;

const item = tagged('type', {
  message: messageItem,
  function_call: from('assistant', obj({ call_id: text, name: text, arguments: jsonText, id: text, status }, ['call_id', 'name', 'arguments'])),
  function_call_output: from('tool_result', obj({ call_id: text, output: content, id: text, status }, ['call_id', 'output'])),
  custom_tool_call: from('assistant', obj({ call_id: text, name: text, input: text, id: text, status }, ['call_id', 'name', 'input'])),
  custom_tool_call_output: from('tool_result', obj({ call_id: text, output: content, id: text }, ['call_id', 'output'])),
  reasoning: from('assistant', obj({
    id: text,
    summary: arr(obj({ type: oneOf('summary_text'), text }, ['type', 'text'])),
    content: nullable(arr(obj({ type: oneOf('reasoning_text'), text }, ['type', 'text']))),
    encrypted_content: nullable(kind('encrypted', opaque)),
    status,
  }, ['summary'])),
  item_reference: refuse(STORED),
}, { default: 'message', fallback: { pattern: HOSTED_ITEM, spec: from('tool_result', free) } });

const functionTool = obj({ name: text, description: nullable(text), parameters: nullable(free), strict: nullable(bool) }, ['name']);
/** OpenAI's built-in tools; only an OpenAI provider can run them (translation refuses them elsewhere). */
const HOSTED_TOOL = /^(file_search|web_search|web_search_preview|web_search_preview_2025_03_11|web_search_2025_08_26|code_interpreter|image_generation|mcp|computer_use_preview|local_shell)$/;
const tool = from('tool_definition', tagged('type', {
  function: functionTool,
  custom: obj({ name: text, description: text, format: free }, ['name']),
}, { fallback: { pattern: HOSTED_TOOL, spec: free } }));

const toolChoice = either(
  oneOf('none', 'auto', 'required'),
  tagged('type', {
    function: obj({ name: text }, ['name']),
    custom: obj({ name: text }, ['name']),
    allowed_tools: obj({ mode: oneOf('auto', 'required'), tools: free }, ['mode', 'tools']),
    mcp: obj({ server_label: text, name: nullable(text) }, ['server_label']),
  }, { fallback: { pattern: HOSTED_TOOL, spec: obj({}) } }),
);

const format = tagged('type', {
  text: obj({}),
  json_object: obj({}),
  json_schema: obj({ name: text, description: text, schema: free, strict: nullable(bool) }, ['name', 'schema']),
});

const INCLUDES = ['code_interpreter_call.outputs', 'computer_call_output.output.image_url', 'file_search_call.results', 'message.input_image.image_url', 'message.output_text.logprobs', 'reasoning.encrypted_content', 'web_search_call.action.sources', 'web_search_call.results'];

export const OPENAI_RESPONSES_FIELDS: Spec = obj({
  model: text,
  input: either(from('user', text), arr(item, 100_000, 1)),
  instructions: nullable(from('system', text)),
  background: nullable(bool),
  conversation: nullable(refuse(STORED)),
  include: nullable(arr(oneOf(...INCLUDES), INCLUDES.length)),
  max_output_tokens: outputTokens,
  max_tool_calls: nullable(int(1, 1024)),
  metadata,
  parallel_tool_calls: nullable(bool),
  previous_response_id: nullable(refuse(STORED)),
  prompt: nullable(kind('stored_prompt', obj({ id: text, version: nullable(text), variables: nullable(free) }, ['id']))),
  prompt_cache_key: text,
  reasoning: nullable(obj({ effort: reasoningEffort, summary: nullable(oneOf('auto', 'concise', 'detailed')), generate_summary: nullable(oneOf('auto', 'concise', 'detailed')) })),
  safety_identifier: text,
  service_tier: serviceTier,
  store: nullable(bool),
  stream: nullable(bool),
  stream_options: nullable(obj({ include_obfuscation: bool })),
  temperature: temperature2,
  text: obj({ format, verbosity }),
  tool_choice: toolChoice,
  tools: arr(tool, 128),
  top_logprobs: topLogprobs,
  top_p: topP,
  truncation: nullable(oneOf('auto', 'disabled')),
  user: text,
}, ['model', 'input']);
