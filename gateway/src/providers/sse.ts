// A server-sent events reader for upstream streams (WHATWG event-stream rules: lines end in CR,
// LF or CRLF; a blank line ends an event; multi-line data is joined with LF).

export interface SseEvent {
  event?: string;
  data: string;
}

/** Upper bound on one event, so a provider that never sends a blank line cannot exhaust memory. */
const MAX_EVENT_BYTES = 4 * 1024 * 1024;

export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event: string | undefined;
  let size = 0;
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (;;) {
      const cr = buffer.indexOf('\r', start);
      const lf = buffer.indexOf('\n', start);
      let end: number;
      if (cr === -1 && lf === -1) break;
      if (cr === -1) end = lf;
      else if (lf === -1) end = cr;
      else end = Math.min(cr, lf);
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (end === cr && end === buffer.length - 1) break;
      const line = buffer.slice(start, end);
      start = end + (buffer[end] === '\r' && buffer[end + 1] === '\n' ? 2 : 1);
      if (line === '') {
        if (data.length > 0) {
          const ev: SseEvent = { data: data.join('\n') };
          if (event !== undefined) ev.event = event;
          yield ev;
        }
        data = [];
        event = undefined;
        size = 0;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') {
        size += value.length;
        if (size > MAX_EVENT_BYTES) throw new Error('server-sent event too large');
        data.push(value);
      } else if (field === 'event') {
        event = value;
      }
    }
    buffer = buffer.slice(start);
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
    yield ev;
  }
}
