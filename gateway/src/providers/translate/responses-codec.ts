// OpenAI Responses (text in, text out) -> the neutral chat exchange and back, for Responses
// callers routed to providers that only speak chat formats. Stream events follow the documented
// sequence: response.created, output_item.added, content_part.added, output_text.delta..., the
// matching .done events, then response.completed.
import type { SseEvent } from '../sse.js';
import { answerTextOf, type ChatAnswer, type ChatEvent, type ChatMessage, type ChatPart, type ChatRequest } from './chat-model.js';
import { arr, isObject, num, obj, str, unsupported, type Json } from './json-shapes.js';

function itemText(content: unknown): string {
  if (typeof content === 'string') return content;
  let out = '';
  for (const raw of arr(content)) {
    const p = obj(raw);
    if (p['type'] === 'input_text' || p['type'] === 'output_text' || p['type'] === 'text') out += str(p['text']) ?? '';
    else throw unsupported(`input content type "${String(p['type'])}" cannot be translated for this provider.`);
  }
  return out;
}

export function chatRequestFromResponses(body: Json): ChatRequest {
  const system: string[] = [];
  const instructions = str(body['instructions']);
  if (instructions) system.push(instructions);
  const messages: ChatMessage[] = [];
  const input = body['input'];
  if (typeof input === 'string') messages.push({ role: 'user', parts: [{ type: 'text', text: input }] });
  for (const raw of arr(input)) {
    const item = obj(raw);
    if (item['type'] !== undefined && item['type'] !== 'message') throw unsupported(`input items of type "${String(item['type'])}" cannot be translated for this provider.`);
    const role = item['role'];
    const text = itemText(item['content']);
    if (role === 'system' || role === 'developer') system.push(text);
    else messages.push({ role: role === 'assistant' ? 'assistant' : 'user', parts: [{ type: 'text', text }] });
  }
  if (arr(body['tools']).length > 0) throw unsupported('tools on /v1/responses are forwarded only to OpenAI providers.');
  const req: ChatRequest = { model: str(body['model']) ?? '', system, messages, tools: [], stream: body['stream'] === true };
  const max = num(body['max_output_tokens']);
  if (max !== undefined) req.maxTokens = max;
  const t = num(body['temperature']);
  if (t !== undefined) req.temperature = t;
  const p = num(body['top_p']);
  if (p !== undefined) req.topP = p;
  const format = obj(obj(body['text'])['format']);
  if (format['type'] === 'json_object') req.json = {};
  else if (format['type'] === 'json_schema') {
    req.json = {};
    if (isObject(format['schema'])) req.json.schema = format['schema'];
    const name = str(format['name']);
    if (name !== undefined) req.json.name = name;
  }
  const user = str(body['user']);
  if (user !== undefined) req.user = user;
  return req;
}

interface ResponseIds {
  id: string;
  messageId: string;
  created: number;
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

function messageItem(ids: ResponseIds, text: string, status: 'in_progress' | 'completed'): Json {
  return { type: 'message', id: ids.messageId, status, role: 'assistant', content: status === 'completed' ? [{ type: 'output_text', text, annotations: [] }] : [] };
}

function responseObject(ids: ResponseIds, model: string, status: 'in_progress' | 'completed' | 'incomplete', output: Json[], usage?: { input: number; output: number }): Json {
  const r: Json = {
    id: ids.id,
    object: 'response',
    created_at: ids.created,
    status,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    model,
    output,
    parallel_tool_calls: false,
    tool_choice: 'auto',
    tools: [],
  };
  if (usage) r['usage'] = responsesUsage(usage);
  return r;
}

export function responsesAnswerFromChat(answer: ChatAnswer, ids: ResponseIds): Json {
  const text = answerTextOf(answer.parts);
  const status = answer.stop === 'length' ? 'incomplete' : 'completed';
  return responseObject(ids, answer.model, status, [messageItem(ids, text, 'completed')], answer.usage);
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

/** Writes neutral events as Responses stream events; `response.completed` comes last. */
export class ResponsesEncoder {
  private seq = 0;
  private started = false;
  private itemOpen = false;
  private text = '';
  private model: string;
  private usage: { input: number; output: number } | undefined;
  private stop: ChatPart['type'] | 'length' | undefined;

  constructor(private readonly ids: ResponseIds, model: string) {
    this.model = model;
  }

  private event(type: string, data: Json): SseEvent {
    return { event: type, data: JSON.stringify({ type, sequence_number: this.seq++, ...data }) };
  }

  private opening(): SseEvent[] {
    if (this.started) return [];
    this.started = true;
    const response = responseObject(this.ids, this.model, 'in_progress', []);
    return [this.event('response.created', { response }), this.event('response.in_progress', { response })];
  }

  private openItem(): SseEvent[] {
    if (this.itemOpen) return [];
    this.itemOpen = true;
    return [
      this.event('response.output_item.added', { output_index: 0, item: messageItem(this.ids, '', 'in_progress') }),
      this.event('response.content_part.added', { item_id: this.ids.messageId, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
    ];
  }

  encode(ev: ChatEvent): SseEvent[] {
    switch (ev.type) {
      case 'start':
        if (ev.model) this.model = ev.model;
        return this.opening();
      case 'text':
        this.text += ev.text;
        return [...this.opening(), ...this.openItem(), this.event('response.output_text.delta', { item_id: this.ids.messageId, output_index: 0, content_index: 0, delta: ev.text, logprobs: [] })];
      case 'usage':
        this.usage = { input: ev.input ?? this.usage?.input ?? 0, output: ev.output ?? this.usage?.output ?? 0 };
        return [];
      case 'stop':
        if (ev.reason === 'length') this.stop = 'length';
        return [];
      case 'tool_start':
      case 'tool_args':
        // Requests with tools are refused before translation, so a model cannot call one here.
        return [];
      case 'done': {
        const out = [...this.opening(), ...this.openItem()];
        const item = messageItem(this.ids, this.text, 'completed');
        out.push(
          this.event('response.output_text.done', { item_id: this.ids.messageId, output_index: 0, content_index: 0, text: this.text, logprobs: [] }),
          this.event('response.content_part.done', { item_id: this.ids.messageId, output_index: 0, content_index: 0, part: { type: 'output_text', text: this.text, annotations: [] } }),
          this.event('response.output_item.done', { output_index: 0, item }),
        );
        const status = this.stop === 'length' ? 'incomplete' : 'completed';
        out.push(this.event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response: responseObject(this.ids, this.model, status, [item], this.usage) }));
        return out;
      }
    }
  }
}
