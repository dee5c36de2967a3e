// Reads AWS's binary event-stream framing (application/vnd.amazon.eventstream), used by Bedrock
// ConverseStream: each message is a 12-byte prelude (total length, headers length, prelude
// CRC32), typed headers, a payload and a message CRC32, all big-endian. Both CRCs are checked.
import { crc32 } from 'node:zlib';

export type HeaderValue = string | number | bigint | boolean | Uint8Array | Date;

export interface EventStreamMessage {
  headers: Record<string, HeaderValue>;
  payload: Uint8Array;
}

/** Bounds one message, so a peer cannot make the reader buffer without limit. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export class EventStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventStreamError';
  }
}

function readHeaders(view: DataView, bytes: Uint8Array, start: number, end: number): Record<string, HeaderValue> {
  const headers: Record<string, HeaderValue> = {};
  const text = new TextDecoder();
  let at = start;
  const need = (n: number): void => {
    if (at + n > end) throw new EventStreamError('event-stream header runs past its block');
  };
  while (at < end) {
    need(1);
    const nameLength = view.getUint8(at);
    at += 1;
    need(nameLength + 1);
    const name = text.decode(bytes.subarray(at, at + nameLength));
    at += nameLength;
    const type = view.getUint8(at);
    at += 1;
    switch (type) {
      case 0:
        headers[name] = true;
        break;
      case 1:
        headers[name] = false;
        break;
      case 2:
        need(1);
        headers[name] = view.getInt8(at);
        at += 1;
        break;
      case 3:
        need(2);
        headers[name] = view.getInt16(at);
        at += 2;
        break;
      case 4:
        need(4);
        headers[name] = view.getInt32(at);
        at += 4;
        break;
      case 5:
        need(8);
        headers[name] = view.getBigInt64(at);
        at += 8;
        break;
      case 6:
      case 7: {
        need(2);
        const length = view.getUint16(at);
        at += 2;
        need(length);
        const value = bytes.subarray(at, at + length);
        headers[name] = type === 7 ? text.decode(value) : value.slice();
        at += length;
        break;
      }
      case 8:
        need(8);
        headers[name] = new Date(Number(view.getBigInt64(at)));
        at += 8;
        break;
      case 9:
        need(16);
        headers[name] = bytes.slice(at, at + 16);
        at += 16;
        break;
      default:
        throw new EventStreamError(`unknown event-stream header type ${type}`);
    }
  }
  return headers;
}

/** Decodes one complete message (prelude included). */
export function decodeMessage(bytes: Uint8Array): EventStreamMessage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 16) throw new EventStreamError('event-stream message shorter than its prelude');
  const total = view.getUint32(0);
  const headersLength = view.getUint32(4);
  if (total !== bytes.byteLength) throw new EventStreamError('event-stream length mismatch');
  if (crc32(bytes.subarray(0, 8)) !== view.getUint32(8)) throw new EventStreamError('event-stream prelude checksum mismatch');
  if (crc32(bytes.subarray(0, total - 4)) !== view.getUint32(total - 4)) throw new EventStreamError('event-stream message checksum mismatch');
  if (12 + headersLength > total - 4) throw new EventStreamError('event-stream headers longer than the message');
  const headers = readHeaders(view, bytes, 12, 12 + headersLength);
  return { headers, payload: bytes.slice(12 + headersLength, total - 4) };
}

/** Splits a byte stream into messages as they complete. */
export async function* readEventStream(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<EventStreamMessage> {
  let buffer: Uint8Array = new Uint8Array(0);
  for await (const chunk of chunks) {
    if (buffer.byteLength === 0) buffer = chunk;
    else {
      const joined = new Uint8Array(buffer.byteLength + chunk.byteLength);
      joined.set(buffer, 0);
      joined.set(chunk, buffer.byteLength);
      buffer = joined;
    }
    while (buffer.byteLength >= 4) {
      const total = new DataView(buffer.buffer, buffer.byteOffset, 4).getUint32(0);
      if (total < 16 || total > MAX_MESSAGE_BYTES) throw new EventStreamError(`event-stream message of ${total} bytes refused`);
      if (buffer.byteLength < total) break;
      yield decodeMessage(buffer.subarray(0, total));
      buffer = buffer.subarray(total);
    }
  }
  if (buffer.byteLength > 0) throw new EventStreamError('event-stream ended inside a message');
}
