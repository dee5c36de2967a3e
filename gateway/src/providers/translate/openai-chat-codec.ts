// OpenAI chat completions <-> the neutral chat exchange: requests, answers and stream chunks,
// both ways (OpenAI callers of other providers, and other callers of OpenAI providers).
import type { SseEvent } from '../sse.js';
import { upstreamError } from '../upstream-error.js';
import type { ChatAnswer, ChatEvent, ChatMessage, ChatPart, ChatRequest, ChatTool, StopReason } from './chat-model.js';
import { arr, assignDefined, isObject, num, obj, str, unsupported, type Json } from './json-shapes.js';

function imagePart(url: string): ChatPart {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (m) return { type: 'image', mediaType: m[1] ?? 'image/png', data: m[2] ?? '' };
  return { type: 'image', url };
}

function contentParts(content: unknown): ChatPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const parts: ChatPart[] = [];
  for (const raw of arr(content)) {
    const p = obj(raw);
    if (p['type'] === 'text' && typeof p['text'] === 'string') parts.push({ type: 'text', text: p['text'] });
    else if (p['type'] === 'image_url') {
      const url = str(obj(p['image_url'])['url']) ?? str(p['image_url']);
      if (url) parts.push(imagePart(url));
    } else if (p['type'] === 'refusal' && typeof p['refusal'] === 'string') parts.push({ type: 'text', text: p['refusal'] });
    else throw unsupported(`content part type "${String(p['type'])}" cannot be translated for this provider.`);
  }
  return parts;
}

function textOf(content: unknown): string {
  return contentParts(content)
    .map((p) => (p.type === 'text' ? p.text : ''))
    .join('');
}

function pushMessage(out: ChatMessage[], role: 'user' | 'assistant', parts: ChatPart[]): void {
  const last = out.at(-1);
  // Tool results arrive as separate `tool` messages; the neutral form keeps them in one user turn.
  if (last && last.role === role && role === 'user') last.parts.push(...parts);
  else out.push({ role, parts });
}

export function chatRequestFromOpenAI(body: Json): ChatRequest {
  const system: string[] = [];
  const messages: ChatMessage[] = [];
  for (const raw of arr(body['messages'])) {
    const m = obj(raw);
    const role = m['role'];
    if (role === 'system' || role === 'developer') system.push(textOf(m['content']));
    else if (role === 'user') pushMessage(messages, 'user', contentParts(m['content']));
    else if (role === 'assistant') {
      const parts = m['content'] === null || m['content'] === undefined ? [] : contentParts(m['content']);
      for (const rawCall of arr(m['tool_calls'])) {
        const call = obj(rawCall);
        const fn = obj(call['function']);
        parts.push({ type: 'tool_call', id: str(call['id']) ?? '', name: str(fn['name']) ?? '', arguments: str(fn['arguments']) ?? '' });
      }
      messages.push({ role: 'assistant', parts });
    } else if (role === 'tool') {
      pushMessage(messages, 'user', [{ type: 'tool_result', toolCallId: str(m['tool_call_id']) ?? '', content: textOf(m['content']) }]);
    } else {
      throw unsupported(`messages with role "${String(role)}" cannot be translated for this provider.`);
    }
  }
  const tools: ChatTool[] = [];
  for (const raw of arr(body['tools'])) {
    const t = obj(raw);
    if (t['type'] !== 'function') throw unsupported(`tools of type "${String(t['type'])}" cannot be translated for this provider.`);
    const fn = obj(t['function']);
    const tool: ChatTool = { name: str(fn['name']) ?? '', parameters: isObject(fn['parameters']) ? fn['parameters'] : { type: 'object', properties: {} } };
    const d = str(fn['description']);
    if (d !== undefined) tool.description = d;
    tools.push(tool);
  }
  const req: ChatRequest = { model: str(body['model']) ?? '', system, messages, tools, stream: body['stream'] === true };
  const tc = body['tool_choice'];
  if (tc === 'auto' || tc === 'none' || tc === 'required') req.toolChoice = tc;
  else if (isObject(tc)) req.toolChoice = { name: str(obj(tc['function'])['name']) ?? '' };
  const max = num(body['max_completion_tokens']) ?? num(body['max_tokens']);
  if (max !== undefined) req.maxTokens = max;
  const t = num(body['temperature']);
  if (t !== undefined) req.temperature = t;
  const p = num(body['top_p']);
  if (p !== undefined) req.topP = p;
  const stop = body['stop'];
  if (typeof stop === 'string') req.stop = [stop];
  else if (Array.isArray(stop)) req.stop = stop.filter((s): s is string => typeof s === 'string');
  const rf = obj(body['response_format']);
  if (rf['type'] === 'json_object') req.json = {};
  else if (rf['type'] === 'json_schema') {
    const js = obj(rf['json_schema']);
    req.json = {};
    if (isObject(js['schema'])) req.json.schema = js['schema'];
    const name = str(js['name']);
    if (name !== undefined) req.json.name = name;
  }
  if (typeof body['n'] === 'number' && body['n'] !== 1) throw unsupported('"n" other than 1 cannot be translated for this provider.');
  const user = str(body['user']);
  if (user !== undefined) req.user = user;
  return req;
}

export interface OpenAIRequestOptions {
  /** `max_completion_tokens` for OpenAI and Azure; `max_tokens` for other compatible servers. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** Ask for usage in streams (`stream_options.include_usage`). */
  streamUsage: boolean;
}

function openAIContent(parts: readonly ChatPart[]): string | Json[] {
  if (parts.every((p) => p.type === 'text')) return parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
  return parts.flatMap((p): Json[] => {
    if (p.type === 'text') return [{ type: 'text', text: p.text }];
    if (p.type === 'image') return [{ type: 'image_url', image_url: { url: p.url ?? `data:${p.mediaType ?? 'image/png'};base64,${p.data ?? ''}` } }];
    return [];
  });
}

export function openAIRequestFromChat(req: ChatRequest, options: OpenAIRequestOptions): Json {
  const messages: Json[] = req.system.map((text) => ({ role: 'system', content: text }));
  for (const m of req.messages) {
    if (m.role === 'assistant') {
      const text = m.parts.filter((p) => p.type === 'text');
      const calls = m.parts.filter((p): p is Extract<ChatPart, { type: 'tool_call' }> => p.type === 'tool_call');
      const msg: Json = { role: 'assistant', content: text.length > 0 ? openAIContent(text) : null };
      if (calls.length > 0) msg['tool_calls'] = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
      messages.push(msg);
      continue;
    }
    for (const p of m.parts) if (p.type === 'tool_result') messages.push({ role: 'tool', tool_call_id: p.toolCallId, content: p.content });
    const rest = m.parts.filter((p) => p.type !== 'tool_result');
    if (rest.length > 0) messages.push({ role: 'user', content: openAIContent(rest) });
  }
  const body: Json = { model: req.model, messages };
  if (req.tools.length > 0) {
    body['tools'] = req.tools.map((t) => ({ type: 'function', function: assignDefined({ name: t.name, parameters: t.parameters }, { description: t.description }) }));
  }
  if (req.toolChoice !== undefined) body['tool_choice'] = typeof req.toolChoice === 'string' ? req.toolChoice : { type: 'function', function: { name: req.toolChoice.name } };
  assignDefined(body, { [options.maxTokensField]: req.maxTokens, temperature: req.temperature, top_p: req.topP, stop: req.stop, user: req.user });
  if (req.json) {
    body['response_format'] = req.json.schema
      ? { type: 'json_schema', json_schema: { name: req.json.name ?? 'answer', schema: req.json.schema } }
      : { type: 'json_object' };
  }
  if (req.stream) {
    body['stream'] = true;
    if (options.streamUsage) body['stream_options'] = { include_usage: true };
  }
  return body;
}

export function stopFromOpenAI(reason: unknown): StopReason {
  if (reason === 'length') return 'length';
  if (reason === 'tool_calls' || reason === 'function_call') return 'tool_calls';
  if (reason === 'content_filter') return 'content_filter';
  return 'stop';
}

function usageFromOpenAI(u: unknown): { input: number; output: number } | undefined {
  const o = obj(u);
  const input = num(o['prompt_tokens']);
  const output = num(o['completion_tokens']);
  return input === undefined && output === undefined ? undefined : { input: input ?? 0, output: output ?? 0 };
}

export function chatAnswerFromOpenAI(body: unknown): ChatAnswer {
  const b = obj(body);
  const choice = obj(arr(b['choices'])[0]);
  const msg = obj(choice['message']);
  const parts: ChatPart[] = [];
  const content = str(msg['content']);
  if (content) parts.push({ type: 'text', text: content });
  for (const rawCall of arr(msg['tool_calls'])) {
    const call = obj(rawCall);
    const fn = obj(call['function']);
    parts.push({ type: 'tool_call', id: str(call['id']) ?? '', name: str(fn['name']) ?? '', arguments: str(fn['arguments']) ?? '' });
  }
  const answer: ChatAnswer = { id: str(b['id']) ?? '', model: str(b['model']) ?? '', parts, stop: stopFromOpenAI(choice['finish_reason']) };
  const usage = usageFromOpenAI(b['usage']);
  if (usage) answer.usage = usage;
  return answer;
}

export function openAIUsage(u: { input: number; output: number }): Json {
  return { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output };
}

export function openAIAnswerFromChat(answer: ChatAnswer, created: number): Json {
  const text = answer.parts.filter((p) => p.type === 'text');
  const calls = answer.parts.filter((p): p is Extract<ChatPart, { type: 'tool_call' }> => p.type === 'tool_call');
  const message: Json = { role: 'assistant', content: text.length > 0 ? text.map((p) => (p.type === 'text' ? p.text : '')).join('') : null, refusal: null };
  if (calls.length > 0) message['tool_calls'] = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  const body: Json = {
    id: answer.id,
    object: 'chat.completion',
    created,
    model: answer.model,
    choices: [{ index: 0, message, finish_reason: answer.stop, logprobs: null }],
  };
  if (answer.usage) body['usage'] = openAIUsage(answer.usage);
  return body;
}

/** Reads an OpenAI chat stream from a provider as neutral events. */
export async function* decodeOpenAIStream(events: AsyncIterable<SseEvent>, provider: string): AsyncGenerator<ChatEvent> {
  let started = false;
  const toolIndex = new Map<number, number>();
  for await (const ev of events) {
    if (ev.data === '[DONE]') {
      yield { type: 'done' };
      return;
    }
    let chunk: Json;
    try {
      chunk = obj(JSON.parse(ev.data));
    } catch (cause) {
      throw upstreamError('GW_ERR_UPSTREAM_BAD_RESPONSE', { provider, retryable: false, cause });
    }
    if (isObject(chunk['error'])) throw upstreamError('GW_ERR_UPSTREAM_STATUS', { provider, retryable: false });
    if (!started) {
      started = true;
      yield { type: 'start', id: str(chunk['id']) ?? '', model: str(chunk['model']) ?? '' };
    }
    for (const rawChoice of arr(chunk['choices'])) {
      const choice = obj(rawChoice);
      const delta = obj(choice['delta']);
      const text = str(delta['content']);
      if (text) yield { type: 'text', text };
      for (const rawCall of arr(delta['tool_calls'])) {
        const call = obj(rawCall);
        const upstreamIndex = num(call['index']) ?? 0;
        const fn = obj(call['function']);
        let index = toolIndex.get(upstreamIndex);
        if (index === undefined) {
          index = toolIndex.size;
          toolIndex.set(upstreamIndex, index);
          yield { type: 'tool_start', index, id: str(call['id']) ?? '', name: str(fn['name']) ?? '' };
        }
        const args = str(fn['arguments']);
        if (args) yield { type: 'tool_args', index, json: args };
      }
      if (choice['finish_reason'] !== null && choice['finish_reason'] !== undefined) yield { type: 'stop', reason: stopFromOpenAI(choice['finish_reason']) };
    }
    const usage = usageFromOpenAI(chunk['usage']);
    if (usage) yield { type: 'usage', input: usage.input, output: usage.output };
  }
}

export interface OpenAIEncoderOptions {
  /** The caller asked for `stream_options.include_usage`. */
  includeUsage: boolean;
  created: number;
  id: string;
  model: string;
}

/** Writes neutral events as OpenAI chat chunks; `[DONE]` comes last, after any usage chunk. */
export class OpenAIChatEncoder {
  private id: string;
  private model: string;
  private usage: { input: number; output: number } = { input: 0, output: 0 };
  private sawUsage = false;
  private stopped = false;
  private started = false;

  constructor(private readonly options: OpenAIEncoderOptions) {
    this.id = options.id;
    this.model = options.model;
  }

  private chunk(delta: Json, finish: StopReason | null = null): SseEvent {
    return {
      data: JSON.stringify({ id: this.id, object: 'chat.completion.chunk', created: this.options.created, model: this.model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] }),
    };
  }

  private opening(): SseEvent[] {
    if (this.started) return [];
    this.started = true;
    return [this.chunk({ role: 'assistant', content: '' })];
  }

  encode(ev: ChatEvent): SseEvent[] {
    switch (ev.type) {
      case 'start':
        if (ev.model) this.model = ev.model;
        if (ev.inputTokens !== undefined) this.usage.input = ev.inputTokens;
        return this.opening();
      case 'text':
        return [...this.opening(), this.chunk({ content: ev.text })];
      case 'tool_start':
        return [...this.opening(), this.chunk({ tool_calls: [{ index: ev.index, id: ev.id, type: 'function', function: { name: ev.name, arguments: '' } }] })];
      case 'tool_args':
        return [this.chunk({ tool_calls: [{ index: ev.index, function: { arguments: ev.json } }] })];
      case 'usage':
        this.sawUsage = true;
        if (ev.input !== undefined) this.usage.input = ev.input;
        if (ev.output !== undefined) this.usage.output = ev.output;
        return [];
      case 'stop':
        if (this.stopped) return [];
        this.stopped = true;
        return [...this.opening(), this.chunk({}, ev.reason)];
      case 'done': {
        const out = this.opening();
        if (!this.stopped) out.push(this.chunk({}, 'stop'));
        if (this.options.includeUsage && this.sawUsage) {
          out.push({ data: JSON.stringify({ id: this.id, object: 'chat.completion.chunk', created: this.options.created, model: this.model, choices: [], usage: openAIUsage(this.usage) }) });
        }
        out.push({ data: '[DONE]' });
        return out;
      }
    }
  }
}
