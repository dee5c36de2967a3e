// The part of verification that reaches past the tree: every tile file on disk that a reader could
// be given (leftover partials of older checkpoints included), and the journal against the tiles.
import { readdir } from 'node:fs/promises';
import { sep } from 'node:path';
import { TILE_WIDTH, bytesEqual, decodeEntryBundle, entriesPath, leafHash, levelHashCount, tileCounts, tilePath } from '@palisade/audit-core';
import { readTileAt } from './disk-tiles.js';
import type { DurableFiles } from './durable-files.js';
import { JOURNAL_FILE, checkJournalAgainstTree, readJournal, treeLeafReader } from './journal-check.js';
import { parseTileName } from './tile-names.js';

export type AddProblem = (message: string, where: { file: string; entry?: number }) => void;

async function tileFiles(files: DurableFiles): Promise<string[]> {
  try {
    const found = await readdir(files.abs('tile'), { recursive: true, withFileTypes: true });
    return found.filter((d) => d.isFile()).map((d) => `${d.parentPath ?? d.path}${sep}${d.name}`.slice(files.dir.length + 1).split(sep).join('/'));
  } catch {
    // No tile folder: the tree pass has reported every tile the checkpoint needs as missing.
    return [];
  }
}

/**
 * Checks each tile and bundle file within the published size that the tree pass did not read:
 * partials of tiles that filled up since, and narrower partials of older checkpoints. Each must be
 * a prefix of the tile the tree was checked against.
 */
export async function checkLeftoverTiles(files: DurableFiles, size: number, add: AddProblem): Promise<void> {
  for (const path of (await tileFiles(files)).sort()) {
    const name = parseTileName(path.split('/'));
    if (!name) continue;
    const hashes = name.kind === 'tile' ? levelHashCount(size, name.level) : size;
    // Beyond the published size nothing is served; a crash before a checkpoint may leave such files.
    if (name.index * TILE_WIDTH + name.width > hashes) continue;
    const level = name.kind === 'tile' ? name.level : 0;
    const { full, partialWidth } = tileCounts(size, level);
    const checked = name.index < full ? TILE_WIDTH : partialWidth;
    if (name.width === checked) continue;
    const against = tilePath(level, name.index, checked === TILE_WIDTH ? undefined : checked);
    const tile = await readTileAt(files, level, name.index, size);
    // A missing or short tile was reported by the tree pass.
    if (!tile) continue;
    const data = await files.read(path);
    if (!data) continue;
    if (name.kind === 'tile') {
      if (data.length !== name.width * 32) add(`${path}: has ${data.length} bytes, expected ${name.width * 32}`, { file: path });
      else if (!bytesEqual(data, tile.subarray(0, data.length))) add(`${path}: a leftover partial tile whose hashes do not match ${against}`, { file: path });
      continue;
    }
    let entries: Uint8Array[];
    try {
      entries = decodeEntryBundle(data);
    } catch {
      add(`${path}: malformed entry bundle`, { file: path });
      continue;
    }
    if (entries.length !== name.width) {
      add(`${path}: holds ${entries.length} entries, its name says ${name.width}`, { file: path });
      continue;
    }
    const bad = entries.findIndex((e, k) => !bytesEqual(leafHash(e), tile.subarray(k * 32, k * 32 + 32)));
    if (bad >= 0) {
      const entry = name.index * TILE_WIDTH + bad;
      add(`${path}: entry ${entry} does not match ${against} (a leftover partial bundle of ${entriesPath(name.index)})`, { file: path, entry });
    }
  }
}

/** A journal may hold entries the tree already covers; those must be the very entries of the tree, and nothing but a torn tail may be damaged. */
export async function checkJournal(files: DurableFiles, size: number, add: AddProblem): Promise<void> {
  const data = await files.read(JOURNAL_FILE);
  if (!data || data.length === 0) return;
  const scan = readJournal(data);
  let damage = scan.damage;
  if (!damage) {
    try {
      damage = await checkJournalAgainstTree(scan.frames, size, treeLeafReader(files, size));
    } catch {
      // A missing tile was reported by the tree pass.
      return;
    }
  }
  if (damage) add(`${JOURNAL_FILE}: damaged at byte ${damage.offset}: ${damage.reason}`, { file: JOURNAL_FILE });
}
