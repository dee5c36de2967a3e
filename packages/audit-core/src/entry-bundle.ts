// C2SP tlog-tiles entry bundles: entries each prefixed by a big-endian uint16 length.
import { AuditCoreError } from './errors.js';

export const MAX_ENTRY_SIZE = 0xffff;

export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  entries.forEach((e, i) => {
    if (e.length > MAX_ENTRY_SIZE) {
      throw new AuditCoreError('CORE_ERR_ENTRY_TOO_LARGE', { detail: `Entry ${i} has ${e.length} bytes.`, data: { entry: i, bytes: e.length } });
    }
    total += 2 + e.length;
  });
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const e of entries) {
    out.writeUInt16BE(e.length, at);
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

/**
 * Splits a bundle into its entries (views into `data`). A malformed bundle throws
 * CORE_ERR_BUNDLE_MALFORMED whose data.entry is the position in the bundle where it breaks.
 */
export function decodeEntryBundle(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < data.length) {
    if (at + 2 > data.length) {
      throw new AuditCoreError('CORE_ERR_BUNDLE_MALFORMED', {
        detail: `Entry ${out.length}: the length prefix is cut off.`,
        data: { entry: out.length, offset: at },
      });
    }
    const len = (data[at]! << 8) | data[at + 1]!;
    if (at + 2 + len > data.length) {
      throw new AuditCoreError('CORE_ERR_BUNDLE_MALFORMED', {
        detail: `Entry ${out.length}: its length ${len} runs past the end of the bundle.`,
        data: { entry: out.length, offset: at },
      });
    }
    out.push(data.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  return out;
}
