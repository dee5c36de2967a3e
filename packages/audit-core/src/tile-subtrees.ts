// Memoised subtree hashes inside one tile, so repeated proofs through a tile hash it at most once.
import { AuditCoreError } from './errors.js';
import { nodeHash } from './merkle-hash.js';

export class TileSubtrees {
  /** levels[k][j] is the MTH of hashes [j·2^k, (j+1)·2^k); only complete subtrees exist. */
  readonly #levels: Uint8Array[][];

  constructor(hashes: readonly Uint8Array[]) {
    this.#levels = [[...hashes]];
  }

  get width(): number {
    return this.#levels[0]!.length;
  }

  /** MTH of the `count` (a power of two) hashes starting at `start`, which must be aligned to `count`. */
  subtreeHash(start: number, count: number): Uint8Array {
    if (count < 1 || (count & (count - 1)) !== 0 || start % count !== 0 || start + count > this.width) {
      throw new AuditCoreError('CORE_ERR_TREE_RANGE', { detail: `No complete subtree of ${count} at ${start} in a tile of ${this.width}.` });
    }
    const level = Math.log2(count);
    while (this.#levels.length <= level) {
      const below = this.#levels[this.#levels.length - 1]!;
      const next: Uint8Array[] = new Array<Uint8Array>(Math.floor(below.length / 2));
      for (let j = 0; j < next.length; j++) next[j] = nodeHash(below[2 * j]!, below[2 * j + 1]!);
      this.#levels.push(next);
    }
    return this.#levels[level]![start / count]!;
  }
}
