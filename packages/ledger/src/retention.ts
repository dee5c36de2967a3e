// Retention: removes the entry bundles of a log whose records are all older than a cut-off; the tiles stay, so every proof still works.
import { resolve } from 'node:path';
import { TILE_WIDTH, decodeEntryBundle, entriesPath, parseCheckpoint } from '@palisade/audit-core';
import { DurableFiles } from './durable-files.js';
import { AuditError } from './errors.js';
import { readPrunedBelow, writePrunedBelow } from './pruned-marker.js';
import { CHECKPOINT_FILE } from './tile-log.js';

export interface PruneResult {
  dir: string;
  /** Entries below this index have no bundle any more. */
  prunedBelow: number;
  /** Bundles removed by this run. */
  removed: number;
}

/** The latest timestamp among a bundle's records, or null if one of them cannot be dated (such a bundle is kept). */
function newestTimestamp(entries: readonly Uint8Array[]): number | null {
  let newest = -Infinity;
  for (const e of entries) {
    let ts: unknown;
    try {
      ts = (JSON.parse(Buffer.from(e.buffer, e.byteOffset, e.byteLength).toString('utf8')) as { timestamp?: unknown }).timestamp;
    } catch {
      return null;
    }
    const ms = typeof ts === 'string' ? Date.parse(ts) : Number.NaN;
    if (Number.isNaN(ms)) return null;
    newest = Math.max(newest, ms);
  }
  return newest;
}

/**
 * Prunes full entry bundles, oldest first, while every record in the bundle is older than `before`
 * (ms since the epoch); stops at the first bundle holding a newer record, so what is pruned is
 * always a prefix. Only bundles a signed checkpoint covers are touched, and those are never
 * rewritten, so this is safe while a writer appends to the log. The marker is written before any
 * file is removed: a crash in between leaves bundles that verify still checks.
 */
export async function pruneLog(dir: string, before: number, options: { fsync?: boolean } = {}): Promise<PruneResult> {
  const files = new DurableFiles(resolve(dir), options.fsync ?? true);
  const noteBytes = await files.read(CHECKPOINT_FILE);
  if (!noteBytes) throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${CHECKPOINT_FILE} is missing in ${files.dir}.` });
  const note = Buffer.from(noteBytes).toString('utf8');
  const split = note.lastIndexOf('\n\n');
  let size: number;
  try {
    size = parseCheckpoint(note.slice(0, split + 1)).size;
  } catch (cause) {
    throw new AuditError('AUD_ERR_CHECKPOINT_INVALID', { cause, detail: `${files.dir}/${CHECKPOINT_FILE}.` });
  }
  const start = Math.floor((await readPrunedBelow(files)) / TILE_WIDTH);
  const fullBundles = Math.floor(size / TILE_WIDTH);
  let end = start;
  for (let b = start; b < fullBundles; b++) {
    const data = await files.read(entriesPath(b));
    if (!data) break;
    let newest: number | null;
    try {
      newest = newestTimestamp(decodeEntryBundle(data));
    } catch {
      newest = null;
    }
    if (newest === null || newest >= before) break;
    end = b + 1;
  }
  if (end === start) return { dir: files.dir, prunedBelow: start * TILE_WIDTH, removed: 0 };
  await writePrunedBelow(files, end * TILE_WIDTH);
  for (let b = start; b < end; b++) {
    await files.remove(entriesPath(b));
    await files.remove(`${entriesPath(b)}.p`);
  }
  await files.syncDir('tile/entries');
  return { dir: files.dir, prunedBelow: end * TILE_WIDTH, removed: end - start };
}
