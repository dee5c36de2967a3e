// Reading a log's tiles and entry bundles from disk at a given tree size, for readers that do not hold the log open for writing.
import { TILE_WIDTH, TileSubtrees, decodeEntryBundle, entriesPath, locateStoredHash, tileCounts, tilePath, type AsyncHashReader } from '@palisade/audit-core';
import { LRUCache } from 'lru-cache';
import type { DurableFiles } from './durable-files.js';
import { AuditError } from './errors.js';

/**
 * The tile at `index` of `level` as of tree size `size`: full, or the partial of that size. A
 * partial file removed after its tile filled up is read as a prefix of the full tile, which holds
 * the same hashes.
 */
export async function readTileAt(files: DurableFiles, level: number, index: number, size: number): Promise<Uint8Array | null> {
  const { full, partialWidth } = tileCounts(size, level);
  const width = index < full ? TILE_WIDTH : partialWidth;
  if (width === 0) return null;
  const data = await files.read(tilePath(level, index, width));
  if (data && data.length === width * 32) return data;
  if (width < TILE_WIDTH) {
    const whole = await files.read(tilePath(level, index));
    if (whole && whole.length === TILE_WIDTH * 32) return whole.subarray(0, width * 32);
  }
  return null;
}

/** The entry bundle holding `width` entries at bundle `index`, or null when it is missing; a full bundle stands in for a collected partial. */
export async function readBundleAt(files: DurableFiles, index: number, width: number): Promise<{ path: string; data: Uint8Array | null }> {
  const path = entriesPath(index, width);
  let data = await files.read(path);
  if (!data && width < TILE_WIDTH) {
    const whole = await files.read(entriesPath(index));
    if (whole) {
      try {
        const entries = decodeEntryBundle(whole).slice(0, width);
        data = Buffer.concat(entries.flatMap((e) => [Buffer.from([e.length >> 8, e.length & 0xff]), e]));
      } catch {
        data = null;
      }
    }
  }
  return { path, data };
}

/** Stored hashes from the tiles on disk for a tree of `size` entries, with a small cache of tiles. */
export function diskHashReader(files: DurableFiles, size: number, cacheTiles = 64): AsyncHashReader {
  const tiles = new LRUCache<string, TileSubtrees>({ max: cacheTiles });
  const load = async (level: number, index: number): Promise<TileSubtrees> => {
    const key = `${level}/${index}`;
    let tile = tiles.get(key);
    if (!tile) {
      const data = await readTileAt(files, level, index, size);
      if (!data) throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `Tile ${level}/${index} for size ${size} is missing.` });
      tile = new TileSubtrees(data);
      tiles.set(key, tile);
    }
    return tile;
  };
  return async (indexes) => {
    const out: Uint8Array[] = [];
    for (const i of indexes) {
      const loc = locateStoredHash(i);
      out.push((await load(loc.tileLevel, loc.tileIndex)).subtreeHash(loc.start, loc.count));
    }
    return out;
  };
}
