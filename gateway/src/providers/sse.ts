// A server-sent events reader for upstream streams (WHATWG event-stream rules: lines end in CR,
// LF or CRLF; a blank line ends an event; multi-line data is joined with LF).
import { isGatewayError } from '../errors.js';
import { upstreamError } from './upstream-error.js';

export interface SseEvent {
  event?: string;
  data: string;
}

/** Upper bound on one event, so a provider that never sends a blank line cannot exhaust memory. */
const MAX_EVENT_BYTES = 4 * 1024 * 1024;

export interface SseOptions {
  /**
   * Looks at each event as it is read, in the reader's own loop (no extra generator per event):
   * returns the event to pass on, or undefined to drop it.
   */
  map?: (ev: SseEvent) => SseEvent | undefined;
  /** When set, a malformed stream (an oversized event) is this provider's GW_ERR_UPSTREAM_BAD_RESPONSE. */
  provider?: string;
}

/**
 * Reads events from a body given as text (already decoded, e.g. by a stream's UTF-8 decoder) or
 * as bytes (decoded here, characters split across chunks included).
 */
export async function* readSse(body: AsyncIterable<Uint8Array | string>, options: SseOptions = {}): AsyncGenerator<SseEvent> {
  const { map, provider } = options;
  try {
    const decoder = new TextDecoder();
    let buffer = '';
    let data: string[] = [];
    let event: string | undefined;
    let size = 0;
    for await (const chunk of body) {
      buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      let start = 0;
      // Where the next CR is (-1: none left in this buffer); most providers send LF only, so it is searched once.
      let cr = buffer.indexOf('\r');
      for (;;) {
        if (cr !== -1 && cr < start) cr = buffer.indexOf('\r', start);
        const lf = buffer.indexOf('\n', start);
        let end: number;
        if (cr === -1 && lf === -1) break;
        if (cr === -1) end = lf;
        else if (lf === -1) end = cr;
        else end = Math.min(cr, lf);
        // A CR at the very end may be the first half of a CRLF split across chunks.
        if (end === cr && end === buffer.length - 1) break;
        const line = buffer.slice(start, end);
        start = end + (end === cr && buffer.charCodeAt(end + 1) === 10 ? 2 : 1);
        if (line === '') {
          if (data.length > 0) {
            const ev: SseEvent = { data: data.length === 1 ? (data[0] as string) : data.join('\n') };
            if (event !== undefined) ev.event = event;
            const out = map ? map(ev) : ev;
            if (out) yield out;
          }
          data = [];
          event = undefined;
          size = 0;
          continue;
        }
        if (line.charCodeAt(0) === 58) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? '' : line.slice(colon + 1);
        if (value.charCodeAt(0) === 32) value = value.slice(1);
        if (field === 'data') {
          size += value.length;
          if (size > MAX_EVENT_BYTES) throw new Error('server-sent event too large');
          data.push(value);
        } else if (field === 'event') {
          event = value;
        }
      }
      buffer = start === 0 ? buffer : buffer.slice(start);
      if (buffer.length > MAX_EVENT_BYTES) throw new Error('server-sent event line too long');
    }
    buffer += decoder.decode();
    if (buffer.length > 0 && buffer !== '\r') {
      // A stream that ends without the final blank line still delivers its last complete field.
      if (buffer.startsWith('data:')) data.push(buffer.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0) {
      const ev: SseEvent = { data: data.join('\n') };
      if (event !== undefined) ev.event = event;
      const out = map ? map(ev) : ev;
      if (out) yield out;
    }
  } catch (err) {
    // Framing errors (an oversized event) are the provider's malformed answer; the body's own failures are classified already.
    if (provider === undefined || isGatewayError(err) || (err instanceof Error && err.name === 'AbortError')) throw err;
    throw upstreamError('GW_ERR_UPSTREAM_BAD_RESPONSE', { provider, retryable: false, cause: err });
  }
}
