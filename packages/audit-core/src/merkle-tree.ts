// An in-memory RFC 9162 tree over the stored-hash layout, for tests, verification and small logs.
import { AuditCoreError } from './errors.js';
import { HASH_SIZE, leafHash, nodeHash } from './merkle-hash.js';
import { type HashReader, proveConsistency, proveInclusion, treeHash } from './merkle-proofs.js';
import { storedHashIndex } from './stored-hash-index.js';

export class MerkleTree {
  readonly #hashes: Uint8Array[] = [];
  #size = 0;

  /** Number of records. */
  get size(): number {
    return this.#size;
  }

  /** Appends a record by its leaf hash; returns its index. */
  append(leaf: Uint8Array): number {
    if (leaf.length !== HASH_SIZE) throw new AuditCoreError('CORE_ERR_HASH_READER', { detail: 'A leaf hash must be 32 bytes.' });
    const index = this.#size;
    this.#hashes.push(leaf);
    // Every completed subtree ending at this record is stored right after it, lowest level first.
    let h = leaf;
    let m = index;
    let level = 0;
    while (m % 2 === 1) {
      h = nodeHash(this.#hashes[storedHashIndex(level, m - 1)]!, h);
      this.#hashes.push(h);
      m = (m - 1) / 2;
      level++;
    }
    this.#size++;
    return index;
  }

  /** Appends a record by its bytes; returns its index. */
  appendEntry(entry: Uint8Array): number {
    return this.append(leafHash(entry));
  }

  /** A HashReader over this tree's stored hashes. */
  readonly readHashes: HashReader = (indexes) =>
    indexes.map((i) => {
      const h = this.#hashes[i];
      if (!h) throw new AuditCoreError('CORE_ERR_TREE_RANGE', { detail: `No stored hash ${i}.` });
      return h;
    });

  leafHash(index: number): Uint8Array {
    this.#checkSize(index + 1);
    return this.#hashes[storedHashIndex(0, index)]!;
  }

  root(size = this.#size): Uint8Array {
    this.#checkSize(size);
    return treeHash(size, this.readHashes);
  }

  proveInclusion(index: number, size = this.#size): Uint8Array[] {
    this.#checkSize(size);
    return proveInclusion(index, size, this.readHashes);
  }

  proveConsistency(oldSize: number, newSize = this.#size): Uint8Array[] {
    this.#checkSize(newSize);
    return proveConsistency(oldSize, newSize, this.readHashes);
  }

  #checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.#size) {
      throw new AuditCoreError('CORE_ERR_TREE_RANGE', { detail: `Size ${size} is beyond the tree's ${this.#size} records.` });
    }
  }
}
