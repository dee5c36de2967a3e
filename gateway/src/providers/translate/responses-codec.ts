// OpenAI Responses -> the neutral chat exchange and back, for Responses callers routed to
// providers that only speak chat formats: messages, function tools, their calls and outputs, and
// structured output. The stream encoder is in responses-stream.ts.
import { answerTextOf, chatTool, emptyChatRequest, setSetting, type ChatAnswer, type ChatMessage, type ChatPart, type ChatRequest } from './chat-model.js';
import { arr, fieldName, isObject, num, obj, str, type Json } from './json-shapes.js';
import { readJsonFormat, readOpenAISettings } from './openai-chat-codec.js';

/** The fields of a Responses request this reader knows; any other is refused. */
const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'model', 'input', 'instructions', 'background', 'conversation', 'include', 'max_output_tokens', 'max_tool_calls', 'metadata', 'parallel_tool_calls',
  'previous_response_id', 'prompt', 'prompt_cache_key', 'reasoning', 'safety_identifier', 'service_tier', 'store', 'stream', 'stream_options',
  'temperature', 'text', 'tool_choice', 'tools', 'top_logprobs', 'top_p', 'truncation', 'user',
]);

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

function itemParts(content: unknown, at: string, skip: string[]): ChatPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  const parts: ChatPart[] = [];
  arr(content).forEach((raw, i) => {
    const p = obj(raw);
    const type = p['type'];
    if (type === 'input_text' || type === 'output_text' || type === 'text') parts.push({ type: 'text', text: str(p['text']) ?? '' });
    else if (type === 'refusal') parts.push({ type: 'text', text: str(p['refusal']) ?? '' });
    else if (type === 'input_image' && typeof p['image_url'] === 'string') {
      const m = /^data:([^;,]+);base64,(.*)$/s.exec(p['image_url']);
      parts.push(m ? { type: 'image', mediaType: m[1] ?? 'image/png', data: m[2] ?? '' } : { type: 'image', url: p['image_url'] });
      if (present(p['detail']) && p['detail'] !== 'auto') skip.push(`${at}[${i}].detail`);
    } else skip.push(`${at}[${i}].type`);
  });
  return parts;
}

/** A function call's output as the text every chat format's tool result holds; other parts are refused. */
function outputText(output: unknown, at: string, skip: string[]): string {
  if (typeof output === 'string') return output;
  let text = '';
  arr(output).forEach((raw, i) => {
    const p = obj(raw);
    if (p['type'] === 'input_text' || p['type'] === 'output_text' || p['type'] === 'text') text += str(p['text']) ?? '';
    else skip.push(`${at}[${i}].type`);
  });
  return text;
}

/** The turn a call or its output belongs to: the model's calls join its turn, outputs join each other. */
function turnFor(messages: ChatMessage[], role: 'user' | 'assistant', joins: (last: ChatMessage) => boolean): ChatMessage {
  const last = messages.at(-1);
  if (last && last.role === role && joins(last)) return last;
  const turn: ChatMessage = { role, parts: [] };
  messages.push(turn);
  return turn;
}

const onlyToolResults = (m: ChatMessage): boolean => m.parts.every((p) => p.type === 'tool_result');
const onlyToolCalls = (m: ChatMessage): boolean => m.parts.length > 0 && m.parts.every((p) => p.type === 'tool_call');

function readInput(input: unknown, req: ChatRequest): void {
  const skip = req.untranslatable;
  if (typeof input === 'string') req.messages.push({ role: 'user', parts: [{ type: 'text', text: input }] });
  arr(input).forEach((raw, i) => {
    const item = obj(raw);
    const at = `input[${i}]`;
    switch (item['type'] ?? 'message') {
      case 'message': {
        const role = item['role'];
        const parts = itemParts(item['content'], `${at}.content`, skip);
        if (role === 'system' || role === 'developer') req.system.push(answerTextOf(parts));
        else if (role === 'assistant') req.messages.push({ role: 'assistant', parts });
        // A user message right after tool outputs is the same user turn (formats that want
        // turns to alternate would refuse two in a row).
        else turnFor(req.messages, 'user', (last) => last.parts.length > 0 && onlyToolResults(last)).parts.push(...parts);
        break;
      }
      case 'function_call':
        // Calls made in one turn arrive as items one after another, after any text of that turn.
        turnFor(req.messages, 'assistant', () => true).parts.push({ type: 'tool_call', id: str(item['call_id']) ?? '', name: str(item['name']) ?? '', arguments: str(item['arguments']) ?? '' });
        break;
      case 'function_call_output':
        turnFor(req.messages, 'user', onlyToolResults).parts.push({ type: 'tool_result', toolCallId: str(item['call_id']) ?? '', content: outputText(item['output'], `${at}.output`, skip) });
        break;
      case 'reasoning':
        // OpenAI's own earlier reasoning, encrypted for OpenAI: no chat format can take it back.
        break;
      default:
        skip.push(`${at}.type`);
    }
  });
  // An assistant text message after the turn's calls (rare) still belongs to that turn.
  for (let i = req.messages.length - 1; i > 0; i--) {
    const prev = req.messages[i - 1];
    const cur = req.messages[i];
    if (prev && cur && prev.role === 'assistant' && cur.role === 'assistant' && onlyToolCalls(prev)) {
      prev.parts.push(...cur.parts);
      req.messages.splice(i, 1);
    }
  }
}

function readTools(body: Json, req: ChatRequest): void {
  arr(body['tools']).forEach((raw, i) => {
    const t = obj(raw);
    // Built-in tools (web search, file search, code interpreter, MCP…) run inside OpenAI only.
    if (t['type'] !== 'function') {
      req.untranslatable.push(`tools[${i}].type`);
      return;
    }
    req.tools.push(chatTool(str(t['name']) ?? '', t['parameters'], str(t['description']), t['strict']));
  });
  const tc = body['tool_choice'];
  if (tc === 'auto' || tc === 'none') {
    // Without tools, letting the model choose (or not) has nothing to act on.
    if (req.tools.length > 0) setSetting(req, 'toolChoice', tc, 'tool_choice');
  } else if (isObject(tc) && tc['type'] !== 'function') {
    // Allowed-tool lists and built-in, custom or MCP tools have no chat equivalent.
    req.untranslatable.push('tool_choice.type');
  } else if (present(tc)) {
    // Requiring a call with no function to call is refused rather than quietly ignored.
    if (req.tools.length === 0) req.untranslatable.push('tool_choice');
    else setSetting(req, 'toolChoice', tc === 'required' ? 'required' : { name: str(obj(tc)['name']) ?? '' }, 'tool_choice');
  }
  if (body['parallel_tool_calls'] === false && req.tools.length > 0) setSetting(req, 'parallelToolCalls', false, 'parallel_tool_calls');
}

export function chatRequestFromResponses(body: Json): ChatRequest {
  const req = emptyChatRequest(str(body['model']) ?? '', body['stream'] === true);
  const skip = req.untranslatable;
  for (const key of Object.keys(body)) if (!KNOWN_FIELDS.has(key)) skip.push(fieldName(key));
  const instructions = str(body['instructions']);
  if (instructions) req.system.push(instructions);
  readInput(body['input'], req);
  readTools(body, req);
  const max = num(body['max_output_tokens']);
  if (max !== undefined) req.maxTokens = max;
  const text = obj(body['text']);
  const format = obj(text['format']);
  readJsonFormat(format, format, 'text.format', req);
  const reasoning = obj(body['reasoning']);
  readOpenAISettings(body, req, { reasoning: 'reasoning.effort', reasoningValue: reasoning['effort'], verbosity: 'text.verbosity', verbosityValue: text['verbosity'] });
  // A translated answer has no reasoning summary to return.
  if (present(reasoning['summary'])) skip.push('reasoning.summary');
  if (present(reasoning['generate_summary'])) skip.push('reasoning.generate_summary');
  // The answer's id is the gateway's own; no provider keeps it, whatever `store` says.
  if (body['background'] === true) skip.push('background');
  if (present(body['conversation'])) skip.push('conversation');
  if (present(body['previous_response_id'])) skip.push('previous_response_id');
  if (present(body['prompt'])) skip.push('prompt');
  if (arr(body['include']).length > 0) skip.push('include');
  if ((num(body['top_logprobs']) ?? 0) > 0) skip.push('top_logprobs');
  if (present(body['truncation']) && body['truncation'] !== 'disabled') skip.push('truncation');
  return req;
}

export interface ResponseIds {
  id: string;
  /** The first message item's id. */
  messageId: string;
  created: number;
  /** A fresh id for every further output item. */
  newId(): string;
}

/** The request's tool settings, which a Responses answer repeats back. */
export interface ResponseEcho {
  toolChoice: unknown;
  parallelToolCalls: boolean;
}

export function responseEcho(body: Json): ResponseEcho {
  return { toolChoice: body['tool_choice'] ?? 'auto', parallelToolCalls: body['parallel_tool_calls'] !== false };
}

function responsesUsage(u: { input: number; output: number }): Json {
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: u.input + u.output,
  };
}

export function messageItem(id: string, text: string, status: 'in_progress' | 'completed'): Json {
  return { type: 'message', id, status, role: 'assistant', content: status === 'completed' ? [{ type: 'output_text', text, annotations: [] }] : [] };
}

export function functionCallItem(id: string, call: { id: string; name: string; arguments: string }, status: 'in_progress' | 'completed'): Json {
  return { type: 'function_call', id, call_id: call.id, name: call.name, arguments: call.arguments, status };
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete';

export function responseObject(ids: ResponseIds, echo: ResponseEcho, model: string, status: ResponseStatus, output: Json[], usage?: { input: number; output: number }): Json {
  const r: Json = {
    id: ids.id,
    object: 'response',
    created_at: ids.created,
    status,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    model,
    output,
    parallel_tool_calls: echo.parallelToolCalls,
    tool_choice: echo.toolChoice,
    // The caller's tool definitions are its own words; the answer does not repeat them.
    tools: [],
  };
  // A finished response always states its usage (SDKs read it); none reported counts as none.
  if (status !== 'in_progress') r['usage'] = responsesUsage(usage ?? { input: 0, output: 0 });
  return r;
}

export function responsesAnswerFromChat(answer: ChatAnswer, ids: ResponseIds, echo: ResponseEcho): Json {
  const output: Json[] = [];
  const text = answerTextOf(answer.parts);
  const calls = answer.parts.filter((p): p is Extract<ChatPart, { type: 'tool_call' }> => p.type === 'tool_call');
  if (text !== '' || calls.length === 0) output.push(messageItem(ids.messageId, text, 'completed'));
  for (const call of calls) output.push(functionCallItem(`fc_${ids.newId()}`, call, 'completed'));
  const status = answer.stop === 'length' ? 'incomplete' : 'completed';
  return responseObject(ids, echo, answer.model, status, output, answer.usage);
}

/** The assistant text of a Responses answer (output_text parts of message items). */
export function responsesText(body: unknown): string {
  let out = '';
  for (const rawItem of arr(obj(body)['output'])) {
    const item = obj(rawItem);
    if (item['type'] !== 'message') continue;
    for (const rawPart of arr(item['content'])) {
      const part = obj(rawPart);
      if (part['type'] === 'output_text') out += str(part['text']) ?? '';
    }
  }
  return out;
}
