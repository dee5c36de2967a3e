// The contract between the pipeline and a model provider: a call in the caller's API that
// answers with a JSON body or a stream of server-sent events in that same API's format. A
// provider whose native API differs translates both ways inside itself.
import type { ModelApi } from '../api-names.js';
import type { SseEvent } from './sse.js';

/** Token counts as recorded in audit records and metrics. */
export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface UpstreamRequest {
  /** The caller's API, e.g. `openai.chat`. */
  api: ModelApi;
  /** The caller's body in its API's wire format. The routing layer sets `model` per target. */
  body: Record<string, unknown>;
  stream: boolean;
  /** Caller headers a same-format upstream should see (`anthropic-version`, `anthropic-beta`). */
  headers?: Readonly<Record<string, string>>;
}

/** One provider call made for a request, as recorded in the outcome record. */
export interface Attempt {
  provider: string;
  model?: string;
  status?: number;
  error?: string;
}

/**
 * What the provider layer learned while answering, filled in as it goes: every attempt, the
 * target that answered, when its first byte came, and the usage it reported (including usage
 * from stream events that were not forwarded to the caller).
 */
export interface CallTrace {
  attempts: Attempt[];
  provider?: string;
  model?: string;
  /** Clock time at which a streamed answer's first event arrived. */
  firstByteAt?: number;
  usage?: TokenUsage;
}

export interface ProviderCall {
  /** Aborted when the caller disconnects or the gateway gives up. */
  signal: AbortSignal;
  trace?: CallTrace;
  /** The request policy's `route` output, as the policy returned it (validated by the router). */
  policyRoute?: unknown;
  /**
   * Sees the exact body a provider is about to send, right before it is sent (the neutral request
   * for echo). Throwing fails the call with that error: nothing is sent and nothing is retried.
   */
  examine?: (outgoing: unknown) => void;
}

export type ProviderResult =
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'stream'; status: number; events: AsyncIterable<SseEvent> };

export interface Provider {
  readonly name: string;
  readonly type: string;
  /** Whether this provider can answer requests made in `api`. */
  supports(api: ModelApi): boolean;
  call(request: UpstreamRequest, call: ProviderCall): Promise<ProviderResult>;
}

export function newTrace(): CallTrace {
  return { attempts: [] };
}
