// Providers speaking OpenAI's wire format: OpenAI itself, Azure OpenAI (deployments, api-version,
// api-key header) and OpenAI-compatible servers (Mistral, Groq, vLLM, Ollama). Chat, embeddings
// and (OpenAI only) Responses pass through untouched; Anthropic-format callers are translated.
import type { Dispatcher } from 'undici';
import { readSse, type SseEvent } from './sse.js';
import { httpCall, readJson, throwForStatus, type HttpCallOptions, type HttpResponse } from './http-call.js';
import { upstreamError } from './upstream-error.js';
import { toTokenUsage, type Backend, type Rejection } from './translating-provider.js';
import type { ChatRequest, ChatResult } from './translate/chat-model.js';
import { chatAnswerFromOpenAI, decodeOpenAIStream, openAIRequestFromChat } from './translate/openai-chat-codec.js';
import { isObject, num, obj, str, type Json } from './translate/json-shapes.js';
import type { CallTrace, ProviderCall, ProviderResult, UpstreamRequest } from './types.js';

export type OpenAIFlavour = 'openai' | 'openai-compatible' | 'azure';

export interface OpenAIBackendOptions {
  name: string;
  flavour: OpenAIFlavour;
  /** OpenAI and compatible: up to the version, e.g. https://api.openai.com/v1. Azure: the resource endpoint. */
  baseUrl: string;
  apiKey?: string;
  /** Azure's api-version query parameter. */
  apiVersion?: string;
  /** Ask for usage on streams with stream_options.include_usage (some compatible servers refuse it). */
  streamUsage: boolean;
  /** Serve /v1/responses natively (OpenAI); otherwise Responses callers are translated to chat. */
  responses: boolean;
  timeoutMs: number;
  idleTimeoutMs: number;
  /** The provider's keep-alive connection pool. */
  dispatcher: Dispatcher;
  clock: () => number;
}

const ENDPOINTS: Record<string, string> = { 'openai.chat': 'chat/completions', 'openai.embeddings': 'embeddings', 'openai.responses': 'responses' };

/** Usage in any of OpenAI's answer shapes: chat and embeddings (prompt/completion) or Responses (input/output). */
export function openAIUsageOf(body: unknown): { input: number; output: number } | undefined {
  const b = obj(body);
  const u = isObject(b['usage']) ? b['usage'] : isObject(obj(b['response'])['usage']) ? obj(obj(b['response'])['usage']) : undefined;
  if (!u) return undefined;
  const input = num(u['prompt_tokens']) ?? num(u['input_tokens']);
  const output = num(u['completion_tokens']) ?? num(u['output_tokens']) ?? 0;
  return input === undefined ? undefined : { input, output };
}

function note(trace: CallTrace | undefined, usage: { input: number; output: number } | undefined): void {
  if (trace && usage) trace.usage = toTokenUsage(usage.input, usage.output);
}

/** The provider's own error message from an error body, in any of the shapes providers use. */
export function providerMessage(body: unknown, status: number): string {
  const b = obj(body);
  return str(obj(b['error'])['message']) ?? str(b['message']) ?? str(b['error']) ?? `The provider refused the request (HTTP ${status}).`;
}

/**
 * Reads usage from the events of a native stream as they pass, and drops the usage chunk the
 * gateway asked for on the caller's behalf. Only usage-bearing events are parsed here; the
 * pipeline reads the rest as they pass.
 */
function usageTap(options: { strip: boolean; trace: CallTrace | undefined }): (ev: SseEvent) => SseEvent | undefined {
  return (ev) => {
    if (!ev.data.includes('"usage"')) return ev;
    let chunk: Json | undefined;
    try {
      chunk = obj(JSON.parse(ev.data));
    } catch {
      return ev;
    }
    note(options.trace, openAIUsageOf(chunk));
    // The usage chunk the gateway asked for on the caller's behalf is not the caller's to see,
    // nor the `"usage": null` OpenAI then puts on every other chunk.
    if (!options.strip) return ev;
    if (Array.isArray(chunk['choices']) && chunk['choices'].length === 0 && isObject(chunk['usage'])) return undefined;
    if (chunk['usage'] !== null) return ev;
    delete chunk['usage'];
    return { ...ev, data: JSON.stringify(chunk) };
  };
}

export function createOpenAIBackend(o: OpenAIBackendOptions): Backend {
  const http: HttpCallOptions = { provider: o.name, dispatcher: o.dispatcher, clock: o.clock, timeoutMs: o.timeoutMs, idleTimeoutMs: o.idleTimeoutMs };
  const base = o.baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (o.apiKey !== undefined) {
    if (o.flavour === 'azure') headers['api-key'] = o.apiKey;
    else headers['authorization'] = `Bearer ${o.apiKey}`;
  }
  const native = new Set(['openai.chat', 'openai.embeddings']);
  if (o.responses && o.flavour !== 'azure') native.add('openai.responses');

  function urlFor(api: string, model: string): string {
    const endpoint = ENDPOINTS[api] ?? 'chat/completions';
    if (o.flavour === 'azure') return `${base}/openai/deployments/${encodeURIComponent(model)}/${endpoint}?api-version=${encodeURIComponent(o.apiVersion ?? '')}`;
    return `${base}/${endpoint}`;
  }

  async function send(api: string, body: Json, signal: AbortSignal): Promise<HttpResponse> {
    return httpCall(http, { url: urlFor(api, str(body['model']) ?? ''), headers, body: JSON.stringify(body), signal });
  }

  async function callNative(request: UpstreamRequest, call: ProviderCall): Promise<ProviderResult> {
    let body = request.body;
    let strip = false;
    if (request.api === 'openai.chat' && request.stream) {
      if (!o.streamUsage) {
        // A server that refuses stream_options would fail the whole request over it; the caller gets no usage chunk.
        if (body['stream_options'] !== undefined) {
          body = { ...body };
          delete body['stream_options'];
        }
      } else if (obj(body['stream_options'])['include_usage'] !== true) {
        body = { ...body, stream_options: { ...obj(body['stream_options']), include_usage: true } };
        strip = true;
      }
    }
    call.examine?.(body);
    const res = await send(request.api, body, call.signal);
    throwForStatus(http, res);
    if (res.ok && request.stream) {
      if (!(res.headers.get('content-type') ?? '').includes('text/event-stream')) {
        res.discard();
        throw upstreamError('GW_ERR_UPSTREAM_BAD_RESPONSE', { provider: o.name, status: res.status, retryable: false });
      }
      return { kind: 'stream', status: res.status, events: readSse(res.textChunks(), { provider: o.name, map: usageTap({ strip, trace: call.trace }) }) };
    }
    const parsed = await readJson(http, res);
    if (res.ok) note(call.trace, openAIUsageOf(parsed));
    return { kind: 'json', status: res.status, body: parsed };
  }

  async function chat(req: ChatRequest, call: ProviderCall): Promise<ChatResult | Rejection> {
    const body = openAIRequestFromChat(req, { maxTokensField: o.flavour === 'openai-compatible' ? 'max_tokens' : 'max_completion_tokens', streamUsage: o.streamUsage, target: o.flavour });
    call.examine?.(body);
    const res = await send('openai.chat', body, call.signal);
    throwForStatus(http, res);
    if (!res.ok) {
      const parsed = await readJson(http, res);
      return { kind: 'rejected', status: res.status, message: providerMessage(parsed, res.status) };
    }
    if (req.stream) {
      if (!(res.headers.get('content-type') ?? '').includes('text/event-stream')) {
        res.discard();
        throw upstreamError('GW_ERR_UPSTREAM_BAD_RESPONSE', { provider: o.name, status: res.status, retryable: false });
      }
      return { kind: 'stream', events: decodeOpenAIStream(readSse(res.textChunks()), o.name) };
    }
    return { kind: 'json', answer: chatAnswerFromOpenAI(await readJson(http, res)) };
  }

  return { name: o.name, type: o.flavour, native, callNative, chat };
}

