// One HTTP exchange with a provider: bounded waits for the headers and between body chunks,
// the caller's abort carried through, and failures classified for retries. Bodies are read as
// they arrive, never buffered whole unless the caller asks for the text.
import { statusError, upstreamError } from './upstream-error.js';

export interface HttpCallOptions {
  provider: string;
  fetch: typeof fetch;
  clock: () => number;
  /** Time allowed until the response headers arrive. */
  timeoutMs: number;
  /** Time allowed between body chunks, the first one included. */
  idleTimeoutMs: number;
}

export interface HttpRequest {
  url: string;
  method?: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal: AbortSignal;
}

export interface HttpResponse {
  status: number;
  ok: boolean;
  headers: Headers;
  /** The body as it arrives; failures are classified (timeout, reset). */
  chunks(): AsyncGenerator<Uint8Array>;
  text(): Promise<string>;
  /** Releases the connection without reading the rest of the body. */
  discard(): void;
}

export async function httpCall(options: HttpCallOptions, req: HttpRequest): Promise<HttpResponse> {
  const { provider } = options;
  req.signal.throwIfAborted();
  const ctl = new AbortController();
  let timedOut = false;
  const onCallerAbort = (): void => ctl.abort(req.signal.reason);
  req.signal.addEventListener('abort', onCallerAbort, { once: true });
  const release = (): void => req.signal.removeEventListener('abort', onCallerAbort);
  const headerTimer = setTimeout(() => {
    timedOut = true;
    ctl.abort();
  }, options.timeoutMs);

  let res: Response;
  try {
    const init: RequestInit = { method: req.method ?? 'POST', headers: req.headers, signal: ctl.signal };
    if (req.body !== undefined) init.body = req.body;
    res = await options.fetch(req.url, init);
  } catch (cause) {
    release();
    if (req.signal.aborted) throw req.signal.reason;
    if (timedOut) throw upstreamError('GW_ERR_UPSTREAM_TIMEOUT', { provider, retryable: true, cause });
    throw upstreamError('GW_ERR_UPSTREAM_UNREACHABLE', { provider, retryable: true, cause });
  } finally {
    clearTimeout(headerTimer);
  }

  let consumed = false;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (consumed) throw new Error('body already read');
    consumed = true;
    const body = res.body;
    if (!body) {
      release();
      return;
    }
    const reader = body.getReader();
    let received = 0;
    let finished = false;
    try {
      for (;;) {
        const timer = setTimeout(() => {
          timedOut = true;
          ctl.abort();
        }, options.idleTimeoutMs);
        let r: Awaited<ReturnType<typeof reader.read>>;
        try {
          r = await reader.read();
        } catch (cause) {
          if (req.signal.aborted) throw req.signal.reason;
          // Before the first byte, trying again is safe; after it, the caller may have seen part of the answer.
          const retryable = received === 0;
          if (timedOut) throw upstreamError('GW_ERR_UPSTREAM_TIMEOUT', { provider, retryable });
          throw upstreamError('GW_ERR_UPSTREAM_UNREACHABLE', { provider, retryable, cause });
        } finally {
          clearTimeout(timer);
        }
        if (r.done) {
          finished = true;
          return;
        }
        received += r.value.byteLength;
        yield r.value;
      }
    } finally {
      release();
      // Stopped early (the caller left or a reader gave up): free the connection.
      if (!finished) ctl.abort();
      reader.releaseLock();
    }
  }

  return {
    status: res.status,
    ok: res.ok,
    headers: res.headers,
    chunks,
    async text() {
      const decoder = new TextDecoder();
      let out = '';
      for await (const c of chunks()) out += decoder.decode(c, { stream: true });
      return out + decoder.decode();
    },
    discard() {
      release();
      ctl.abort();
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
