// The contract between the pipeline and a model provider: a chat call that answers with a JSON
// body or a stream of server-sent events, passed through as they arrive.
import type { SseEvent } from './sse.js';

export type ChatBody = Record<string, unknown> & { model: string; messages: unknown[]; stream?: boolean };

export interface ProviderCall {
  /** Aborted when the caller disconnects or the gateway gives up. */
  signal: AbortSignal;
}

export type ProviderResult =
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'stream'; status: number; events: AsyncIterable<SseEvent> };

export interface ChatProvider {
  readonly name: string;
  readonly type: string;
  chat(body: ChatBody, call: ProviderCall): Promise<ProviderResult>;
}
