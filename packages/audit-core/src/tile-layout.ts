// C2SP tlog-tiles geometry: tile paths, where each stored hash lives in a tile, and tile byte encoding.
import { AuditCoreError } from './errors.js';
import { HASH_SIZE } from './merkle-hash.js';
import { splitStoredHashIndex } from './stored-hash-index.js';

/** Merkle levels per tile. */
export const TILE_HEIGHT = 8;
/** Hashes in a full tile, and entries in a full entry bundle. */
export const TILE_WIDTH = 256;

function bad(detail: string): never {
  throw new AuditCoreError('CORE_ERR_TILE_COORDINATES', { detail });
}

/** 1234067 -> "x001/x234/067": three-digit groups, all but the last prefixed with x. */
function indexPath(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) bad(`Tile index ${index} is not a non-negative integer.`);
  let path = String(index % 1000).padStart(3, '0');
  for (let n = Math.floor(index / 1000); n > 0; n = Math.floor(n / 1000)) {
    path = `x${String(n % 1000).padStart(3, '0')}/${path}`;
  }
  return path;
}

function widthSuffix(width: number | undefined): string {
  if (width === undefined || width === TILE_WIDTH) return '';
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) bad(`Tile width ${width} is not in 1..256.`);
  return `.p/${width}`;
}

/** `tile/<L>/<N>[.p/<W>]`; a width of 256 or none names the full tile. */
export function tilePath(level: number, index: number, width?: number): string {
  if (!Number.isInteger(level) || level < 0 || level > 63) bad(`Tile level ${level} is not in 0..63.`);
  return `tile/${level}/${indexPath(index)}${widthSuffix(width)}`;
}

/** `tile/entries/<N>[.p/<W>]`; a width of 256 or none names the full bundle. */
export function entriesPath(index: number, width?: number): string {
  return `tile/entries/${indexPath(index)}${widthSuffix(width)}`;
}

/** Number of hashes at tile level `level` (Merkle level 8·level) in a tree of `size` records. */
export function levelHashCount(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/** Full tiles, and the width of the trailing partial tile (0 if none), at a tile level for a tree size. */
export function tileCounts(size: number, level: number): { full: number; partialWidth: number } {
  const hashes = levelHashCount(size, level);
  return { full: Math.floor(hashes / TILE_WIDTH), partialWidth: hashes % TILE_WIDTH };
}

/** Tile levels that hold at least one hash for a tree of `size` records. */
export function tileLevelCount(size: number): number {
  let levels = 0;
  while (levelHashCount(size, levels) > 0) levels++;
  return levels;
}

/** A stored hash is the MTH of `count` consecutive hashes starting at `start` in one tile. */
export interface TileHashLocation {
  tileLevel: number;
  tileIndex: number;
  start: number;
  count: number;
}

/** Where the stored hash with this storedHashIndex can be computed from. */
export function locateStoredHash(index: number): TileHashLocation {
  const { level, n } = splitStoredHashIndex(index);
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const count = 2 ** (level - tileLevel * TILE_HEIGHT);
  const first = n * count;
  return { tileLevel, tileIndex: Math.floor(first / TILE_WIDTH), start: first % TILE_WIDTH, count };
}

/** Concatenated 32-byte hashes. */
export function encodeTile(hashes: readonly Uint8Array[]): Uint8Array {
  const out = Buffer.allocUnsafe(hashes.length * HASH_SIZE);
  hashes.forEach((h, i) => out.set(h, i * HASH_SIZE));
  return out;
}

/** Splits tile bytes into hashes; refuses a length that is not a whole number of hashes. */
export function decodeTile(data: Uint8Array): Uint8Array[] {
  if (data.length % HASH_SIZE !== 0) bad(`Tile data of ${data.length} bytes is not a whole number of hashes.`);
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += HASH_SIZE) out.push(data.subarray(at, at + HASH_SIZE));
  return out;
}
