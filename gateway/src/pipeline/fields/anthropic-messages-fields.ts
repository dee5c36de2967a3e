// The closed field table of Anthropic's messages request: every documented field, and what the
// gateway does with it.
import { MAX_OUTPUT_TOKENS, either, arr, binary, bool, free, from, int, kind, num, nullable, obj, oneOf, opaque, tagged, text, type Spec } from './spec.js';

const cacheControl = nullable(obj({ type: oneOf('ephemeral'), ttl: oneOf('5m', '1h') }, ['type']));
const citations = nullable(free);

const textBlock = obj({ text, cache_control: cacheControl, citations }, ['text']);

const imageSource = tagged('type', {
  base64: obj({ media_type: text, data: binary }, ['media_type', 'data']),
  url: obj({ url: text }, ['url']),
  file: obj({ file_id: text }, ['file_id']),
});
const imageBlock = kind('image', obj({ source: imageSource, cache_control: cacheControl }, ['source']));

const documentFields = { title: nullable(text), context: nullable(text), citations: nullable(obj({ enabled: bool })), cache_control: cacheControl };
/** A plain-text document is read like a message; PDFs, URLs and stored files cannot be. */
const documentBlock = tagged('type', {}, {
  fallback: {
    pattern: /^document$/,
    spec: obj({
      source: tagged('type', {
        text: obj({ media_type: oneOf('text/plain'), data: text }, ['media_type', 'data']),
        content: obj({ content: either(text, arr(tagged('type', { text: textBlock, image: imageBlock }))) }, ['content']),
        base64: kind('file', obj({ media_type: text, data: binary }, ['media_type', 'data'])),
        url: kind('file', obj({ url: text }, ['url'])),
        file: kind('file', obj({ file_id: text }, ['file_id'])),
      }),
      ...documentFields,
    }, ['source']),
  },
});

const searchResultBlock = obj({ source: text, title: text, content: arr(tagged('type', { text: textBlock })), citations, cache_control: cacheControl }, ['source', 'title', 'content']);

const toolResultContent = either(text, arr(tagged('type', { text: textBlock, image: imageBlock, document: documentBlock, search_result: searchResultBlock })));

/** The model's own earlier output, sent back; server tool results are words like any other. */
const block = tagged('type', {
  text: textBlock,
  image: imageBlock,
  document: documentBlock,
  search_result: searchResultBlock,
  tool_use: obj({ id: text, name: text, input: free, cache_control: cacheControl }, ['id', 'name', 'input']),
  tool_result: from('tool_result', obj({ tool_use_id: text, content: toolResultContent, is_error: bool, cache_control: cacheControl }, ['tool_use_id'])),
  thinking: obj({ thinking: text, signature: opaque }, ['thinking']),
  redacted_thinking: kind('encrypted', obj({ data: opaque }, ['data'])),
  server_tool_use: obj({ id: text, name: text, input: free, cache_control: cacheControl }, ['id', 'name']),
  web_search_tool_result: from('tool_result', obj({ tool_use_id: text, content: free, cache_control: cacheControl }, ['tool_use_id', 'content'])),
  container_upload: kind('file', obj({ file_id: text, cache_control: cacheControl }, ['file_id'])),
});

const message = tagged('role', {
  user: from('user', obj({ content: either(text, arr(block)) }, ['content'])),
  assistant: from('assistant', obj({ content: either(text, arr(block)) }, ['content'])),
});

/** Anthropic-defined server tools are versioned by date (web_search_20250305, bash_20250124, ...). */
const SERVER_TOOL = /^[a-z_]+_\d{8}$/;

const tool = from('tool_definition', tagged('type', {
  custom: obj({ name: text, description: text, input_schema: free, cache_control: cacheControl, strict: bool }, ['name', 'input_schema']),
}, { default: 'custom', fallback: { pattern: SERVER_TOOL, spec: free } }));

const disableParallel = { disable_parallel_tool_use: bool };
const toolChoice = tagged('type', {
  auto: obj(disableParallel),
  any: obj(disableParallel),
  tool: obj({ name: text, ...disableParallel }, ['name']),
  none: obj({}),
});

const jsonSchemaFormat = obj({ type: oneOf('json_schema'), schema: free }, ['type', 'schema']);

export const ANTHROPIC_MESSAGES_FIELDS: Spec = obj({
  model: text,
  messages: arr(message, 100_000, 1),
  max_tokens: int(1, MAX_OUTPUT_TOKENS),
  container: nullable(either(text, free)),
  context_management: nullable(free),
  mcp_servers: arr(free, 64),
  metadata: obj({ user_id: nullable(text) }),
  service_tier: oneOf('auto', 'standard_only'),
  stop_sequences: arr(text, 8191),
  stream: bool,
  system: from('system', either(text, arr(tagged('type', { text: textBlock })))),
  temperature: num(0, 1),
  thinking: tagged('type', { enabled: obj({ budget_tokens: int(1024, MAX_OUTPUT_TOKENS) }, ['budget_tokens']), disabled: obj({}) }),
  tool_choice: toolChoice,
  tools: arr(tool, 128),
  top_k: int(1, 1_000_000),
  top_p: num(0, 1),
  output_format: nullable(jsonSchemaFormat),
  output_config: obj({ format: nullable(jsonSchemaFormat), effort: oneOf('low', 'medium', 'high') }),
}, ['model', 'messages', 'max_tokens']);
