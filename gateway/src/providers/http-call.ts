// One HTTP exchange with a provider over undici's dispatcher API: a keep-alive connection pool per
// provider, bounded waits for the headers and between body chunks, the caller's abort carried
// through, and failures classified for retries. Bodies are read as Node streams as they arrive,
// never buffered whole unless the caller asks for the text.
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import { statusError, upstreamError, type HeaderReader } from './upstream-error.js';

export interface HttpCallOptions {
  provider: string;
  /** The provider's connection pool; owned (and closed) by whoever built the provider. */
  dispatcher: Dispatcher;
  clock: () => number;
  /** Time allowed until the response headers arrive once the request is sent. */
  timeoutMs: number;
  /** Time allowed between body chunks, the first one included. */
  idleTimeoutMs: number;
}

export interface HttpRequest {
  url: string;
  method?: Dispatcher.HttpMethod;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal: AbortSignal;
}

export interface HttpResponse {
  status: number;
  ok: boolean;
  headers: HeaderReader;
  /** The raw header record, for callers that relay headers as they are. */
  rawHeaders: IncomingHttpHeaders;
  /** The body as it arrives; failures are classified (timeout, reset). */
  chunks(): AsyncGenerator<Uint8Array>;
  /** The same, decoded as UTF-8 as it arrives (a character split across chunks is kept whole). */
  textChunks(): AsyncGenerator<string>;
  text(): Promise<string>;
  /** Releases the connection without handing the rest of the body to anyone. */
  discard(): void;
}

export interface AgentOptions {
  /** Time allowed to open a connection (TCP and TLS). */
  connectTimeoutMs: number;
}

/**
 * A keep-alive pool for one provider. Idle connections are kept for up to 30 s (less when the
 * server's Keep-Alive hint says so), so a steady caller never pays for a new TLS handshake.
 */
export function createProviderAgent(o: AgentOptions): Agent {
  return new Agent({ connect: { timeout: o.connectTimeoutMs }, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
}

/** undici's error codes for a wait that ran out (connect, headers, or between body chunks). */
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function isTimeout(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TIMEOUT_CODES.has(code);
}

function headerReader(headers: IncomingHttpHeaders): HeaderReader {
  return {
    get(name) {
      const v = headers[name.toLowerCase()];
      if (v === undefined) return null;
      return Array.isArray(v) ? v.join(', ') : v;
    },
  };
}

/** What is read of a body nobody wants, so its connection can serve the next call. */
const DRAIN_LIMIT_BYTES = 64 * 1024;
const DRAIN_WAIT_MS = 1000;

/**
 * Lets go of a body that was not read to its end. A short remainder (an error body, the end of a
 * stream whose final event was read) is drained so the keep-alive connection is reused instead of
 * paying for a new one (a TLS handshake with a real provider); anything longer or slower, or a
 * call the caller abandoned, closes the connection, which also stops the provider generating.
 */
function release(body: Dispatcher.ResponseData['body'], signal: AbortSignal): void {
  if (signal.aborted) {
    body.destroy();
    return;
  }
  let left = DRAIN_LIMIT_BYTES;
  const timer = setTimeout(() => body.destroy(), DRAIN_WAIT_MS);
  body.once('close', () => clearTimeout(timer));
  body.on('error', () => undefined);
  body.on('data', (chunk: Buffer | string) => {
    left -= chunk.length;
    if (left < 0) body.destroy();
  });
  body.resume();
}

export async function httpCall(options: HttpCallOptions, req: HttpRequest): Promise<HttpResponse> {
  const { provider } = options;
  req.signal.throwIfAborted();
  const url = new URL(req.url);
  let data: Dispatcher.ResponseData;
  try {
    data = await options.dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: req.method ?? 'POST',
      headers: req.headers,
      body: req.body ?? null,
      signal: req.signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.idleTimeoutMs,
    });
  } catch (cause) {
    if (req.signal.aborted) throw req.signal.reason;
    if (isTimeout(cause)) throw upstreamError('GW_ERR_UPSTREAM_TIMEOUT', { provider, retryable: true, cause });
    throw upstreamError('GW_ERR_UPSTREAM_UNREACHABLE', { provider, retryable: true, cause });
  }
  const body = data.body;

  let consumed = false;
  async function* chunks<T extends Buffer | string>(): AsyncGenerator<T> {
    if (consumed) throw new Error('body already read');
    consumed = true;
    let received = 0;
    let failed = false;
    try {
      // Not destroyed on return: a reader that stops at a stream's final event leaves only the end behind.
      for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<T>) {
        received += chunk.length;
        yield chunk;
      }
    } catch (cause) {
      failed = true;
      if (req.signal.aborted) throw req.signal.reason;
      // Before the first byte, trying again is safe; after it, the caller may have seen part of the answer.
      const retryable = received === 0;
      if (isTimeout(cause)) throw upstreamError('GW_ERR_UPSTREAM_TIMEOUT', { provider, retryable, cause });
      throw upstreamError('GW_ERR_UPSTREAM_UNREACHABLE', { provider, retryable, cause });
    } finally {
      if (!failed && !body.readableEnded) release(body, req.signal);
    }
  }

  const status = data.statusCode;
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: headerReader(data.headers),
    rawHeaders: data.headers,
    chunks: () => chunks<Buffer>(),
    textChunks() {
      // Node's own UTF-8 decoder, cheaper per chunk than a TextDecoder in the reader.
      body.setEncoding('utf8');
      return chunks<string>();
    },
    async text() {
      if (consumed) throw new Error('body already read');
      consumed = true;
      try {
        // undici's own reader: no async iterator per body, one decode at the end.
        return await body.text();
      } catch (cause) {
        if (req.signal.aborted) throw req.signal.reason;
        // The provider had started answering and may have done the work: it is not asked twice.
        if (isTimeout(cause)) throw upstreamError('GW_ERR_UPSTREAM_TIMEOUT', { provider, retryable: false, cause });
        throw upstreamError('GW_ERR_UPSTREAM_UNREACHABLE', { provider, retryable: false, cause });
      }
    },
    discard() {
      if (consumed) return;
      consumed = true;
      release(body, req.signal);
    },
  };
}

/** Reads a JSON answer; a body that is not JSON is a malformed answer (or, for an error status, that status's error). */
export async function readJson(options: HttpCallOptions, res: HttpResponse): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw upstreamError(res.ok ? 'GW_ERR_UPSTREAM_BAD_RESPONSE' : 'GW_ERR_UPSTREAM_STATUS', {
      provider: options.provider,
      status: res.status,
      retryable: !res.ok && res.status >= 500,
      cause,
    });
  }
}

/**
 * Whether a non-2xx answer is about the caller's request (shown to the caller) rather than about
 * the provider (its credentials, its load, its failures), which the routing layer handles.
 */
export function isCallerError(status: number): boolean {
  return status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 408 && status !== 429;
}

/** Throws the classified error for a failed status that is not the caller's doing. */
export function throwForStatus(options: HttpCallOptions, res: HttpResponse): void {
  if (res.ok || isCallerError(res.status)) return;
  res.discard();
  throw statusError(options.provider, res.status, res.headers, options.clock());
}
