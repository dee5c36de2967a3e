// A local provider that answers with the messages it received, after redaction: it shows what a
// real provider would see, and lets the gateway run with no network.
import type { SseEvent } from './sse.js';
import type { Provider, ProviderResult, UpstreamRequest } from './types.js';

export interface EchoProviderOptions {
  name: string;
  clock: () => number;
  newId: () => string;
}

function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) => (part !== null && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : ''))
      .join('');
  }
  return '';
}

/** The echoed text: one line per message, `role: content`. */
export function echoText(messages: readonly unknown[]): string {
  return messages
    .map((m) => {
      const msg = (m ?? {}) as { role?: unknown; content?: unknown };
      return `${typeof msg.role === 'string' ? msg.role : 'unknown'}: ${messageText(msg.content)}`;
    })
    .join('\n');
}

function approxTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function createEchoProvider(options: EchoProviderOptions): Provider {
  return {
    name: options.name,
    type: 'echo',
    supports: (api) => api === 'openai.chat',
    async call(request: UpstreamRequest): Promise<ProviderResult> {
      const body = request.body as { model: string; messages: unknown[]; stream?: boolean; stream_options?: unknown };
      const text = echoText(body.messages);
      const id = `chatcmpl-${options.newId()}`;
      const created = Math.floor(options.clock() / 1000);
      const promptTokens = approxTokens(body.messages.map((m) => messageText((m as { content?: unknown })?.content)).join(' '));
      const usage = { prompt_tokens: promptTokens, completion_tokens: approxTokens(text), total_tokens: promptTokens + approxTokens(text) };
      if (!request.stream) {
        return {
          kind: 'json',
          status: 200,
          body: {
            id,
            object: 'chat.completion',
            created,
            model: body.model,
            choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }],
            usage,
          },
        };
      }
      const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
      async function* events(): AsyncGenerator<SseEvent> {
        const base = { id, object: 'chat.completion.chunk', created, model: body.model };
        yield { data: JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }) };
        for (const piece of text.match(/\S+\s*|\s+/g) ?? []) {
          yield { data: JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] }) };
        }
        yield { data: JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) };
        if (includeUsage) yield { data: JSON.stringify({ ...base, choices: [], usage }) };
        yield { data: '[DONE]' };
      }
      return { kind: 'stream', status: 200, events: events() };
    },
  };
}
