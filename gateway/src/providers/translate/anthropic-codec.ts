// Anthropic messages <-> the neutral chat exchange: requests, answers and the SSE event sequence
// (message_start, content_block_start/delta/stop, message_delta, message_stop), both ways.
import type { SseEvent } from '../sse.js';
import { upstreamError } from '../upstream-error.js';
import { chatTool, emptyChatRequest, jsonInstruction, parseArguments, refuseSettings, setSetting, settingRefusal, type ChatAnswer, type ChatEvent, type ChatPart, type ChatRequest, type StopReason } from './chat-model.js';
import { arr, fieldName, assignDefined, isObject, num, obj, str, type Json } from './json-shapes.js';

/** The fields of a messages request this reader knows; any other is refused. */
const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'model', 'messages', 'max_tokens', 'container', 'context_management', 'mcp_servers', 'metadata', 'service_tier', 'stop_sequences', 'stream',
  'system', 'temperature', 'thinking', 'tool_choice', 'tools', 'top_k', 'top_p', 'output_format', 'output_config',
]);

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

function blockText(content: unknown, at: string, skip: string[]): string {
  if (typeof content === 'string') return content;
  let out = '';
  arr(content).forEach((raw, i) => {
    const b = obj(raw);
    if (b['type'] === 'text') out += str(b['text']) ?? '';
    else skip.push(`${at}[${i}].type`);
  });
  return out;
}

function partsFromBlocks(content: unknown, at: string, skip: string[]): ChatPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const parts: ChatPart[] = [];
  arr(content).forEach((raw, i) => {
    const b = obj(raw);
    const here = `${at}[${i}]`;
    // cache_control is a caching hint with no effect on the answer (docs/providers.md).
    switch (b['type']) {
      case 'text':
        parts.push({ type: 'text', text: str(b['text']) ?? '' });
        if (arr(b['citations']).length > 0) skip.push(`${here}.citations`);
        break;
      case 'image': {
        const src = obj(b['source']);
        if (src['type'] === 'base64') parts.push({ type: 'image', mediaType: str(src['media_type']) ?? 'image/png', data: str(src['data']) ?? '' });
        else if (src['type'] === 'url') parts.push({ type: 'image', url: str(src['url']) ?? '' });
        else skip.push(`${here}.source.type`);
        break;
      }
      case 'document': {
        const src = obj(b['source']);
        if (src['type'] === 'text') parts.push({ type: 'text', text: str(src['data']) ?? '' });
        else skip.push(`${here}.source.type`);
        for (const key of ['title', 'context']) if (present(b[key])) skip.push(`${here}.${key}`);
        if (obj(b['citations'])['enabled'] === true) skip.push(`${here}.citations`);
        break;
      }
      case 'tool_use':
        parts.push({ type: 'tool_call', id: str(b['id']) ?? '', name: str(b['name']) ?? '', arguments: JSON.stringify(b['input'] ?? {}) });
        break;
      case 'tool_result': {
        const result: ChatPart = { type: 'tool_result', toolCallId: str(b['tool_use_id']) ?? '', content: blockText(b['content'], `${here}.content`, skip) };
        if (b['is_error'] === true) result.isError = true;
        parts.push(result);
        break;
      }
      case 'thinking': {
        const part: ChatPart = { type: 'thinking', text: str(b['thinking']) ?? '' };
        const signature = str(b['signature']);
        if (signature !== undefined) part.signature = signature;
        parts.push(part);
        break;
      }
      case 'redacted_thinking':
        parts.push({ type: 'thinking', text: '', redacted: str(b['data']) ?? '' });
        break;
      default:
        skip.push(`${here}.type`);
    }
  });
  return parts;
}

function readFormat(format: unknown, path: string, req: ChatRequest): void {
  if (!present(format)) return;
  const f = obj(format);
  if (f['type'] !== 'json_schema') {
    req.untranslatable.push(`${path}.type`);
    return;
  }
  // Anthropic's structured outputs always hold the answer to the schema.
  const json: NonNullable<ChatRequest['json']> = { strict: true };
  if (isObject(f['schema'])) json.schema = f['schema'];
  setSetting(req, 'json', json, path);
}

export function chatRequestFromAnthropic(body: Json): ChatRequest {
  const req = emptyChatRequest(str(body['model']) ?? '', body['stream'] === true);
  const skip = req.untranslatable;
  for (const key of Object.keys(body)) if (!KNOWN_FIELDS.has(key)) skip.push(fieldName(key));
  const s = body['system'];
  if (typeof s === 'string') req.system.push(s);
  else if (Array.isArray(s)) req.system.push(blockText(s, 'system', skip));
  req.messages = arr(body['messages']).map((raw, i) => {
    const m = obj(raw);
    return { role: m['role'] === 'assistant' ? 'assistant' : 'user', parts: partsFromBlocks(m['content'], `messages[${i}].content`, skip) };
  });
  arr(body['tools']).forEach((raw, i) => {
    const t = obj(raw);
    if (t['type'] !== undefined && t['type'] !== 'custom') {
      skip.push(`tools[${i}].type`);
      return;
    }
    req.tools.push(chatTool(str(t['name']) ?? '', t['input_schema'], str(t['description']), t['strict']));
  });
  const tc = obj(body['tool_choice']);
  if (tc['type'] === 'auto') setSetting(req, 'toolChoice', 'auto', 'tool_choice');
  else if (tc['type'] === 'any') setSetting(req, 'toolChoice', 'required', 'tool_choice');
  else if (tc['type'] === 'none') setSetting(req, 'toolChoice', 'none', 'tool_choice');
  else if (tc['type'] === 'tool') setSetting(req, 'toolChoice', { name: str(tc['name']) ?? '' }, 'tool_choice');
  else if (present(body['tool_choice'])) skip.push('tool_choice.type');
  if (tc['disable_parallel_tool_use'] === true && req.tools.length > 0) setSetting(req, 'parallelToolCalls', false, 'tool_choice.disable_parallel_tool_use');
  const max = num(body['max_tokens']);
  if (max !== undefined) req.maxTokens = max;
  const t = num(body['temperature']);
  if (t !== undefined) req.temperature = t;
  const p = num(body['top_p']);
  if (p !== undefined) req.topP = p;
  setSetting(req, 'topK', num(body['top_k']), 'top_k');
  const stop = arr(body['stop_sequences']).filter((x): x is string => typeof x === 'string');
  if (stop.length > 0) req.stop = stop;
  const metadata = obj(body['metadata']);
  setSetting(req, 'user', str(metadata['user_id']), 'metadata.user_id');
  if (Object.keys(metadata).some((k) => k !== 'user_id')) skip.push('metadata');
  const tier = body['service_tier'];
  if (tier === 'standard_only') setSetting(req, 'serviceTier', 'standard', 'service_tier');
  else if (present(tier) && tier !== 'auto') skip.push('service_tier');
  const thinking = obj(body['thinking']);
  if (thinking['type'] === 'enabled') setSetting(req, 'thinkingBudget', num(thinking['budget_tokens']) ?? 0, 'thinking');
  else if (present(body['thinking']) && thinking['type'] !== 'disabled') skip.push('thinking.type');
  readFormat(body['output_format'], 'output_format', req);
  const config = obj(body['output_config']);
  readFormat(config['format'], 'output_config.format', req);
  const effort = config['effort'];
  if (effort === 'low' || effort === 'medium' || effort === 'high') setSetting(req, 'reasoningEffort', effort, 'output_config.effort');
  else if (present(effort)) skip.push('output_config.effort');
  for (const key of Object.keys(config)) if (key !== 'format' && key !== 'effort') skip.push(`output_config.${key}`);
  if (present(body['container'])) skip.push('container');
  if (present(body['context_management'])) skip.push('context_management');
  if (arr(body['mcp_servers']).length > 0) skip.push('mcp_servers');
  return req;
}

function blocksFromParts(parts: readonly ChatPart[]): Json[] {
  const blocks: Json[] = [];
  // Anthropic wants tool results first in a user turn, and thinking first in an assistant turn.
  for (const p of parts) {
    if (p.type === 'tool_result') {
      const b: Json = { type: 'tool_result', tool_use_id: p.toolCallId, content: p.content };
      if (p.isError) b['is_error'] = true;
      blocks.push(b);
    } else if (p.type === 'thinking') {
      blocks.push(p.redacted !== undefined ? { type: 'redacted_thinking', data: p.redacted } : assignDefined({ type: 'thinking', thinking: p.text }, { signature: p.signature }));
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

const TARGET = 'anthropic';

export function anthropicRequestFromChat(req: ChatRequest, defaultMaxTokens: number): Json {
  refuseSettings(req, ['seed', 'frequencyPenalty', 'presencePenalty', 'metadata', 'store', 'promptCacheKey', 'verbosity'], TARGET);
  const system = [...req.system];
  const body: Json = {
    model: req.model,
    max_tokens: req.maxTokens ?? defaultMaxTokens,
    messages: req.messages.map((m) => ({ role: m.role, content: blocksFromParts(m.parts) })),
  };
  const outputConfig: Json = {};
  if (req.json?.schema) outputConfig['format'] = { type: 'json_schema', schema: req.json.schema };
  // JSON mode without a schema has no native form here.
  else if (req.json) system.push(jsonInstruction(req.json));
  if (req.reasoningEffort !== undefined) {
    if (req.reasoningEffort !== 'low' && req.reasoningEffort !== 'medium' && req.reasoningEffort !== 'high') throw settingRefusal(req, 'reasoningEffort', TARGET);
    outputConfig['effort'] = req.reasoningEffort;
  }
  if (Object.keys(outputConfig).length > 0) body['output_config'] = outputConfig;
  if (system.length > 0) body['system'] = system.join('\n\n');
  // Strict tool use is opt-in; `strict: false` is the default and needs no word.
  if (req.tools.length > 0) body['tools'] = req.tools.map((t) => assignDefined({ name: t.name, input_schema: t.parameters }, { description: t.description, strict: t.strict === true ? true : undefined }));
  const tc = req.toolChoice;
  if (tc !== undefined || req.parallelToolCalls === false) {
    const choice: Json = tc === undefined || tc === 'auto' ? { type: 'auto' } : tc === 'required' ? { type: 'any' } : tc === 'none' ? { type: 'none' } : { type: 'tool', name: tc.name };
    if (req.parallelToolCalls === false) {
      if (tc === 'none') throw settingRefusal(req, 'parallelToolCalls', TARGET);
      choice['disable_parallel_tool_use'] = true;
    }
    body['tool_choice'] = choice;
  }
  assignDefined(body, { temperature: req.temperature, top_p: req.topP, top_k: req.topK, stop_sequences: req.stop });
  if (req.thinkingBudget !== undefined) body['thinking'] = { type: 'enabled', budget_tokens: req.thinkingBudget };
  if (req.user !== undefined && req.safetyIdentifier !== undefined && req.user !== req.safetyIdentifier) throw settingRefusal(req, 'user', TARGET);
  const userId = req.safetyIdentifier ?? req.user;
  if (userId !== undefined) body['metadata'] = { user_id: userId };
  if (req.serviceTier !== undefined) {
    if (req.serviceTier !== 'standard') throw settingRefusal(req, 'serviceTier', TARGET);
    body['service_tier'] = 'standard_only';
  }
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
  const parts = partsFromBlocks(arr(b['content']).filter((c) => obj(c)['type'] === 'text' || obj(c)['type'] === 'tool_use'), 'content', []);
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
  private model = '';

  constructor(private readonly options: AnthropicEncoderOptions) {}

  private opening(): SseEvent[] {
    if (this.started) return [];
    this.started = true;
    return [
      sse('message_start', {
        message: {
          id: this.options.id,
          type: 'message',
          role: 'assistant',
          model: this.model || this.options.model,
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
        this.model = ev.model;
        if (ev.inputTokens === undefined) return [];
        // Without the prompt's size yet, message_start waits for the first content, so usage
        // reported before it still lands there; usage reported only at the end (OpenAI-compatible
        // servers, Bedrock) leaves 0 here and reaches the caller in message_delta.
        this.usage.input = ev.inputTokens;
        return this.opening();
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
