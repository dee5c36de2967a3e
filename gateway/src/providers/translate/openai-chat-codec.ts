// OpenAI chat completions <-> the neutral chat exchange: requests, answers and stream chunks,
// both ways (OpenAI callers of other providers, and other callers of OpenAI providers).
import type { SseEvent } from '../sse.js';
import { upstreamError } from '../upstream-error.js';
import { chatTool, emptyChatRequest, REASONING_EFFORTS, refuseSettings, setSetting, type ChatAnswer, type ChatEvent, type ChatMessage, type ChatPart, type ChatRequest, type ReasoningEffort, type ServiceTier, type StopReason } from './chat-model.js';
import { arr, fieldName, assignDefined, isObject, num, obj, str, type Json } from './json-shapes.js';

function imagePart(url: string): ChatPart {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (m) return { type: 'image', mediaType: m[1] ?? 'image/png', data: m[2] ?? '' };
  return { type: 'image', url };
}

/** The fields of a chat completions request this reader knows; any other is refused. */
const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'model', 'messages', 'audio', 'frequency_penalty', 'function_call', 'functions', 'logit_bias', 'logprobs', 'max_completion_tokens', 'max_tokens',
  'metadata', 'modalities', 'n', 'parallel_tool_calls', 'prediction', 'presence_penalty', 'prompt_cache_key', 'reasoning_effort', 'response_format',
  'safety_identifier', 'seed', 'service_tier', 'stop', 'store', 'stream', 'stream_options', 'temperature', 'tool_choice', 'tools', 'top_logprobs',
  'top_p', 'user', 'verbosity', 'web_search_options',
]);

const SERVICE_TIERS: Readonly<Record<string, ServiceTier | null>> = { auto: null, default: 'standard', flex: 'flex', priority: 'priority', scale: 'scale' };

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

function contentParts(content: unknown, at: string, skip: string[]): ChatPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const parts: ChatPart[] = [];
  arr(content).forEach((raw, i) => {
    const p = obj(raw);
    if (p['type'] === 'text' && typeof p['text'] === 'string') parts.push({ type: 'text', text: p['text'] });
    else if (p['type'] === 'image_url') {
      const image = obj(p['image_url']);
      const url = str(image['url']) ?? str(p['image_url']);
      if (url) parts.push(imagePart(url));
      // Resolution is OpenAI's own knob; the other formats read images as they are.
      if (present(image['detail']) && image['detail'] !== 'auto') skip.push(`${at}[${i}].image_url.detail`);
    } else if (p['type'] === 'refusal' && typeof p['refusal'] === 'string') parts.push({ type: 'text', text: p['refusal'] });
    else skip.push(`${at}[${i}].type`);
  });
  return parts;
}

function textOf(content: unknown, at: string, skip: string[]): string {
  return contentParts(content, at, skip)
    .map((p) => (p.type === 'text' ? p.text : ''))
    .join('');
}

function pushMessage(out: ChatMessage[], role: 'user' | 'assistant', parts: ChatPart[]): void {
  const last = out.at(-1);
  // Tool results arrive as separate `tool` messages; the neutral form keeps them in one user turn.
  if (last && last.role === role && role === 'user') last.parts.push(...parts);
  else out.push({ role, parts });
}

function readMessages(body: Json, req: ChatRequest): void {
  const skip = req.untranslatable;
  // Legacy function calls have no ids: each result answers the latest open call of its name.
  const openCalls = new Map<string, string[]>();
  arr(body['messages']).forEach((raw, i) => {
    const m = obj(raw);
    const at = `messages[${i}]`;
    const role = m['role'];
    if (present(m['name']) && role !== 'function') skip.push(`${at}.name`);
    if (present(m['audio'])) skip.push(`${at}.audio`);
    if (role === 'system' || role === 'developer') req.system.push(textOf(m['content'], `${at}.content`, skip));
    else if (role === 'user') pushMessage(req.messages, 'user', contentParts(m['content'], `${at}.content`, skip));
    else if (role === 'assistant') {
      const parts = present(m['content']) ? contentParts(m['content'], `${at}.content`, skip) : [];
      const refusal = str(m['refusal']);
      if (refusal) parts.push({ type: 'text', text: refusal });
      arr(m['tool_calls']).forEach((rawCall, j) => {
        const call = obj(rawCall);
        if (call['type'] !== undefined && call['type'] !== 'function') skip.push(`${at}.tool_calls[${j}].type`);
        const fn = obj(call['function']);
        parts.push({ type: 'tool_call', id: str(call['id']) ?? '', name: str(fn['name']) ?? '', arguments: str(fn['arguments']) ?? '' });
      });
      if (present(m['function_call'])) {
        const fn = obj(m['function_call']);
        const name = str(fn['name']) ?? '';
        const id = `call_function_${i}`;
        openCalls.set(name, [...(openCalls.get(name) ?? []), id]);
        parts.push({ type: 'tool_call', id, name, arguments: str(fn['arguments']) ?? '' });
      }
      req.messages.push({ role: 'assistant', parts });
    } else if (role === 'tool') {
      pushMessage(req.messages, 'user', [{ type: 'tool_result', toolCallId: str(m['tool_call_id']) ?? '', content: textOf(m['content'], `${at}.content`, skip) }]);
    } else if (role === 'function') {
      const name = str(m['name']) ?? '';
      const id = openCalls.get(name)?.pop() ?? `call_function_${i}`;
      pushMessage(req.messages, 'user', [{ type: 'tool_result', toolCallId: id, content: textOf(m['content'], `${at}.content`, skip) }]);
    } else {
      skip.push(`${at}.role`);
    }
  });
}

function readTools(body: Json, req: ChatRequest): void {
  arr(body['tools']).forEach((raw, i) => {
    const t = obj(raw);
    if (t['type'] !== 'function') {
      req.untranslatable.push(`tools[${i}].type`);
      return;
    }
    const fn = obj(t['function']);
    req.tools.push(chatTool(str(fn['name']) ?? '', fn['parameters'], str(fn['description']), fn['strict']));
  });
  // The deprecated `functions` are tools by another name.
  for (const raw of arr(body['functions'])) {
    const fn = obj(raw);
    req.tools.push(chatTool(str(fn['name']) ?? '', fn['parameters'], str(fn['description'])));
  }
  const choice = (tc: unknown, path: string): void => {
    if (tc === 'auto' || tc === 'none' || tc === 'required') setSetting(req, 'toolChoice', tc, path);
    else if (isObject(tc)) setSetting(req, 'toolChoice', { name: str(obj(tc['function'])['name']) ?? str(tc['name']) ?? '' }, path);
    else if (present(tc)) req.untranslatable.push(path);
  };
  choice(body['tool_choice'], 'tool_choice');
  if (!present(body['tool_choice'])) choice(body['function_call'], 'function_call');
}

/** `response_format` (chat) or `text.format` (Responses) as the neutral JSON request. */
export function readJsonFormat(format: Json, flat: Json, path: string, req: ChatRequest): void {
  if (!present(format['type']) || format['type'] === 'text') return;
  if (format['type'] === 'json_object') {
    setSetting(req, 'json', {}, path);
    return;
  }
  if (format['type'] !== 'json_schema') {
    req.untranslatable.push(`${path}.type`);
    return;
  }
  const json: NonNullable<ChatRequest['json']> = {};
  let schema = isObject(flat['schema']) ? flat['schema'] : undefined;
  const description = str(flat['description']);
  // The schema's own description is where formats without a separate one read it.
  if (description !== undefined) {
    if (schema && schema['description'] === undefined) schema = { ...schema, description };
    else req.untranslatable.push(`${path}.description`);
  }
  if (schema) json.schema = schema;
  const name = str(flat['name']);
  if (name !== undefined) json.name = name;
  if (typeof flat['strict'] === 'boolean') json.strict = flat['strict'];
  setSetting(req, 'json', json, path);
}

/** Settings chat completions and Responses share, read from their own paths. */
export function readOpenAISettings(body: Json, req: ChatRequest, paths: { reasoning: string; reasoningValue: unknown; verbosity: string; verbosityValue: unknown }): void {
  setSetting(req, 'user', str(body['user']), 'user');
  setSetting(req, 'safetyIdentifier', str(body['safety_identifier']), 'safety_identifier');
  setSetting(req, 'promptCacheKey', str(body['prompt_cache_key']), 'prompt_cache_key');
  const metadata = obj(body['metadata']);
  const entries = Object.entries(metadata).filter((e): e is [string, string] => typeof e[1] === 'string');
  if (entries.length > 0) setSetting(req, 'metadata', Object.fromEntries(entries), 'metadata');
  const effort = paths.reasoningValue;
  if (typeof effort === 'string' && REASONING_EFFORTS.has(effort)) setSetting(req, 'reasoningEffort', effort as ReasoningEffort, paths.reasoning);
  else if (present(effort)) req.untranslatable.push(paths.reasoning);
  const verbosity = paths.verbosityValue;
  if (verbosity === 'low' || verbosity === 'high') setSetting(req, 'verbosity', verbosity, paths.verbosity);
  else if (present(verbosity) && verbosity !== 'medium') req.untranslatable.push(paths.verbosity);
  const tier = body['service_tier'];
  if (typeof tier === 'string' && tier in SERVICE_TIERS) setSetting(req, 'serviceTier', SERVICE_TIERS[tier] ?? undefined, 'service_tier');
  else if (present(tier)) req.untranslatable.push('service_tier');
  const t = num(body['temperature']);
  if (t !== undefined) req.temperature = t;
  const p = num(body['top_p']);
  if (p !== undefined) req.topP = p;
}

export function chatRequestFromOpenAI(body: Json): ChatRequest {
  const req = emptyChatRequest(str(body['model']) ?? '', body['stream'] === true);
  const skip = req.untranslatable;
  for (const key of Object.keys(body)) if (!KNOWN_FIELDS.has(key)) skip.push(fieldName(key));
  readMessages(body, req);
  readTools(body, req);
  const max = num(body['max_completion_tokens']) ?? num(body['max_tokens']);
  if (max !== undefined) req.maxTokens = max;
  const stop = body['stop'];
  if (typeof stop === 'string') req.stop = [stop];
  else if (Array.isArray(stop)) req.stop = stop.filter((s): s is string => typeof s === 'string');
  const rf = obj(body['response_format']);
  readJsonFormat(rf, obj(rf['json_schema']), 'response_format', req);
  readOpenAISettings(body, req, { reasoning: 'reasoning_effort', reasoningValue: body['reasoning_effort'], verbosity: 'verbosity', verbosityValue: body['verbosity'] });
  setSetting(req, 'seed', num(body['seed']), 'seed');
  const fp = num(body['frequency_penalty']);
  if (fp !== undefined && fp !== 0) setSetting(req, 'frequencyPenalty', fp, 'frequency_penalty');
  const pp = num(body['presence_penalty']);
  if (pp !== undefined && pp !== 0) setSetting(req, 'presencePenalty', pp, 'presence_penalty');
  if (body['parallel_tool_calls'] === false && req.tools.length > 0) setSetting(req, 'parallelToolCalls', false, 'parallel_tool_calls');
  if (body['store'] === true) setSetting(req, 'store', true, 'store');
  // What no other format can do, or no translated answer can carry back.
  if (present(body['n']) && body['n'] !== 1) skip.push('n');
  if (body['logprobs'] === true) skip.push('logprobs');
  if ((num(body['top_logprobs']) ?? 0) > 0) skip.push('top_logprobs');
  if (Object.keys(obj(body['logit_bias'])).length > 0) skip.push('logit_bias');
  if (present(body['audio'])) skip.push('audio');
  const modalities = arr(body['modalities']);
  if (modalities.some((m) => m !== 'text')) skip.push('modalities');
  if (present(body['prediction'])) skip.push('prediction');
  if (present(body['web_search_options'])) skip.push('web_search_options');
  return req;
}

export interface OpenAIRequestOptions {
  /** `max_completion_tokens` for OpenAI and Azure; `max_tokens` for other compatible servers. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** Ask for usage in streams (`stream_options.include_usage`). */
  streamUsage: boolean;
  /** The provider type, named in refusals. */
  target: string;
}

function openAIContent(parts: readonly ChatPart[]): string | Json[] {
  // Several text parts stay several: joining them would run one into the next.
  if (parts.length <= 1 && parts.every((p) => p.type === 'text')) return parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
  return parts.flatMap((p): Json[] => {
    if (p.type === 'text') return [{ type: 'text', text: p.text }];
    if (p.type === 'image') return [{ type: 'image_url', image_url: { url: p.url ?? `data:${p.mediaType ?? 'image/png'};base64,${p.data ?? ''}` } }];
    return [];
  });
}

const OPENAI_TIERS: Record<ServiceTier, string> = { standard: 'default', flex: 'flex', priority: 'priority', scale: 'scale' };

export function openAIRequestFromChat(req: ChatRequest, options: OpenAIRequestOptions): Json {
  refuseSettings(req, ['topK', 'thinkingBudget'], options.target);
  const messages: Json[] = req.system.map((text) => ({ role: 'system', content: text }));
  for (const m of req.messages) {
    if (m.role === 'assistant') {
      // Thinking blocks are another model family's reasoning; OpenAI has no place for them.
      const text = m.parts.filter((p) => p.type === 'text');
      const calls = m.parts.filter((p): p is Extract<ChatPart, { type: 'tool_call' }> => p.type === 'tool_call');
      const msg: Json = { role: 'assistant', content: text.length > 0 ? openAIContent(text) : null };
      if (calls.length > 0) msg['tool_calls'] = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
      messages.push(msg);
      continue;
    }
    for (const p of m.parts) if (p.type === 'tool_result') messages.push({ role: 'tool', tool_call_id: p.toolCallId, content: p.content });
    const rest = m.parts.filter((p) => p.type !== 'tool_result' && p.type !== 'thinking');
    if (rest.length > 0) messages.push({ role: 'user', content: openAIContent(rest) });
  }
  const body: Json = { model: req.model, messages };
  if (req.tools.length > 0) {
    body['tools'] = req.tools.map((t) => ({ type: 'function', function: assignDefined({ name: t.name, parameters: t.parameters }, { description: t.description, strict: t.strict }) }));
  }
  if (req.toolChoice !== undefined) body['tool_choice'] = typeof req.toolChoice === 'string' ? req.toolChoice : { type: 'function', function: { name: req.toolChoice.name } };
  assignDefined(body, {
    [options.maxTokensField]: req.maxTokens,
    temperature: req.temperature,
    top_p: req.topP,
    stop: req.stop,
    user: req.user,
    safety_identifier: req.safetyIdentifier,
    seed: req.seed,
    frequency_penalty: req.frequencyPenalty,
    presence_penalty: req.presencePenalty,
    parallel_tool_calls: req.parallelToolCalls,
    reasoning_effort: req.reasoningEffort,
    service_tier: req.serviceTier !== undefined ? OPENAI_TIERS[req.serviceTier] : undefined,
    metadata: req.metadata,
    store: req.store,
    prompt_cache_key: req.promptCacheKey,
    verbosity: req.verbosity,
  });
  if (req.json) {
    body['response_format'] = req.json.schema
      ? { type: 'json_schema', json_schema: assignDefined({ name: req.json.name ?? 'answer', schema: req.json.schema }, { strict: req.json.strict }) }
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
