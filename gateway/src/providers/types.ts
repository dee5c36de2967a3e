// The contract between the pipeline and a model provider: a call in the caller's API that
// answers with a JSON body or a stream of server-sent events in that same API's format. A
// provider whose native API differs translates both ways inside itself.
import type { SseEvent } from './sse.js';

export interface UpstreamRequest {
  /** The caller's API, e.g. `openai.chat`. */
  api: string;
  /** The caller's body in its API's wire format, with `model` already set to the upstream model. */
  body: Record<string, unknown>;
  stream: boolean;
}

export interface ProviderCall {
  /** Aborted when the caller disconnects or the gateway gives up. */
  signal: AbortSignal;
}

export type ProviderResult =
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'stream'; status: number; events: AsyncIterable<SseEvent> };

export interface Provider {
  readonly name: string;
  readonly type: string;
  /** Whether this provider can answer requests made in `api`. */
  supports(api: string): boolean;
  call(request: UpstreamRequest, call: ProviderCall): Promise<ProviderResult>;
}
