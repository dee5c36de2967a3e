// A provider for AWS Bedrock's Converse and ConverseStream APIs, signed with SigV4. Every caller
// format is translated; streams arrive in AWS's binary event-stream framing.
import type { Dispatcher } from 'undici';
import { httpCall, readJson, throwForStatus, type HttpCallOptions, type HttpResponse } from './http-call.js';
import { readEventStream } from './aws/event-stream.js';
import { signV4, type AwsCredentials } from './aws/sigv4.js';
import { providerMessage } from './openai.js';
import { upstreamError } from './upstream-error.js';
import type { Backend, Rejection } from './translating-provider.js';
import { bedrockRequestFromChat, chatAnswerFromBedrock, decodeBedrockStream } from './translate/bedrock-codec.js';
import type { ChatRequest, ChatResult } from './translate/chat-model.js';
import type { ProviderCall } from './types.js';

export interface BedrockBackendOptions {
  name: string;
  region: string;
  /** Defaults to https://bedrock-runtime.<region>.amazonaws.com. */
  baseUrl?: string;
  credentials: AwsCredentials;
  timeoutMs: number;
  idleTimeoutMs: number;
  /** The provider's keep-alive connection pool. */
  dispatcher: Dispatcher;
  clock: () => number;
  newId: () => string;
}

export function createBedrockBackend(o: BedrockBackendOptions): Backend {
  const http: HttpCallOptions = { provider: o.name, dispatcher: o.dispatcher, clock: o.clock, timeoutMs: o.timeoutMs, idleTimeoutMs: o.idleTimeoutMs };
  const base = new URL(o.baseUrl ?? `https://bedrock-runtime.${o.region}.amazonaws.com`);
  const prefix = base.pathname.replace(/\/+$/, '');

  function send(model: string, stream: boolean, body: string, signal: AbortSignal): Promise<HttpResponse> {
    // Model ids hold `:` (e.g. `...-v1:0`); it is sent as %3A and signed as sent.
    const path = `${prefix}/model/${encodeURIComponent(model)}/${stream ? 'converse-stream' : 'converse'}`;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'application/vnd.amazon.eventstream' : 'application/json',
    };
    const signed = signV4({ method: 'POST', host: base.host, path, headers, body, region: o.region, service: 'bedrock', credentials: o.credentials, now: new Date(o.clock()) });
    return httpCall(http, { url: `${base.origin}${path}`, headers: { ...headers, ...signed.headers }, body, signal });
  }

  async function chat(req: ChatRequest, call: ProviderCall): Promise<ChatResult | Rejection> {
    const body = bedrockRequestFromChat(req);
    // Examined before signing: the signature covers exactly these bytes.
    call.examine?.(body);
    const res = await send(req.model, req.stream, JSON.stringify(body), call.signal);
    throwForStatus(http, res);
    if (!res.ok) return { kind: 'rejected', status: res.status, message: providerMessage(await readJson(http, res), res.status) };
    const id = `bedrock-${o.newId()}`;
    if (req.stream) {
      if (!(res.headers.get('content-type') ?? '').includes('application/vnd.amazon.eventstream')) {
        res.discard();
        throw upstreamError('GW_ERR_UPSTREAM_BAD_RESPONSE', { provider: o.name, status: res.status, retryable: false });
      }
      return { kind: 'stream', events: decodeBedrockStream(readEventStream(res.chunks()), o.name, id, req.model) };
    }
    return { kind: 'json', answer: chatAnswerFromBedrock(await readJson(http, res), id, req.model) };
  }

  return { name: o.name, type: 'bedrock', native: new Set(), chat };
}
