// A provider speaking Anthropic's messages API: Anthropic callers pass through untouched (their
// anthropic-version and anthropic-beta headers included); OpenAI-format callers are translated.
import type { Dispatcher } from 'undici';
import { readSse, type SseEvent } from './sse.js';
import { httpCall, readJson, throwForStatus, type HttpCallOptions, type HttpResponse } from './http-call.js';
import { providerMessage } from './openai.js';
import { upstreamError } from './upstream-error.js';
import { toTokenUsage, type Backend, type Rejection } from './translating-provider.js';
import { anthropicRequestFromChat, chatAnswerFromAnthropic, decodeAnthropicStream } from './translate/anthropic-codec.js';
import type { ChatRequest, ChatResult } from './translate/chat-model.js';
import { num, obj, type Json } from './translate/json-shapes.js';
import type { CallTrace, ProviderCall, ProviderResult, UpstreamRequest } from './types.js';

export interface AnthropicBackendOptions {
  name: string;
  /** Up to the version, e.g. https://api.anthropic.com/v1. */
  baseUrl: string;
  apiKey?: string;
  /** The anthropic-version sent when the caller sent none (translated requests always). */
  version: string;
  /** max_tokens for translated requests that set none (Anthropic requires it). */
  defaultMaxTokens: number;
  timeoutMs: number;
  idleTimeoutMs: number;
  /** The provider's keep-alive connection pool. */
  dispatcher: Dispatcher;
  clock: () => number;
}

function noteUsage(trace: CallTrace | undefined, input: number | undefined, output: number | undefined): void {
  if (!trace || (input === undefined && output === undefined)) return;
  trace.usage = toTokenUsage(input ?? trace.usage?.prompt_tokens ?? 0, output ?? trace.usage?.completion_tokens ?? 0);
}

/** Reads usage from a native stream's message_start and message_delta events as they pass. */
function usageTap(trace: CallTrace | undefined): (ev: SseEvent) => SseEvent {
  return (ev) => {
    if (ev.event === 'message_start' || ev.event === 'message_delta') {
      try {
        const data = obj(JSON.parse(ev.data));
        const usage = obj(ev.event === 'message_start' ? obj(data['message'])['usage'] : data['usage']);
        noteUsage(trace, num(usage['input_tokens']), num(usage['output_tokens']));
      } catch {
        // The pipeline reports malformed events when it reads them.
      }
    }
    return ev;
  };
}

export function createAnthropicBackend(o: AnthropicBackendOptions): Backend {
  const http: HttpCallOptions = { provider: o.name, dispatcher: o.dispatcher, clock: o.clock, timeoutMs: o.timeoutMs, idleTimeoutMs: o.idleTimeoutMs };
  const url = `${o.baseUrl.replace(/\/+$/, '')}/messages`;

  function send(body: Json, signal: AbortSignal, callerHeaders?: Readonly<Record<string, string>>): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'anthropic-version': callerHeaders?.['anthropic-version'] ?? o.version,
    };
    const beta = callerHeaders?.['anthropic-beta'];
    if (beta !== undefined) headers['anthropic-beta'] = beta;
    if (o.apiKey !== undefined) headers['x-api-key'] = o.apiKey;
    return httpCall(http, { url, headers, body: JSON.stringify(body), signal });
  }

  function expectStream(res: HttpResponse): void {
    if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) return;
    res.discard();
    throw upstreamError('GW_ERR_UPSTREAM_BAD_RESPONSE', { provider: o.name, status: res.status, retryable: false });
  }

  async function callNative(request: UpstreamRequest, call: ProviderCall): Promise<ProviderResult> {
    call.examine?.(request.body);
    const res = await send(request.body, call.signal, request.headers);
    throwForStatus(http, res);
    if (res.ok && request.stream) {
      expectStream(res);
      return { kind: 'stream', status: res.status, events: readSse(res.textChunks(), { provider: o.name, map: usageTap(call.trace) }) };
    }
    const parsed = await readJson(http, res);
    if (res.ok) {
      const u = obj(obj(parsed)['usage']);
      noteUsage(call.trace, num(u['input_tokens']), num(u['output_tokens']));
    }
    return { kind: 'json', status: res.status, body: parsed };
  }

  async function chat(req: ChatRequest, call: ProviderCall): Promise<ChatResult | Rejection> {
    const body = anthropicRequestFromChat(req, o.defaultMaxTokens);
    call.examine?.(body);
    const res = await send(body, call.signal);
    throwForStatus(http, res);
    if (!res.ok) return { kind: 'rejected', status: res.status, message: providerMessage(await readJson(http, res), res.status) };
    if (req.stream) {
      expectStream(res);
      return { kind: 'stream', events: decodeAnthropicStream(readSse(res.textChunks()), o.name) };
    }
    return { kind: 'json', answer: chatAnswerFromAnthropic(await readJson(http, res)) };
  }

  return { name: o.name, type: 'anthropic', native: new Set(['anthropic.messages']), callNative, chat };
}
