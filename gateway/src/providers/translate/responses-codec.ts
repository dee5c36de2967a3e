// OpenAI Responses (text in, text out) -> the neutral chat exchange and back, for Responses
// callers routed to providers that only speak chat formats. Stream events follow the documented
// sequence: response.created, output_item.added, content_part.added, output_text.delta..., the
// matching .done events, then response.completed.
import type { SseEvent } from '../sse.js';
import { answerTextOf, emptyChatRequest, type ChatAnswer, type ChatEvent, type ChatPart, type ChatRequest } from './chat-model.js';
import { arr, fieldName, num, obj, str, type Json } from './json-shapes.js';
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

export function chatRequestFromResponses(body: Json): ChatRequest {
  const req = emptyChatRequest(str(body['model']) ?? '', body['stream'] === true);
  const skip = req.untranslatable;
  for (const key of Object.keys(body)) if (!KNOWN_FIELDS.has(key)) skip.push(fieldName(key));
  const instructions = str(body['instructions']);
  if (instructions) req.system.push(instructions);
  const input = body['input'];
  if (typeof input === 'string') req.messages.push({ role: 'user', parts: [{ type: 'text', text: input }] });
  arr(input).forEach((raw, i) => {
    const item = obj(raw);
    if (item['type'] !== undefined && item['type'] !== 'message') {
      skip.push(`input[${i}].type`);
      return;
    }
    const role = item['role'];
    const parts = itemParts(item['content'], `input[${i}].content`, skip);
    if (role === 'system' || role === 'developer') req.system.push(answerTextOf(parts));
    else req.messages.push({ role: role === 'assistant' ? 'assistant' : 'user', parts });
  });
  // Function tools and their calls are not translated; without tools, choosing none is moot.
  if (arr(body['tools']).length > 0) skip.push('tools');
  const tc = body['tool_choice'];
  if (present(tc) && tc !== 'auto' && tc !== 'none') skip.push('tool_choice');
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
