// RFC 6962 / RFC 9162 Merkle hashing and proof checks over WebCrypto; any failure is a plain `false`.
import { bytesEqual, concatBytes, sha256 } from './bytes.js';

export const HASH_SIZE = 32;

/** SHA-256(0x00 || entry). */
export function leafHash(entry: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return sha256(concatBytes(new Uint8Array([0x00]), entry));
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return sha256(concatBytes(new Uint8Array([0x01]), left, right));
}

// Tree sizes go up to 2^53, beyond the 32 bits JS shift operators work on.
const half = (x: number): number => Math.floor(x / 2);
const isOdd = (x: number): boolean => x % 2 === 1;

function validSizes(...ns: number[]): boolean {
  return ns.every((n) => Number.isSafeInteger(n) && n >= 0);
}

function validHashes(hs: readonly Uint8Array[]): boolean {
  return hs.every((h) => h.length === HASH_SIZE);
}

function isPowerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1 && !isOdd(x)) x = half(x);
  return x === 1;
}

/** True iff `proof` shows that the leaf hash `leaf` is entry `index` of the tree of `size` entries with root `root`. */
export async function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): Promise<boolean> {
  if (!validSizes(index, size) || index >= size) return false;
  if (!validHashes(proof) || !validHashes([leaf, root])) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = await nodeHash(p, r);
      // On the right edge of an unbalanced tree, levels where this node has no left sibling are skipped.
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(r, root);
}

/** True iff `proof` shows that the tree of `size1` entries with root `root1` is a prefix of the tree of `size2` entries with root `root2`. */
export async function verifyConsistency(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): Promise<boolean> {
  if (!validSizes(size1, size2) || size1 > size2) return false;
  if (!validHashes(proof) || !validHashes([root1, root2])) return false;
  if (size1 === size2) return proof.length === 0 && bytesEqual(root1, root2);
  // A proof from the empty tree proves nothing, so it is refused rather than trivially accepted.
  if (size1 === 0 || proof.length === 0) return false;
  // When size1 is a power of two the old root is a node of the new tree, so the proof omits it.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}
