// RFC 9162 §2.1.1 hashing: domain-separated leaf and interior-node hashes over SHA-256.
import { hash } from 'node:crypto';
import { AuditCoreError } from './errors.js';

export const HASH_SIZE = 32;

/** MTH of the empty tree: SHA-256 of no bytes. */
export const EMPTY_ROOT: Uint8Array = hash('sha256', new Uint8Array(0), 'buffer');

/** SHA-256(0x00 || entry). One buffer and one-shot hashing, because per-call overhead dominates small inputs. */
export function leafHash(entry: Uint8Array): Uint8Array {
  const buf = Buffer.allocUnsafe(entry.length + 1);
  buf[0] = 0x00;
  buf.set(entry, 1);
  return hash('sha256', buf, 'buffer');
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    throw new AuditCoreError('CORE_ERR_HASH_READER', { detail: 'Node hash inputs must be 32 bytes each.' });
  }
  const buf = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);
  buf[0] = 0x01;
  buf.set(left, 1);
  buf.set(right, 1 + HASH_SIZE);
  return hash('sha256', buf, 'buffer');
}

/** MTH of a complete subtree given its 2^k child hashes in order (hashes[start .. start+count)). */
export function perfectSubtreeHash(hashes: readonly Uint8Array[], start = 0, count = hashes.length - start): Uint8Array {
  if (count <= 0 || (count & (count - 1)) !== 0 || start + count > hashes.length) {
    throw new AuditCoreError('CORE_ERR_TREE_RANGE', { detail: `Cannot hash ${count} hashes as one complete subtree.` });
  }
  let level: Uint8Array[] = hashes.slice(start, start + count);
  while (level.length > 1) {
    const next: Uint8Array[] = new Array<Uint8Array>(level.length / 2);
    for (let i = 0; i < next.length; i++) next[i] = nodeHash(level[2 * i]!, level[2 * i + 1]!);
    level = next;
  }
  return level[0]!;
}

/** Folds the root hashes of consecutive complete subtrees (largest first) into the MTH of their union. */
export function foldRight(subtreeHashes: readonly Uint8Array[]): Uint8Array {
  if (subtreeHashes.length === 0) return EMPTY_ROOT;
  let h = subtreeHashes[subtreeHashes.length - 1]!;
  for (let i = subtreeHashes.length - 2; i >= 0; i--) h = nodeHash(subtreeHashes[i]!, h);
  return h;
}
