// RFC 9162 §2.1.3.2 and §2.1.4.2 proof verification, written so that any failure is a plain `false`.
import { bytesEqual } from './bytes.js';
import { HASH_SIZE, nodeHash } from './merkle-hash.js';
import { popcount } from './stored-hash-index.js';

// Sizes go up to 2^53, so halving uses division: JS shift operators work on 32 bits.
const half = (x: number): number => Math.floor(x / 2);
const isOdd = (x: number): boolean => x % 2 === 1;

function validSizes(...ns: number[]): boolean {
  return ns.every((n) => Number.isSafeInteger(n) && n >= 0);
}

function validHashes(hs: readonly Uint8Array[]): boolean {
  return hs.every((h) => h instanceof Uint8Array && h.length === HASH_SIZE);
}

/** True iff `proof` shows that the leaf with hash `leaf` is record `index` of the tree of `size` records with root `root`. */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!validSizes(index, size) || index >= size) return false;
  if (!validHashes(proof) || !validHashes([leaf, root])) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // On the right edge of an unbalanced tree, skip the levels where this node has no left sibling.
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(r, root);
}

/** True iff `proof` shows that the tree of `size1` records with root `root1` is a prefix of the tree of `size2` records with root `root2`. */
export function verifyConsistency(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!validSizes(size1, size2) || size1 > size2) return false;
  if (!validHashes(proof) || !validHashes([root1, root2])) return false;
  if (size1 === size2) return proof.length === 0 && bytesEqual(root1, root2);
  // A proof from the empty tree proves nothing, so it is refused rather than trivially accepted.
  if (size1 === 0 || proof.length === 0) return false;

  // When size1 is a power of two the old root is a node of the new tree, so the proof omits it.
  const path = popcount(size1) === 1 ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return bytesEqual(fr, root1) && bytesEqual(sr, root2) && sn === 0;
}
