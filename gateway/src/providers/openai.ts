// A provider speaking OpenAI's chat completions wire format at any base URL (OpenAI, vLLM,
// Ollama, Mistral and other compatible servers).
import { GatewayError } from '../errors.js';
import { readSse } from './sse.js';
import type { Provider, ProviderCall, ProviderResult, UpstreamRequest } from './types.js';

export interface OpenAIProviderOptions {
  name: string;
  baseUrl: string;
  apiKey?: string;
  /** Time allowed until the upstream's response headers arrive. */
  timeoutMs: number;
  fetch: typeof fetch;
}

function errorCode(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur !== null && typeof cur === 'object'; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export function createOpenAIProvider(options: OpenAIProviderOptions): Provider {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (options.apiKey) headers['authorization'] = `Bearer ${options.apiKey}`;

  return {
    name: options.name,
    type: 'openai',
    supports: (api) => api === 'openai.chat',
    async call(request: UpstreamRequest, call: ProviderCall): Promise<ProviderResult> {
      const body = request.body;
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), options.timeoutMs);
      const signal = AbortSignal.any([call.signal, timeout.signal]);
      let res: Response;
      try {
        res = await options.fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal });
      } catch (cause) {
        if (timeout.signal.aborted) throw new GatewayError('GW_ERR_UPSTREAM_TIMEOUT', { cause, data: { provider: options.name } });
        throw new GatewayError('GW_ERR_UPSTREAM_UNREACHABLE', { cause, data: { provider: options.name, code: errorCode(cause) } });
      } finally {
        clearTimeout(timer);
      }
      const type = res.headers.get('content-type') ?? '';
      if (res.ok && request.stream && type.includes('text/event-stream') && res.body) {
        return { kind: 'stream', status: res.status, events: readSse(res.body) };
      }
      let text: string;
      try {
        text = await res.text();
      } catch (cause) {
        throw new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', { cause, data: { provider: options.name } });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (cause) {
        throw new GatewayError(res.ok ? 'GW_ERR_UPSTREAM_BAD_RESPONSE' : 'GW_ERR_UPSTREAM_STATUS', {
          cause,
          data: { provider: options.name, upstream_status: res.status },
        });
      }
      if (!res.ok) {
        // Client errors about the request itself are the caller's to see; the provider's own
        // authentication and server failures are not the caller's doing.
        if (res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403) {
          return { kind: 'json', status: res.status, body: parsed };
        }
        throw new GatewayError('GW_ERR_UPSTREAM_STATUS', { data: { provider: options.name, upstream_status: res.status } });
      }
      return { kind: 'json', status: res.status, body: parsed };
    },
  };
}
