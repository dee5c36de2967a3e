// Memoised subtree hashes inside one tile, so repeated proofs through a tile hash it at most once.
import { AuditCoreError } from './errors.js';
import { HASH_SIZE } from './merkle-hash.js';
import { hash } from 'node:crypto';

export class TileSubtrees {
  /**
   * levels[k] holds the MTH of hashes [j·2^k, (j+1)·2^k) at bytes [32j, 32j+32); only complete
   * subtrees exist. One buffer per level keeps a cached tile near 16 KiB instead of hundreds of
   * small objects.
   */
  readonly #levels: Buffer[];
  readonly #width: number;

  constructor(hashes: readonly Uint8Array[] | Uint8Array) {
    let base: Buffer;
    if (hashes instanceof Uint8Array) {
      if (hashes.length % HASH_SIZE !== 0) throw new AuditCoreError('CORE_ERR_TILE_COORDINATES', { detail: 'Tile data is not a whole number of hashes.' });
      base = Buffer.from(hashes.buffer, hashes.byteOffset, hashes.byteLength);
    } else {
      base = Buffer.allocUnsafe(hashes.length * HASH_SIZE);
      hashes.forEach((h, i) => base.set(h, i * HASH_SIZE));
    }
    this.#levels = [base];
    this.#width = base.length / HASH_SIZE;
  }

  get width(): number {
    return this.#width;
  }

  /** Bytes held, for caches that budget memory. */
  get bytes(): number {
    return this.#levels.reduce((n, l) => n + l.length, 0);
  }

  /** MTH of the `count` (a power of two) hashes starting at `start`, which must be aligned to `count`. */
  subtreeHash(start: number, count: number): Uint8Array {
    if (count < 1 || (count & (count - 1)) !== 0 || start % count !== 0 || start + count > this.#width) {
      throw new AuditCoreError('CORE_ERR_TREE_RANGE', { detail: `No complete subtree of ${count} at ${start} in a tile of ${this.#width}.` });
    }
    const level = 31 - Math.clz32(count);
    while (this.#levels.length <= level) this.#grow();
    const at = (start / count) * HASH_SIZE;
    return this.#levels[level]!.subarray(at, at + HASH_SIZE);
  }

  #grow(): void {
    const below = this.#levels[this.#levels.length - 1]!;
    const n = Math.floor(below.length / (2 * HASH_SIZE));
    const next = Buffer.allocUnsafe(n * HASH_SIZE);
    const scratch = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);
    scratch[0] = 0x01;
    for (let j = 0; j < n; j++) {
      below.copy(scratch, 1, 2 * j * HASH_SIZE, (2 * j + 2) * HASH_SIZE);
      next.set(hash('sha256', scratch, 'buffer'), j * HASH_SIZE);
    }
    this.#levels.push(next);
  }
}
