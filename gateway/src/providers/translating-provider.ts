// Turns a provider backend into a Provider that answers in the caller's API: requests in an API
// the backend speaks natively pass through untouched; every other chat API is translated through
// the neutral chat exchange, both ways, streams included.
import { GatewayError, isGatewayError } from '../errors.js';
import { upstreamError } from './upstream-error.js';
import type { SseEvent } from './sse.js';
import { CALLER_FORMATS, CHAT_APIS, type EncodeContext } from './translate/caller-formats.js';
import type { ChatEvent, ChatRequest, ChatResult } from './translate/chat-model.js';
import { refusal } from './translate/json-shapes.js';
import { embedRequestFromOpenAI, openAIEmbeddingsAnswer, type EmbedAnswer, type EmbedRequest } from './translate/embeddings-codec.js';
import type { CallTrace, Provider, ProviderCall, ProviderResult, TokenUsage, UpstreamRequest } from './types.js';

/** A provider's refusal of a request (a 4xx about the request itself), shown to the caller. */
export interface Rejection {
  kind: 'rejected';
  status: number;
  message: string;
}

export interface Backend {
  readonly name: string;
  readonly type: string;
  /** Caller APIs this backend speaks natively; requests in them pass through as sent. */
  readonly native: ReadonlySet<string>;
  callNative?(request: UpstreamRequest, call: ProviderCall): Promise<ProviderResult>;
  chat?(request: ChatRequest, call: ProviderCall): Promise<ChatResult | Rejection>;
  embed?(request: EmbedRequest, call: ProviderCall): Promise<EmbedAnswer | Rejection>;
}

export function toTokenUsage(input: number, output: number): TokenUsage {
  return { prompt_tokens: input, completion_tokens: output, total_tokens: input + output };
}

function noteUsage(trace: CallTrace | undefined, input: number | undefined, output: number | undefined): void {
  if (!trace) return;
  const prev = trace.usage;
  const i = input ?? prev?.prompt_tokens ?? 0;
  const o = output ?? prev?.completion_tokens ?? 0;
  trace.usage = toTokenUsage(i, o);
}

async function* encodeStream(events: AsyncIterable<ChatEvent>, encode: (ev: ChatEvent) => SseEvent[], trace: CallTrace | undefined, provider: string): AsyncGenerator<SseEvent> {
  try {
    for await (const ev of events) {
      if (ev.type === 'usage') noteUsage(trace, ev.input, ev.output);
      else if (ev.type === 'start' && ev.inputTokens !== undefined) noteUsage(trace, ev.inputTokens, undefined);
      for (const out of encode(ev)) yield out;
      if (ev.type === 'done') return;
    }
  } catch (err) {
    // Framing errors (an oversized or broken event) are the provider's malformed answer.
    if (isGatewayError(err) || (err instanceof Error && err.name === 'AbortError')) throw err;
    throw upstreamError('GW_ERR_UPSTREAM_BAD_RESPONSE', { provider, retryable: false, cause: err });
  }
}

export function createTranslatingProvider(backend: Backend, ctx: EncodeContext): Provider {
  return {
    name: backend.name,
    type: backend.type,
    supports(api) {
      if (backend.native.has(api)) return true;
      if (CHAT_APIS.has(api)) return backend.chat !== undefined;
      if (api === 'openai.embeddings') return backend.embed !== undefined;
      return false;
    },
    async call(request, call) {
      if (backend.native.has(request.api) && backend.callNative) return backend.callNative(request, call);
      if (request.api === 'openai.embeddings' && backend.embed) {
        const embedReq = embedRequestFromOpenAI(request.body, backend.type);
        const result = await backend.embed(embedReq, call);
        if ('kind' in result) return { kind: 'json', status: result.status, body: CALLER_FORMATS['openai.chat']?.clientError(result.status, result.message) };
        if (result.inputTokens !== undefined) noteUsage(call.trace, result.inputTokens, 0);
        return { kind: 'json', status: 200, body: openAIEmbeddingsAnswer(request.body, embedReq.model, result) };
      }
      const format = CALLER_FORMATS[request.api];
      if (!format || !backend.chat) throw new GatewayError('GW_ERR_MODEL_NOT_FOUND', { detail: `The model cannot answer ${request.api} requests.` });
      const chatReq = format.request(request.body);
      const untranslatable = chatReq.untranslatable[0];
      if (untranslatable !== undefined) throw refusal(untranslatable, backend.type);
      const result = await backend.chat(chatReq, call);
      if (result.kind === 'rejected') return { kind: 'json', status: result.status, body: format.clientError(result.status, result.message) };
      if (result.kind === 'json') {
        if (result.answer.usage) noteUsage(call.trace, result.answer.usage.input, result.answer.usage.output);
        return { kind: 'json', status: 200, body: format.answer(result.answer, ctx, request.body) };
      }
      const encoder = format.encoder(request.body, chatReq.model, ctx);
      return { kind: 'stream', status: 200, events: encodeStream(result.events, (ev) => encoder.encode(ev), call.trace, backend.name) };
    },
  };
}
