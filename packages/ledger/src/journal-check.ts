// Strict reading of a log's journal: intact frames with consecutive indexes that agree with the
// tree, and a torn last append told apart from damage, which is never dropped without an operator.
import { readdir } from 'node:fs/promises';
import { FRAME_HEADER_SIZE, TILE_WIDTH, bytesEqual, leafHash, scanFrames, tileCounts, tilePath } from '@palisade/audit-core';
import { readTileAt } from './disk-tiles.js';
import type { DurableFiles } from './durable-files.js';
import { AuditError } from './errors.js';

export const JOURNAL_FILE = 'journal';
/** Copies of damaged journals are kept beside the log as `journal.damaged-<time>`. */
export const DAMAGED_JOURNAL_PREFIX = `${JOURNAL_FILE}.damaged-`;

export interface JournalFrame {
  index: number;
  entry: Uint8Array;
  /** Byte offset of the frame in the journal. */
  offset: number;
}

export interface JournalDamage {
  /** Byte offset of the first frame that cannot be kept; everything before it is intact. */
  offset: number;
  reason: string;
}

export interface JournalScan {
  /** Intact frames before any damage or torn tail, in order. */
  frames: JournalFrame[];
  /** Offset just past the last of `frames`. */
  intactEnd: number;
  /** Total bytes scanned. */
  length: number;
  /** An unacknowledged append cut short by a crash: safe to cut off. */
  torn?: { offset: number; bytes: number };
  damage?: JournalDamage;
}

/** Decodes the intact frames of a journal, stopping at the first frame that fails or breaks the index order. */
export function readJournal(data: Uint8Array): JournalScan {
  const scan = scanFrames(data);
  const frames: JournalFrame[] = [];
  let damage: JournalDamage | undefined;
  for (const { payload, end } of scan.frames) {
    const offset = end - payload.length - FRAME_HEADER_SIZE;
    if (payload.length < 8) {
      damage = { offset, reason: `the frame at byte ${offset} holds no entry index` };
      break;
    }
    const view = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    const index = Number(view.readBigUInt64BE(0));
    const previous = frames.at(-1);
    if (previous && index !== previous.index + 1) {
      damage = { offset, reason: `the frame at byte ${offset} holds entry ${index} after entry ${previous.index}` };
      break;
    }
    frames.push({ index, entry: new Uint8Array(view.subarray(8)), offset });
  }
  const intactEnd = damage ? damage.offset : scan.validEnd;
  const result: JournalScan = { frames, intactEnd, length: data.length };
  if (damage) return { ...result, damage };
  const { tail } = scan;
  if (tail.kind === 'damaged') return { ...result, damage: { offset: tail.offset, reason: tail.reason } };
  if (tail.kind === 'torn') return { ...result, torn: { offset: tail.offset, bytes: tail.bytes } };
  return result;
}

/** The leaf hash at an index, and the tile file it was read from. */
export type LeafReader = (index: number) => Promise<{ hash: Uint8Array; file: string }>;

/** Leaf hashes from the level-0 tiles on disk for a tree of `size` entries. */
export function treeLeafReader(files: DurableFiles, size: number): LeafReader {
  let cached: { tile: number; data: Uint8Array } | undefined;
  return async (index) => {
    const tile = Math.floor(index / TILE_WIDTH);
    const { full, partialWidth } = tileCounts(size, 0);
    const file = tilePath(0, tile, tile < full ? undefined : partialWidth);
    if (cached?.tile !== tile) {
      const data = await readTileAt(files, 0, tile, size);
      if (!data) throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${file} is missing or has the wrong length.` });
      cached = { tile, data };
    }
    const at = (index % TILE_WIDTH) * 32;
    return { hash: cached.data.subarray(at, at + 32), file };
  };
}

/**
 * Checks journalled entries against the tree of `size` entries: the journal may start inside the
 * tree (publishing succeeded, emptying the journal did not) but not after it, and every entry the
 * tree already covers must be the one the tree holds.
 */
export async function checkJournalAgainstTree(frames: readonly JournalFrame[], size: number, leafAt: LeafReader): Promise<JournalDamage | undefined> {
  const first = frames[0];
  if (first && first.index > size) {
    return { offset: first.offset, reason: `the journal starts at entry ${first.index} but the checkpoint covers ${size} entries, so entries ${size}..${first.index - 1} are missing` };
  }
  for (const f of frames) {
    if (f.index >= size) break;
    const leaf = await leafAt(f.index);
    if (!bytesEqual(leafHash(f.entry), leaf.hash)) {
      return { offset: f.offset, reason: `entry ${f.index} in the frame at byte ${f.offset} does not match its leaf hash in ${leaf.file}` };
    }
  }
  return undefined;
}

export function journalDamagedError(file: string, damage: JournalDamage, copy?: string): AuditError {
  const kept = copy ? ` A copy is kept as ${copy}.` : '';
  return new AuditError('AUD_ERR_JOURNAL_DAMAGED', {
    detail: `${file} is damaged at byte ${damage.offset}: ${damage.reason}.${kept} Run: palisade-audit recover <log folder>.`,
    data: { file, offset: damage.offset, reason: damage.reason, ...(copy ? { copy } : {}) },
  });
}

/** A file name for now, sortable and valid on every file system. */
export function timeStamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

/**
 * Keeps a copy of a damaged journal beside it, once: an identical copy kept earlier (by an earlier
 * failed open) is reused. Returns the copy's file name.
 */
export async function keepDamagedCopy(files: DurableFiles, data: Uint8Array, now: Date): Promise<string> {
  let names: string[];
  try {
    names = (await readdir(files.dir)).filter((n) => n.startsWith(DAMAGED_JOURNAL_PREFIX) && !n.endsWith('.tmp')).sort();
  } catch (cause) {
    throw new AuditError('AUD_ERR_IO', { cause, detail: `Listing ${files.dir}.` });
  }
  for (const name of names) {
    const copy = await files.read(name);
    if (copy && bytesEqual(copy, data)) return name;
  }
  const name = `${DAMAGED_JOURNAL_PREFIX}${timeStamp(now)}`;
  await files.replace(name, data);
  return name;
}
