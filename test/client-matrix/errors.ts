// What a client library's error says, whichever library threw it: the HTTP status, the message
// and the Retry-After, found on the error or the errors it wraps.

export interface SeenError {
  status?: number;
  message: string;
  retryAfter?: string;
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const v = (headers as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

export function seenError(err: unknown): SeenError {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const o = e as Record<string, unknown>;
    const status = typeof o['status'] === 'number' ? o['status'] : typeof o['statusCode'] === 'number' ? o['statusCode'] : undefined;
    if (status !== undefined) {
      const retryAfter = headerOf(o['headers'], 'retry-after') ?? headerOf(o['responseHeaders'], 'retry-after');
      const body = typeof o['responseBody'] === 'string' ? ` ${o['responseBody']}` : '';
      const seen: SeenError = { status, message: `${String(o['message'] ?? '')}${body}` };
      if (retryAfter !== undefined) seen.retryAfter = retryAfter;
      return seen;
    }
    e = o['lastError'] ?? o['cause'] ?? o['error'];
  }
  return { message: err instanceof Error ? err.message : String(err) };
}

/** A fetch that counts the requests a client sends, to tell a refused request from a retried one. */
export function countingFetch(): { fetch: typeof fetch; count: () => number } {
  let n = 0;
  return {
    fetch: (input, init) => {
      n++;
      return fetch(input, init);
    },
    count: () => n,
  };
}
