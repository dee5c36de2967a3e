// Anthropic messages <-> the neutral chat exchange: requests, answers and the SSE event sequence
// (message_start, content_block_start/delta/stop, message_delta, message_stop), both ways.
import type { SseEvent } from '../sse.js';
import { upstreamError } from '../upstream-error.js';
import { jsonInstruction, parseArguments, type ChatAnswer, type ChatEvent, type ChatMessage, type ChatPart, type ChatRequest, type ChatTool, type StopReason } from './chat-model.js';
import { arr, assignDefined, isObject, num, obj, str, unsupported, type Json } from './json-shapes.js';

function blockText(content: unknown): string {
  if (typeof content === 'string') return content;
  return arr(content)
    .map((b) => (obj(b)['type'] === 'text' ? (str(obj(b)['text']) ?? '') : ''))
    .join('');
}

function partsFromBlocks(content: unknown): ChatPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const parts: ChatPart[] = [];
  for (const raw of arr(content)) {
    const b = obj(raw);
    switch (b['type']) {
      case 'text':
        parts.push({ type: 'text', text: str(b['text']) ?? '' });
        break;
      case 'image': {
        const src = obj(b['source']);
        if (src['type'] === 'base64') parts.push({ type: 'image', mediaType: str(src['media_type']) ?? 'image/png', data: str(src['data']) ?? '' });
        else if (src['type'] === 'url') parts.push({ type: 'image', url: str(src['url']) ?? '' });
        else throw unsupported(`image source "${String(src['type'])}" cannot be translated for this provider.`);
        break;
      }
      case 'tool_use':
        parts.push({ type: 'tool_call', id: str(b['id']) ?? '', name: str(b['name']) ?? '', arguments: JSON.stringify(b['input'] ?? {}) });
        break;
      case 'tool_result': {
        const result: ChatPart = { type: 'tool_result', toolCallId: str(b['tool_use_id']) ?? '', content: blockText(b['content']) };
        if (b['is_error'] === true) result.isError = true;
        parts.push(result);
        break;
      }
      case 'thinking':
      case 'redacted_thinking':
        // Reasoning traces belong to the model that wrote them; other providers cannot take them back.
        break;
      default:
        throw unsupported(`content block type "${String(b['type'])}" cannot be translated for this provider.`);
    }
  }
  return parts;
}

export function chatRequestFromAnthropic(body: Json): ChatRequest {
  const system: string[] = [];
  const s = body['system'];
  if (typeof s === 'string') system.push(s);
  else if (Array.isArray(s)) system.push(blockText(s));
  const messages: ChatMessage[] = arr(body['messages']).map((raw) => {
    const m = obj(raw);
    return { role: m['role'] === 'assistant' ? 'assistant' : 'user', parts: partsFromBlocks(m['content']) };
  });
  const tools: ChatTool[] = arr(body['tools']).map((raw) => {
    const t = obj(raw);
    if (t['type'] !== undefined && t['type'] !== 'custom') throw unsupported(`tool type "${String(t['type'])}" cannot be translated for this provider.`);
    const tool: ChatTool = { name: str(t['name']) ?? '', parameters: isObject(t['input_schema']) ? t['input_schema'] : { type: 'object', properties: {} } };
    const d = str(t['description']);
    if (d !== undefined) tool.description = d;
    return tool;
  });
  const req: ChatRequest = { model: str(body['model']) ?? '', system, messages, tools, stream: body['stream'] === true };
  const tc = obj(body['tool_choice']);
  if (tc['type'] === 'auto') req.toolChoice = 'auto';
  else if (tc['type'] === 'any') req.toolChoice = 'required';
  else if (tc['type'] === 'none') req.toolChoice = 'none';
  else if (tc['type'] === 'tool') req.toolChoice = { name: str(tc['name']) ?? '' };
  const max = num(body['max_tokens']);
  if (max !== undefined) req.maxTokens = max;
  const t = num(body['temperature']);
  if (t !== undefined) req.temperature = t;
  const p = num(body['top_p']);
  if (p !== undefined) req.topP = p;
  const stop = arr(body['stop_sequences']).filter((x): x is string => typeof x === 'string');
  if (stop.length > 0) req.stop = stop;
  const user = str(obj(body['metadata'])['user_id']);
  if (user !== undefined) req.user = user;
  return req;
}

function blocksFromParts(parts: readonly ChatPart[]): Json[] {
  const blocks: Json[] = [];
  // Anthropic wants tool results first in a user turn.
  for (const p of parts) {
    if (p.type === 'tool_result') {
      const b: Json = { type: 'tool_result', tool_use_id: p.toolCallId, content: p.content };
      if (p.isError) b['is_error'] = true;
      blocks.push(b);
    }
  }
  for (const p of parts) {
    if (p.type === 'text') {
      if (p.text !== '') blocks.push({ type: 'text', text: p.text });
    } else if (p.type === 'image') {
      blocks.push({ type: 'image', source: p.url !== undefined ? { type: 'url', url: p.url } : { type: 'base64', media_type: p.mediaType ?? 'image/png', data: p.data ?? '' } });
    } else if (p.type === 'tool_call') {
      blocks.push({ type: 'tool_use', id: p.id, name: p.name, input: parseArguments(p.arguments) });
    }
  }
  return blocks;
}

export function anthropicRequestFromChat(req: ChatRequest, defaultMaxTokens: number): Json {
  const system = [...req.system];
  if (req.json) system.push(jsonInstruction(req.json));
  const body: Json = {
    model: req.model,
    max_tokens: req.maxTokens ?? defaultMaxTokens,
    messages: req.messages.map((m) => ({ role: m.role, content: blocksFromParts(m.parts) })),
  };
  if (system.length > 0) body['system'] = system.join('\n\n');
  if (req.tools.length > 0) body['tools'] = req.tools.map((t) => assignDefined({ name: t.name, input_schema: t.parameters }, { description: t.description }));
  if (req.toolChoice !== undefined) {
    const tc = req.toolChoice;
    body['tool_choice'] = tc === 'auto' ? { type: 'auto' } : tc === 'required' ? { type: 'any' } : tc === 'none' ? { type: 'none' } : { type: 'tool', name: tc.name };
  }
  assignDefined(body, { temperature: req.temperature, top_p: req.topP, stop_sequences: req.stop });
  if (req.user !== undefined) body['metadata'] = { user_id: req.user };
  if (req.stream) body['stream'] = true;
  return body;
}

export function stopFromAnthropic(reason: unknown): StopReason {
  if (reason === 'max_tokens' || reason === 'model_context_window_exceeded') return 'length';
  if (reason === 'tool_use') return 'tool_calls';
  if (reason === 'refusal') return 'content_filter';
  return 'stop';
}

export function anthropicStop(reason: StopReason): string {
  return reason === 'length' ? 'max_tokens' : reason === 'tool_calls' ? 'tool_use' : reason === 'content_filter' ? 'refusal' : 'end_turn';
}

export function chatAnswerFromAnthropic(body: unknown): ChatAnswer {
  const b = obj(body);
  const parts = partsFromBlocks(arr(b['content']).filter((c) => obj(c)['type'] === 'text' || obj(c)['type'] === 'tool_use'));
  const answer: ChatAnswer = { id: str(b['id']) ?? '', model: str(b['model']) ?? '', parts, stop: stopFromAnthropic(b['stop_reason']) };
  const u = obj(b['usage']);
  const input = num(u['input_tokens']);
  const output = num(u['output_tokens']);
  if (input !== undefined || output !== undefined) answer.usage = { input: input ?? 0, output: output ?? 0 };
  return answer;
}

export function anthropicAnswerFromChat(answer: ChatAnswer): Json {
  return {
    id: answer.id,
    type: 'message',
    role: 'assistant',
    model: answer.model,
    content: blocksFromParts(answer.parts),
    stop_reason: anthropicStop(answer.stop),
    stop_sequence: null,
    usage: { input_tokens: answer.usage?.input ?? 0, output_tokens: answer.usage?.output ?? 0 },
  };
}

/** Reads an Anthropic SSE stream from a provider as neutral events. */
export async function* decodeAnthropicStream(events: AsyncIterable<SseEvent>, provider: string): AsyncGenerator<ChatEvent> {
  const toolIndexByBlock = new Map<number, number>();
  for await (const ev of events) {
    let data: Json;
    try {
      data = obj(JSON.parse(ev.data));
    } catch (cause) {
      throw upstreamError('GW_ERR_UPSTREAM_BAD_RESPONSE', { provider, retryable: false, cause });
    }
    const type = data['type'] ?? ev.event;
    switch (type) {
      case 'message_start': {
        const m = obj(data['message']);
        const start: ChatEvent = { type: 'start', id: str(m['id']) ?? '', model: str(m['model']) ?? '' };
        const input = num(obj(m['usage'])['input_tokens']);
        if (input !== undefined) start.inputTokens = input;
        yield start;
        if (input !== undefined) yield { type: 'usage', input };
        break;
      }
      case 'content_block_start': {
        const block = obj(data['content_block']);
        if (block['type'] === 'tool_use') {
          const index = toolIndexByBlock.size;
          toolIndexByBlock.set(num(data['index']) ?? 0, index);
          yield { type: 'tool_start', index, id: str(block['id']) ?? '', name: str(block['name']) ?? '' };
        } else if (block['type'] === 'text' && typeof block['text'] === 'string' && block['text'] !== '') {
          yield { type: 'text', text: block['text'] };
        }
        break;
      }
      case 'content_block_delta': {
        const delta = obj(data['delta']);
        if (delta['type'] === 'text_delta') {
          const text = str(delta['text']);
          if (text) yield { type: 'text', text };
        } else if (delta['type'] === 'input_json_delta') {
          const index = toolIndexByBlock.get(num(data['index']) ?? 0);
          const json = str(delta['partial_json']);
          if (index !== undefined && json) yield { type: 'tool_args', index, json };
        }
        break;
      }
      case 'message_delta': {
        const delta = obj(data['delta']);
        if (delta['stop_reason'] !== undefined && delta['stop_reason'] !== null) yield { type: 'stop', reason: stopFromAnthropic(delta['stop_reason']) };
        const u = obj(data['usage']);
        const usage: ChatEvent = { type: 'usage' };
        const output = num(u['output_tokens']);
        const input = num(u['input_tokens']);
        if (output !== undefined) usage.output = output;
        if (input !== undefined) usage.input = input;
        if (output !== undefined || input !== undefined) yield usage;
        break;
      }
      case 'message_stop':
        yield { type: 'done' };
        return;
      case 'error':
        throw upstreamError('GW_ERR_UPSTREAM_STATUS', { provider, retryable: false });
      default:
        // ping, content_block_stop and event types added later carry nothing to translate.
        break;
    }
  }
}

function sse(event: string, data: Json): SseEvent {
  return { event, data: JSON.stringify({ type: event, ...data }) };
}

export interface AnthropicEncoderOptions {
  id: string;
  model: string;
}

/** Writes neutral events as Anthropic's SSE sequence; `message_stop` comes last. */
export class AnthropicEncoder {
  private started = false;
  private block = -1;
  private openBlock: 'text' | 'tool' | undefined;
  private stop: StopReason = 'stop';
  private usage = { input: 0, output: 0 };

  constructor(private readonly options: AnthropicEncoderOptions) {}

  private opening(model?: string, input?: number): SseEvent[] {
    if (this.started) return [];
    this.started = true;
    if (input !== undefined) this.usage.input = input;
    return [
      sse('message_start', {
        message: {
          id: this.options.id,
          type: 'message',
          role: 'assistant',
          model: model || this.options.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: this.usage.input, output_tokens: 0 },
        },
      }),
    ];
  }

  private close(): SseEvent[] {
    if (this.openBlock === undefined) return [];
    this.openBlock = undefined;
    return [sse('content_block_stop', { index: this.block })];
  }

  encode(ev: ChatEvent): SseEvent[] {
    switch (ev.type) {
      case 'start':
        return this.opening(ev.model, ev.inputTokens);
      case 'text': {
        const out = this.opening();
        if (this.openBlock !== 'text') {
          out.push(...this.close());
          this.block++;
          this.openBlock = 'text';
          out.push(sse('content_block_start', { index: this.block, content_block: { type: 'text', text: '' } }));
        }
        out.push(sse('content_block_delta', { index: this.block, delta: { type: 'text_delta', text: ev.text } }));
        return out;
      }
      case 'tool_start': {
        const out = [...this.opening(), ...this.close()];
        this.block++;
        this.openBlock = 'tool';
        out.push(sse('content_block_start', { index: this.block, content_block: { type: 'tool_use', id: ev.id, name: ev.name, input: {} } }));
        return out;
      }
      case 'tool_args':
        return [sse('content_block_delta', { index: this.block, delta: { type: 'input_json_delta', partial_json: ev.json } })];
      case 'usage':
        if (ev.input !== undefined) this.usage.input = ev.input;
        if (ev.output !== undefined) this.usage.output = ev.output;
        return [];
      case 'stop':
        this.stop = ev.reason;
        return [];
      case 'done':
        return [
          ...this.opening(),
          ...this.close(),
          sse('message_delta', {
            delta: { stop_reason: anthropicStop(this.stop), stop_sequence: null },
            usage: { input_tokens: this.usage.input, output_tokens: this.usage.output },
          }),
          sse('message_stop', {}),
        ];
    }
  }
}
