// Length-prefixed, checksummed frames for append-only local files (journals, spools), so a torn tail is recognised and told apart from damage.
import { crc32 } from 'node:zlib';
import { AuditCoreError } from './errors.js';

/** Bytes before each payload: big-endian uint32 length, then big-endian uint32 CRC-32 of the payload. */
export const FRAME_HEADER_SIZE = 8;
/** Larger payloads are refused: a length beyond this is read as corruption, never as a huge allocation. */
export const MAX_FRAME_PAYLOAD = 16 * 1024 * 1024;

export function encodeFrames(payloads: readonly Uint8Array[]): Buffer {
  let total = 0;
  for (const p of payloads) {
    if (p.length === 0 || p.length > MAX_FRAME_PAYLOAD) {
      throw new AuditCoreError('CORE_ERR_INVALID_ARGUMENT', { detail: `A frame payload of ${p.length} bytes is not within 1..${MAX_FRAME_PAYLOAD}.` });
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

/**
 * What follows the last intact frame. `torn`: the bytes form no complete frame and nothing intact
 * follows them, which is what a crash in the middle of an unacknowledged append leaves. `damaged`:
 * anything else (a complete frame failing its checksum, an impossible length, or an intact frame
 * further on), which no crash of an appending writer produces.
 */
export type FrameTail =
  | { kind: 'none' }
  | { kind: 'torn'; offset: number; bytes: number }
  | { kind: 'damaged'; offset: number; bytes: number; reason: string; nextIntactFrame?: number };

export interface ScannedFrames {
  /** Payloads (views into the scanned buffer) with the byte offset just past each frame. */
  frames: { payload: Uint8Array; end: number }[];
  /** Offset after the last whole, intact frame; bytes from here on are a torn or damaged tail. */
  validEnd: number;
  tail: FrameTail;
}

/** The payload of an intact frame at `at`, or null. Empty frames never count: zeroed space reads as one. */
function intactFrameAt(view: Buffer, at: number): Buffer | null {
  if (at + FRAME_HEADER_SIZE > view.length) return null;
  const len = view.readUInt32BE(at);
  if (len === 0 || len > MAX_FRAME_PAYLOAD || at + FRAME_HEADER_SIZE + len > view.length) return null;
  const payload = view.subarray(at + FRAME_HEADER_SIZE, at + FRAME_HEADER_SIZE + len);
  return crc32(payload) === view.readUInt32BE(at + 4) ? payload : null;
}

/** The offset of the first intact frame after `from`, or -1. */
function nextIntactFrame(view: Buffer, from: number): number {
  for (let at = from + 1; at + FRAME_HEADER_SIZE < view.length; at++) {
    // Lengths beyond the limit start with a non-zero byte: skip them without a checksum.
    if (view[at] !== 0) continue;
    if (intactFrameAt(view, at)) return at;
  }
  return -1;
}

function classifyTail(view: Buffer, at: number): FrameTail {
  const bytes = view.length - at;
  if (bytes === 0) return { kind: 'none' };
  const next = nextIntactFrame(view, at);
  if (next >= 0) return { kind: 'damaged', offset: at, bytes, reason: `the frame at byte ${at} fails its checks and an intact frame follows at byte ${next}`, nextIntactFrame: next };
  if (bytes < FRAME_HEADER_SIZE) return { kind: 'torn', offset: at, bytes };
  const len = view.readUInt32BE(at);
  if (len > 0 && len <= MAX_FRAME_PAYLOAD && at + FRAME_HEADER_SIZE + len > view.length) return { kind: 'torn', offset: at, bytes };
  // Space a crash allocated but never wrote reads back as zeros.
  if (view.subarray(at).every((b) => b === 0)) return { kind: 'torn', offset: at, bytes };
  const reason = len === 0 || len > MAX_FRAME_PAYLOAD ? `the frame at byte ${at} declares an impossible length (${len})` : `the frame at byte ${at} is complete but fails its checksum`;
  return { kind: 'damaged', offset: at, bytes, reason };
}

/**
 * Reads frames from the start of `data` until the end or the first frame that is cut off or fails
 * its checks, then classifies the rest (see FrameTail). Callers may cut off a torn tail at
 * `validEnd`; a damaged one holds bytes someone acknowledged and must not be thrown away quietly.
 */
export function scanFrames(data: Uint8Array): ScannedFrames {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const frames: { payload: Uint8Array; end: number }[] = [];
  let at = 0;
  for (;;) {
    const payload = intactFrameAt(view, at);
    if (!payload) break;
    at += FRAME_HEADER_SIZE + payload.length;
    frames.push({ payload, end: at });
  }
  return { frames, validEnd: at, tail: classifyTail(view, at) };
}
