// The right edge of a tiled Merkle tree: the partial tile at each level, enough to append and to compute the root.
import { AuditCoreError } from './errors.js';
import { HASH_SIZE, foldRight, perfectSubtreeHash } from './merkle-hash.js';
import { TILE_WIDTH, levelHashCount, tileCounts, tileLevelCount } from './tile-layout.js';

export interface TileHashes {
  level: number;
  index: number;
  hashes: readonly Uint8Array[];
}

export class TileFrontier {
  #size: number;
  readonly #partials: Uint8Array[][];

  private constructor(size: number, partials: Uint8Array[][]) {
    this.#size = size;
    this.#partials = partials;
  }

  static empty(): TileFrontier {
    return new TileFrontier(0, []);
  }

  /**
   * Rebuilds the frontier of a tree of `size` records from its partial tiles, where partials[L] is
   * the partial tile at level L (empty when that level has none).
   */
  static fromPartials(size: number, partials: readonly (readonly Uint8Array[])[]): TileFrontier {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new AuditCoreError('CORE_ERR_TREE_RANGE', { detail: `Tree size ${size} is not a non-negative integer.` });
    }
    const levels = tileLevelCount(size);
    const copy: Uint8Array[][] = [];
    for (let level = 0; level < Math.max(levels, partials.length); level++) {
      const want = level < levels ? tileCounts(size, level).partialWidth : 0;
      const have = partials[level] ?? [];
      if (have.length !== want || have.some((h) => h.length !== HASH_SIZE)) {
        throw new AuditCoreError('CORE_ERR_TILE_COORDINATES', {
          detail: `Level ${level} of a tree of size ${size} needs a partial tile of ${want} hashes, got ${have.length}.`,
        });
      }
      if (level < levels) copy.push([...have]);
    }
    return new TileFrontier(size, copy);
  }

  get size(): number {
    return this.#size;
  }

  clone(): TileFrontier {
    return new TileFrontier(this.#size, this.#partials.map((p) => [...p]));
  }

  /** Adds one record by its leaf hash; `onFullTile` sees each tile this completes, lowest level first. */
  push(leaf: Uint8Array, onFullTile?: (tile: TileHashes) => void): void {
    if (leaf.length !== HASH_SIZE) throw new AuditCoreError('CORE_ERR_HASH_READER', { detail: 'A leaf hash must be 32 bytes.' });
    this.#size++;
    let carry = leaf;
    for (let level = 0; ; level++) {
      const tile = (this.#partials[level] ??= []);
      tile.push(carry);
      if (tile.length < TILE_WIDTH) return;
      onFullTile?.({ level, index: levelHashCount(this.#size, level) / TILE_WIDTH - 1, hashes: tile });
      // A full tile's MTH is one hash of the level above; partial tiles are never hashed upwards.
      carry = perfectSubtreeHash(tile);
      this.#partials[level] = [];
    }
  }

  /** The non-empty partial tiles, lowest level first. */
  partials(): TileHashes[] {
    const out: TileHashes[] = [];
    this.#partials.forEach((hashes, level) => {
      if (hashes.length > 0) out.push({ level, index: tileCounts(this.#size, level).full, hashes });
    });
    return out;
  }

  /** Hashes of the partial tile at a level (empty if none). */
  partial(level: number): readonly Uint8Array[] {
    return this.#partials[level] ?? [];
  }

  /** MTH of the whole tree. */
  root(): Uint8Array {
    // The tree is the complete subtrees of the top level's partial tile, then the next level's, and
    // so on down; each partial splits into complete subtrees by the set bits of its width.
    const subtrees: Uint8Array[] = [];
    for (let level = this.#partials.length - 1; level >= 0; level--) {
      const hashes = this.#partials[level]!;
      let start = 0;
      for (let chunk = TILE_WIDTH / 2; chunk >= 1; chunk /= 2) {
        if (hashes.length - start >= chunk) {
          subtrees.push(perfectSubtreeHash(hashes, start, chunk));
          start += chunk;
        }
      }
    }
    return foldRight(subtrees);
  }
}
