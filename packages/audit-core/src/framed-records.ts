// Length-prefixed, checksummed frames for append-only local files (journals, spools), so a torn tail is recognised and dropped.
import { crc32 } from 'node:zlib';
import { AuditCoreError } from './errors.js';

/** Bytes before each payload: big-endian uint32 length, then big-endian uint32 CRC-32 of the payload. */
export const FRAME_HEADER_SIZE = 8;
/** Larger payloads are refused: a length beyond this is read as corruption, never as a huge allocation. */
export const MAX_FRAME_PAYLOAD = 16 * 1024 * 1024;

export function encodeFrames(payloads: readonly Uint8Array[]): Buffer {
  let total = 0;
  for (const p of payloads) {
    if (p.length > MAX_FRAME_PAYLOAD) {
      throw new AuditCoreError('CORE_ERR_INVALID_ARGUMENT', { detail: `A frame payload of ${p.length} bytes is larger than ${MAX_FRAME_PAYLOAD}.` });
    }
    total += FRAME_HEADER_SIZE + p.length;
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const p of payloads) {
    out.writeUInt32BE(p.length, at);
    out.writeUInt32BE(crc32(p), at + 4);
    out.set(p, at + FRAME_HEADER_SIZE);
    at += FRAME_HEADER_SIZE + p.length;
  }
  return out;
}

export interface ScannedFrames {
  /** Payloads (views into the scanned buffer) with the byte offset just past each frame. */
  frames: { payload: Uint8Array; end: number }[];
  /** Offset after the last whole, intact frame; bytes from here on are a torn or damaged tail. */
  validEnd: number;
}

/**
 * Reads frames from the start of `data` until the end or the first frame that is cut off or whose
 * checksum fails. A crash mid-append leaves exactly such a tail, so it ends the scan rather than
 * raising: callers truncate the file to `validEnd`.
 */
export function scanFrames(data: Uint8Array): ScannedFrames {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const frames: { payload: Uint8Array; end: number }[] = [];
  let at = 0;
  while (at + FRAME_HEADER_SIZE <= view.length) {
    const len = view.readUInt32BE(at);
    if (len > MAX_FRAME_PAYLOAD || at + FRAME_HEADER_SIZE + len > view.length) break;
    const payload = view.subarray(at + FRAME_HEADER_SIZE, at + FRAME_HEADER_SIZE + len);
    if (crc32(payload) !== view.readUInt32BE(at + 4)) break;
    at += FRAME_HEADER_SIZE + len;
    frames.push({ payload, end: at });
  }
  return { frames, validEnd: at };
}
