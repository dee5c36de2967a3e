// A provider for Google Gemini: the Gemini API (AI Studio, API key in x-goog-api-key) and Vertex
// AI (bearer token read from a file). Every caller format is translated; embeddings go through
// batchEmbedContents on the Gemini API.
import type { Dispatcher } from 'undici';
import { readSse } from './sse.js';
import { httpCall, readJson, throwForStatus, type HttpCallOptions, type HttpResponse } from './http-call.js';
import { providerMessage } from './openai.js';
import { upstreamError } from './upstream-error.js';
import type { Backend, Rejection } from './translating-provider.js';
import type { ChatRequest, ChatResult } from './translate/chat-model.js';
import type { EmbedAnswer, EmbedRequest } from './translate/embeddings-codec.js';
import { chatAnswerFromGemini, decodeGeminiStream, geminiRequestFromChat } from './translate/gemini-codec.js';
import { arr, obj, refusal, type Json } from './translate/json-shapes.js';
import type { ProviderCall } from './types.js';

export interface GeminiBackendOptions {
  name: string;
  /** `gemini` (AI Studio) or `vertex`. */
  flavour: 'gemini' | 'vertex';
  /** Up to `.../models`' parent: https://generativelanguage.googleapis.com/v1beta, or Vertex's publisher path. */
  baseUrl: string;
  apiKey?: string;
  /** Vertex: the current access token. */
  token?: () => Promise<string>;
  timeoutMs: number;
  idleTimeoutMs: number;
  /** The provider's keep-alive connection pool. */
  dispatcher: Dispatcher;
  clock: () => number;
  newId: () => string;
}

export function createGeminiBackend(o: GeminiBackendOptions): Backend {
  const http: HttpCallOptions = { provider: o.name, dispatcher: o.dispatcher, clock: o.clock, timeoutMs: o.timeoutMs, idleTimeoutMs: o.idleTimeoutMs };
  const base = o.baseUrl.replace(/\/+$/, '');
  const newCallId = (): string => `call_${o.newId()}`;

  async function send(model: string, method: string, body: Json, signal: AbortSignal): Promise<HttpResponse> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    if (o.apiKey !== undefined) headers['x-goog-api-key'] = o.apiKey;
    if (o.token) headers['authorization'] = `Bearer ${await o.token()}`;
    const query = method === 'streamGenerateContent' ? '?alt=sse' : '';
    return httpCall(http, { url: `${base}/models/${encodeURIComponent(model)}:${method}${query}`, headers, body: JSON.stringify(body), signal });
  }

  async function chat(req: ChatRequest, call: ProviderCall): Promise<ChatResult | Rejection> {
    const body = geminiRequestFromChat(req);
    call.examine?.(body);
    const res = await send(req.model, req.stream ? 'streamGenerateContent' : 'generateContent', body, call.signal);
    throwForStatus(http, res);
    if (!res.ok) return { kind: 'rejected', status: res.status, message: providerMessage(await readJson(http, res), res.status) };
    const id = `gemini-${o.newId()}`;
    if (req.stream) {
      if (!(res.headers.get('content-type') ?? '').includes('text/event-stream')) {
        res.discard();
        throw upstreamError('GW_ERR_UPSTREAM_BAD_RESPONSE', { provider: o.name, status: res.status, retryable: false });
      }
      return { kind: 'stream', events: decodeGeminiStream(readSse(res.textChunks()), o.name, id, req.model, newCallId) };
    }
    return { kind: 'json', answer: chatAnswerFromGemini(await readJson(http, res), id, req.model, newCallId) };
  }

  async function embed(req: EmbedRequest, call: ProviderCall): Promise<EmbedAnswer | Rejection> {
    const requests = req.inputs.map((text) => {
      const r: Json = { model: `models/${req.model}`, content: { parts: [{ text }] } };
      if (req.dimensions !== undefined) r['outputDimensionality'] = req.dimensions;
      return r;
    });
    // Gemini's embeddings carry no end-user id.
    if (req.user !== undefined) throw refusal('user', o.flavour);
    const body = { requests };
    call.examine?.(body);
    const res = await send(req.model, 'batchEmbedContents', body, call.signal);
    throwForStatus(http, res);
    const parsed = await readJson(http, res);
    if (!res.ok) return { kind: 'rejected', status: res.status, message: providerMessage(parsed, res.status) };
    const vectors = arr(obj(parsed)['embeddings']).map((e) => arr(obj(e)['values']).filter((v): v is number => typeof v === 'number'));
    if (vectors.length !== req.inputs.length) throw upstreamError('GW_ERR_UPSTREAM_BAD_RESPONSE', { provider: o.name, retryable: false });
    return { vectors };
  }

  const backend: Backend = { name: o.name, type: o.flavour, native: new Set(), chat };
  return o.flavour === 'gemini' ? { ...backend, embed } : backend;
}
