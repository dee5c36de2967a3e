// Converts between OpenAI chat completions and their streamed form, so that one cached answer can
// serve both: a streamed answer is assembled into a completion to store, and a stored completion
// is replayed as chat.completion.chunk events for a streamed request.
import type { SseEvent } from '../providers/sse.js';
import type { ReplayCodec } from './replay-codec.js';

type Json = Record<string, unknown>;

interface ToolCall {
  id?: string;
  type?: string;
  function: { name: string; arguments: string };
}

interface ChoiceState {
  index: number;
  role: string;
  content: string | null;
  refusal: string | null;
  toolCalls: Map<number, ToolCall>;
  finishReason: unknown;
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The completion a stream amounts to, or undefined when a choice did not finish. */
export function assembleChatCompletion(chunks: readonly unknown[]): Json | undefined {
  let head: Json | undefined;
  let usage: unknown;
  const choices = new Map<number, ChoiceState>();
  for (const chunk of chunks) {
    if (!isObject(chunk)) continue;
    head ??= chunk;
    if (isObject(chunk['usage'])) usage = chunk['usage'];
    if (!Array.isArray(chunk['choices'])) continue;
    for (const c of chunk['choices'] as unknown[]) {
      if (!isObject(c) || typeof c['index'] !== 'number') continue;
      const index = c['index'];
      let st = choices.get(index);
      if (!st) {
        st = { index, role: 'assistant', content: null, refusal: null, toolCalls: new Map(), finishReason: null };
        choices.set(index, st);
      }
      const delta = isObject(c['delta']) ? c['delta'] : {};
      if (typeof delta['role'] === 'string') st.role = delta['role'];
      if (typeof delta['content'] === 'string') st.content = (st.content ?? '') + delta['content'];
      if (typeof delta['refusal'] === 'string') st.refusal = (st.refusal ?? '') + delta['refusal'];
      if (Array.isArray(delta['tool_calls'])) {
        for (const tc of delta['tool_calls'] as unknown[]) {
          if (!isObject(tc) || typeof tc['index'] !== 'number') continue;
          let call = st.toolCalls.get(tc['index']);
          if (!call) {
            call = { function: { name: '', arguments: '' } };
            st.toolCalls.set(tc['index'], call);
          }
          if (typeof tc['id'] === 'string') call.id = tc['id'];
          if (typeof tc['type'] === 'string') call.type = tc['type'];
          const fn = isObject(tc['function']) ? tc['function'] : {};
          if (typeof fn['name'] === 'string') call.function.name += fn['name'];
          if (typeof fn['arguments'] === 'string') call.function.arguments += fn['arguments'];
        }
      }
      if (c['finish_reason'] !== null && c['finish_reason'] !== undefined) st.finishReason = c['finish_reason'];
    }
  }
  if (!head || choices.size === 0) return undefined;
  const out: Json = { id: head['id'], object: 'chat.completion', created: head['created'], model: head['model'] };
  if (head['system_fingerprint'] !== undefined) out['system_fingerprint'] = head['system_fingerprint'];
  const list: Json[] = [];
  for (const st of [...choices.values()].sort((a, b) => a.index - b.index)) {
    if (st.finishReason === null) return undefined;
    const message: Json = { role: st.role, content: st.content };
    if (st.refusal !== null) message['refusal'] = st.refusal;
    if (st.toolCalls.size > 0) {
      message['tool_calls'] = [...st.toolCalls.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => ({ id: t.id, type: t.type ?? 'function', function: t.function }));
    }
    list.push({ index: st.index, message, finish_reason: st.finishReason, logprobs: null });
  }
  out['choices'] = list;
  if (usage !== undefined) out['usage'] = usage;
  return out;
}

/** Splits text into pieces of a few words, the way providers stream it. */
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

/** The chat.completion.chunk events (and the final [DONE]) a provider would have streamed. */
export function chatCompletionEvents(completion: Json, includeUsage: boolean): SseEvent[] {
  const base: Json = { id: completion['id'], object: 'chat.completion.chunk', created: completion['created'], model: completion['model'] };
  if (completion['system_fingerprint'] !== undefined) base['system_fingerprint'] = completion['system_fingerprint'];
  const events: SseEvent[] = [];
  const emit = (choices: Json[], extra: Json = {}): void => {
    events.push({ data: JSON.stringify({ ...base, choices, ...extra }) });
  };
  const choices = Array.isArray(completion['choices']) ? (completion['choices'] as unknown[]).filter(isObject) : [];
  for (const c of choices) {
    const index = typeof c['index'] === 'number' ? c['index'] : 0;
    const message = isObject(c['message']) ? c['message'] : {};
    // An answer without text (only tool calls) streams `content: null`, as providers do, so it reassembles as null.
    const opening = typeof message['content'] === 'string' ? '' : null;
    emit([{ index, delta: { role: typeof message['role'] === 'string' ? message['role'] : 'assistant', content: opening }, logprobs: null, finish_reason: null }]);
    if (typeof message['content'] === 'string') {
      for (const p of pieces(message['content'])) emit([{ index, delta: { content: p }, logprobs: null, finish_reason: null }]);
    }
    if (typeof message['refusal'] === 'string') emit([{ index, delta: { refusal: message['refusal'] }, logprobs: null, finish_reason: null }]);
    if (Array.isArray(message['tool_calls'])) {
      const calls = (message['tool_calls'] as unknown[]).filter(isObject).map((t, i) => ({ index: i, id: t['id'], type: t['type'], function: t['function'] }));
      if (calls.length > 0) emit([{ index, delta: { tool_calls: calls }, logprobs: null, finish_reason: null }]);
    }
    emit([{ index, delta: {}, logprobs: null, finish_reason: c['finish_reason'] ?? 'stop' }]);
  }
  if (includeUsage && completion['usage'] !== undefined) emit([], { usage: completion['usage'] });
  events.push({ data: '[DONE]' });
  return events;
}

function includesUsage(request: Record<string, unknown>): boolean {
  const opts = request['stream_options'];
  return isObject(opts) && opts['include_usage'] === true;
}

export const openAIChatReplay: ReplayCodec = {
  assemble: assembleChatCompletion,
  events(body, request) {
    return isObject(body) ? chatCompletionEvents(body, includesUsage(request)) : undefined;
  },
  withUsage(body, usage) {
    body['usage'] = { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, total_tokens: usage.total_tokens };
  },
};
