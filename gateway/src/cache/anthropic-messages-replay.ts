// Converts between Anthropic messages and their streamed form (message_start, content blocks with
// their deltas, message_delta, message_stop), so one cached answer serves streamed and whole
// requests alike.
import type { SseEvent } from '../providers/sse.js';
import type { ReplayCodec } from './replay-codec.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

interface BlockState {
  block: Json;
  /** Tool input arrives as JSON text in pieces. */
  json?: string;
}

/** The message a stream of parsed events amounts to, or undefined when it did not finish. */
export function assembleMessage(events: readonly unknown[]): Json | undefined {
  let message: Json | undefined;
  const blocks = new Map<number, BlockState>();
  let delta: Json | undefined;
  let usage: Json = {};
  for (const ev of events) {
    if (!isObject(ev)) continue;
    switch (ev['type']) {
      case 'message_start':
        if (!isObject(ev['message'])) return undefined;
        message = ev['message'];
        if (isObject(message['usage'])) usage = { ...message['usage'] };
        break;
      case 'content_block_start': {
        if (typeof ev['index'] !== 'number' || !isObject(ev['content_block'])) return undefined;
        const block = { ...ev['content_block'] };
        blocks.set(ev['index'], block['type'] === 'tool_use' ? { block, json: '' } : { block });
        break;
      }
      case 'content_block_delta': {
        const st = typeof ev['index'] === 'number' ? blocks.get(ev['index']) : undefined;
        const d = ev['delta'];
        if (!st || !isObject(d)) return undefined;
        const b = st.block;
        if (d['type'] === 'text_delta' && typeof d['text'] === 'string') b['text'] = `${typeof b['text'] === 'string' ? b['text'] : ''}${d['text']}`;
        else if (d['type'] === 'input_json_delta' && typeof d['partial_json'] === 'string') st.json = `${st.json ?? ''}${d['partial_json']}`;
        else if (d['type'] === 'thinking_delta' && typeof d['thinking'] === 'string') b['thinking'] = `${typeof b['thinking'] === 'string' ? b['thinking'] : ''}${d['thinking']}`;
        else if (d['type'] === 'signature_delta' && typeof d['signature'] === 'string') b['signature'] = d['signature'];
        else return undefined;
        break;
      }
      case 'message_delta':
        if (isObject(ev['delta'])) delta = ev['delta'];
        if (isObject(ev['usage'])) usage = { ...usage, ...ev['usage'] };
        break;
      default:
      // ping, content_block_stop and anything newer carry nothing the message keeps.
    }
  }
  if (!message || !delta || delta['stop_reason'] === undefined || delta['stop_reason'] === null) return undefined;
  const content: Json[] = [];
  for (const [, st] of [...blocks.entries()].sort((a, b) => a[0] - b[0])) {
    if (st.json !== undefined) {
      try {
        st.block['input'] = st.json === '' ? {} : (JSON.parse(st.json) as unknown);
      } catch {
        return undefined;
      }
    }
    content.push(st.block);
  }
  return {
    id: message['id'],
    type: 'message',
    role: message['role'] ?? 'assistant',
    model: message['model'],
    content,
    stop_reason: delta['stop_reason'],
    stop_sequence: delta['stop_sequence'] ?? null,
    usage,
  };
}

function pieces(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of text.match(/\S+\s*|\s+/g) ?? []) {
    current += word;
    if (current.length >= 24) {
      out.push(current);
      current = '';
    }
  }
  if (current !== '') out.push(current);
  return out;
}

/** The events Anthropic would have streamed for this message. */
export function messageEvents(message: Json): SseEvent[] {
  const events: SseEvent[] = [];
  const emit = (data: Json): void => {
    events.push({ event: String(data['type']), data: JSON.stringify(data) });
  };
  const usage = isObject(message['usage']) ? message['usage'] : {};
  emit({
    type: 'message_start',
    message: { id: message['id'], type: 'message', role: message['role'] ?? 'assistant', model: message['model'], content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 0 } },
  });
  const content = Array.isArray(message['content']) ? (message['content'] as unknown[]).filter(isObject) : [];
  content.forEach((block, index) => {
    if (block['type'] === 'text' && typeof block['text'] === 'string') {
      emit({ type: 'content_block_start', index, content_block: { ...block, text: '' } });
      for (const p of pieces(block['text'])) emit({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: p } });
    } else if (block['type'] === 'tool_use') {
      emit({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
      emit({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block['input'] ?? {}) } });
    } else if (block['type'] === 'thinking' && typeof block['thinking'] === 'string') {
      emit({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
      emit({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: block['thinking'] } });
      if (typeof block['signature'] === 'string') emit({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block['signature'] } });
    } else {
      // Blocks without deltas (redacted thinking, server tool results) arrive whole in their start event.
      emit({ type: 'content_block_start', index, content_block: block });
    }
    emit({ type: 'content_block_stop', index });
  });
  emit({ type: 'message_delta', delta: { stop_reason: message['stop_reason'] ?? 'end_turn', stop_sequence: message['stop_sequence'] ?? null }, usage: { output_tokens: usage['output_tokens'] ?? 0 } });
  emit({ type: 'message_stop' });
  return events;
}

export const anthropicMessagesReplay: ReplayCodec = {
  assemble: assembleMessage,
  events: (body) => (isObject(body) ? messageEvents(body) : undefined),
};
