// RFC 9162 §2.1 tree hash, inclusion and consistency proofs computed from stored hashes (Go tlog's HashReader model).
import { AuditCoreError } from './errors.js';
import { HASH_SIZE, foldRight } from './merkle-hash.js';
import { splitPoint, storedHashIndex } from './stored-hash-index.js';

/** Returns the stored hashes at the given storedHashIndex positions, in the same order. */
export type HashReader = (indexes: readonly number[]) => Uint8Array[];
export type AsyncHashReader = (indexes: readonly number[]) => Promise<Uint8Array[]>;

/**
 * A proof is planned as a list of ranges [lo, hi); each range's MTH is one proof element. Planning
 * first lets a reader fetch every stored hash it needs in one call, which matters when hashes live
 * in tiles on disk.
 */
type Range = readonly [lo: number, hi: number];

/** Stored-hash indexes of the maximal complete subtrees that make up [lo, hi), largest first. */
function rangeIndexes(lo: number, hi: number, out: number[]): number {
  let count = 0;
  let at = lo;
  while (at < hi) {
    let k = 1;
    let level = 0;
    while (k * 2 <= hi - at) {
      k *= 2;
      level++;
    }
    out.push(storedHashIndex(level, at / k));
    at += k;
    count++;
  }
  return count;
}

function inclusionPlan(m: number, lo: number, hi: number, out: Range[]): void {
  if (hi - lo === 1) return;
  const k = splitPoint(hi - lo);
  if (m < lo + k) {
    inclusionPlan(m, lo, lo + k, out);
    out.push([lo + k, hi]);
  } else {
    inclusionPlan(m, lo + k, hi, out);
    out.push([lo, lo + k]);
  }
}

function consistencyPlan(m: number, lo: number, hi: number, whole: boolean, out: Range[]): void {
  if (m === hi) {
    if (!whole) out.push([lo, hi]);
    return;
  }
  const k = splitPoint(hi - lo);
  if (m <= lo + k) {
    consistencyPlan(m, lo, lo + k, whole, out);
    out.push([lo + k, hi]);
  } else {
    consistencyPlan(m, lo + k, hi, false, out);
    out.push([lo, lo + k]);
  }
}

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

function evaluate(ranges: readonly Range[], read: HashReader | AsyncHashReader): Uint8Array[] | Promise<Uint8Array[]> {
  const indexes: number[] = [];
  const counts = ranges.map(([lo, hi]) => rangeIndexes(lo, hi, indexes));
  const finish = (hashes: Uint8Array[]): Uint8Array[] => {
    if (hashes.length !== indexes.length || hashes.some((h) => h?.length !== HASH_SIZE)) {
      throw new AuditCoreError('CORE_ERR_HASH_READER', { detail: `Asked for ${indexes.length} hashes, got ${hashes.length}.` });
    }
    const out: Uint8Array[] = [];
    let at = 0;
    for (const c of counts) {
      out.push(foldRight(hashes.slice(at, at + c)));
      at += c;
    }
    return out;
  };
  const got = read(indexes);
  return isPromise(got) ? got.then(finish) : finish(got);
}

function planIndexes(ranges: readonly Range[]): number[] {
  const indexes: number[] = [];
  for (const [lo, hi] of ranges) rangeIndexes(lo, hi, indexes);
  return indexes;
}

/**
 * The stored-hash indexes proveInclusion will ask its reader for, so a reader backed by tiles can
 * load every tile it needs first and then answer synchronously.
 */
export function inclusionProofIndexes(index: number, size: number): number[] {
  checkSize('index', index);
  checkSize('tree size', size);
  if (index >= size) throw new AuditCoreError('CORE_ERR_TREE_RANGE', { detail: `Index ${index} is not below tree size ${size}.` });
  const plan: Range[] = [];
  inclusionPlan(index, 0, size, plan);
  return planIndexes(plan);
}

/** The stored-hash indexes proveConsistency will ask its reader for. */
export function consistencyProofIndexes(oldSize: number, newSize: number): number[] {
  checkSize('old size', oldSize);
  checkSize('new size', newSize);
  if (oldSize === 0 || oldSize > newSize) throw new AuditCoreError('CORE_ERR_TREE_RANGE', { detail: `No consistency proof from size ${oldSize} to ${newSize}.` });
  const plan: Range[] = [];
  if (oldSize < newSize) consistencyPlan(oldSize, 0, newSize, true, plan);
  return planIndexes(plan);
}

/** The stored-hash indexes treeHash will ask its reader for. */
export function treeHashIndexes(n: number): number[] {
  checkSize('tree size', n);
  return planIndexes([[0, n]]);
}

function checkSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new AuditCoreError('CORE_ERR_TREE_RANGE', { detail: `${name} must be a non-negative integer, got ${n}.` });
  }
}

/** MTH of the first n records. */
export function treeHash(n: number, read: HashReader): Uint8Array;
export function treeHash(n: number, read: AsyncHashReader): Promise<Uint8Array>;
export function treeHash(n: number, read: HashReader | AsyncHashReader): Uint8Array | Promise<Uint8Array> {
  checkSize('tree size', n);
  // The empty range folds to EMPTY_ROOT; the reader is still called (with no indexes) so an async
  // reader gets an async answer, as its overload promises.
  const got = evaluate([[0, n]], read);
  return isPromise(got) ? got.then((h) => h[0]!) : got[0]!;
}

/** Inclusion proof (audit path) of record `index` in the tree of `size` records, leaf sibling first. */
export function proveInclusion(index: number, size: number, read: HashReader): Uint8Array[];
export function proveInclusion(index: number, size: number, read: AsyncHashReader): Promise<Uint8Array[]>;
export function proveInclusion(index: number, size: number, read: HashReader | AsyncHashReader): Uint8Array[] | Promise<Uint8Array[]> {
  checkSize('index', index);
  checkSize('tree size', size);
  if (index >= size) {
    throw new AuditCoreError('CORE_ERR_TREE_RANGE', { detail: `Index ${index} is not below tree size ${size}.` });
  }
  const plan: Range[] = [];
  inclusionPlan(index, 0, size, plan);
  return evaluate(plan, read);
}

/** Consistency proof from the tree of `oldSize` records to the tree of `newSize` records (0 < oldSize <= newSize). */
export function proveConsistency(oldSize: number, newSize: number, read: HashReader): Uint8Array[];
export function proveConsistency(oldSize: number, newSize: number, read: AsyncHashReader): Promise<Uint8Array[]>;
export function proveConsistency(oldSize: number, newSize: number, read: HashReader | AsyncHashReader): Uint8Array[] | Promise<Uint8Array[]> {
  checkSize('old size', oldSize);
  checkSize('new size', newSize);
  if (oldSize === 0 || oldSize > newSize) {
    throw new AuditCoreError('CORE_ERR_TREE_RANGE', { detail: `No consistency proof from size ${oldSize} to ${newSize}.` });
  }
  const plan: Range[] = [];
  if (oldSize < newSize) consistencyPlan(oldSize, 0, newSize, true, plan);
  return evaluate(plan, read);
}
