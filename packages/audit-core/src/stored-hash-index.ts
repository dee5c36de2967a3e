// The post-order layout of stored hashes used by Go's sumdb/tlog, so stores written here can serve Go's HashReader.
import { AuditCoreError } from './errors.js';

const TWO_32 = 2 ** 32;

function popcount32(x: number): number {
  let v = x >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Set bits of a non-negative safe integer (bit operators alone would truncate to 32 bits). */
export function popcount(n: number): number {
  return popcount32(Math.floor(n / TWO_32)) + popcount32(n % TWO_32);
}

/** Largest power of two strictly less than n (n >= 2): the RFC 9162 split point. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function checkSafe(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new AuditCoreError('CORE_ERR_TREE_RANGE', { detail: `${name} must be a non-negative safe integer, got ${n}.` });
  }
}

/** Stored index of the first hash written for record m: m + ⌊m/2⌋ + ⌊m/4⌋ + … = 2m − popcount(m). */
function recordStart(m: number): number {
  return 2 * m - popcount(m);
}

/** Where the hash of the n-th node at `level` (level 0 = leaves) sits in the stored-hash sequence. */
export function storedHashIndex(level: number, n: number): number {
  checkSafe('level', level);
  checkSafe('n', n);
  // The node is written right after the last leaf beneath it, above the hashes that leaf completes.
  const lastLeaf = (n + 1) * 2 ** level - 1;
  checkSafe('last leaf', lastLeaf);
  return recordStart(lastLeaf) + level;
}

/** Inverse of storedHashIndex. */
export function splitStoredHashIndex(index: number): { level: number; n: number } {
  checkSafe('index', index);
  // recordStart(m) lies in [2m − 53, 2m], so the record that owns `index` is at most ~27 below this start.
  let m = Math.floor((index + 54) / 2);
  while (recordStart(m) > index) m--;
  const level = index - recordStart(m);
  return { level, n: (m + 1) / 2 ** level - 1 };
}

/** Number of hashes stored for a tree of n records: 2n − popcount(n). */
export function storedHashCount(n: number): number {
  checkSafe('n', n);
  return 2 * n - popcount(n);
}
