// How a served API's answers are stored once and replayed in either form (whole or streamed).
import type { SseEvent } from '../providers/sse.js';
import type { TokenUsage } from '../providers/types.js';

export interface ReplayCodec {
  /** The whole answer a stream of parsed events amounts to; undefined when it is incomplete. */
  assemble(chunks: readonly unknown[]): Record<string, unknown> | undefined;
  /** The events a provider would have streamed for this answer, for this request's options. */
  events(body: unknown, request: Record<string, unknown>): SseEvent[] | undefined;
  /**
   * Puts the provider's usage into an assembled answer whose stream did not carry it (the caller
   * did not ask for it, so it never passed through); absent for APIs whose streams always do.
   */
  withUsage?(body: Record<string, unknown>, usage: TokenUsage): void;
}
