// The operator's way out of a damaged journal: keep its intact prefix, keep the damaged file aside,
// and write down what was dropped, in the log folder, before the journal is replaced.
import { resolve } from 'node:path';
import { FRAME_HEADER_SIZE, parseCheckpoint, scanFrames } from '@palisade/audit-core';
import { DurableFiles } from './durable-files.js';
import { AuditError } from './errors.js';
import { JOURNAL_FILE, checkJournalAgainstTree, keepDamagedCopy, readJournal, treeLeafReader } from './journal-check.js';
import { CHECKPOINT_FILE } from './tile-log.js';

/** One JSON line per recovery, appended; never served. */
export const RECOVERY_LOG_FILE = 'journal-recoveries.jsonl';

export interface JournalRecovery {
  recovered_at: string;
  /** The log folder. */
  log: string;
  journal: string;
  /** Where the damage starts and what it is. */
  damage: { offset: number; reason: string };
  /** The untouched damaged journal, beside the log. */
  damaged_copy: string;
  kept: { frames: number; bytes: number; entries: [number, number] | null };
  dropped: {
    from_byte: number;
    bytes: number;
    /** Frames after the damage that still pass their checksum, and the entry indexes they hold. */
    intact_frames: number;
    entries: [number, number][];
    /** Bytes that belong to no intact frame. */
    unreadable_bytes: number;
  };
}

async function checkpointSize(files: DurableFiles): Promise<number> {
  const bytes = await files.read(CHECKPOINT_FILE);
  if (!bytes) return 0;
  const note = Buffer.from(bytes).toString('utf8');
  try {
    // Recovery needs the size only; opening the log checks the signature afterwards.
    return parseCheckpoint(note.slice(0, note.lastIndexOf('\n\n') + 1)).size;
  } catch (cause) {
    throw new AuditError('AUD_ERR_CHECKPOINT_INVALID', { cause, detail: `${files.abs(CHECKPOINT_FILE)} cannot be read.` });
  }
}

/** Every frame from `from` on that passes its checksum, resynchronising past damaged bytes. */
function intactFramesFrom(data: Uint8Array, from: number): { index: number | null; bytes: number }[] {
  const out: { index: number | null; bytes: number }[] = [];
  for (let at = from; at < data.length; ) {
    const { frames, tail } = scanFrames(data.subarray(at));
    for (const { payload } of frames) {
      const index = payload.length >= 8 ? Number(Buffer.from(payload.buffer, payload.byteOffset, 8).readBigUInt64BE(0)) : null;
      out.push({ index, bytes: FRAME_HEADER_SIZE + payload.length });
    }
    if (tail.kind !== 'damaged' || tail.nextIntactFrame === undefined) break;
    at += tail.nextIntactFrame;
  }
  return out;
}

function ranges(indexes: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const i of indexes) {
    const last = out.at(-1);
    if (last && i === last[1] + 1) last[1] = i;
    else out.push([i, i]);
  }
  return out;
}

/**
 * Recovers the journal of the log in `dir` if it is damaged; returns what was done, or null when
 * the journal needs nothing (a torn tail is cut off by opening the log).
 */
export async function recoverJournal(dir: string, options: { now?: Date; fsync?: boolean } = {}): Promise<JournalRecovery | null> {
  const files = new DurableFiles(resolve(dir), options.fsync ?? true);
  if (!(await files.exists(CHECKPOINT_FILE)) && !(await files.exists(JOURNAL_FILE))) {
    throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${files.dir} is not a log folder (no ${CHECKPOINT_FILE}, no ${JOURNAL_FILE}).` });
  }
  const data = await files.read(JOURNAL_FILE);
  if (!data || data.length === 0) return null;
  const size = await checkpointSize(files);
  const scan = readJournal(data);
  const damage = scan.damage ?? (await checkJournalAgainstTree(scan.frames, size, treeLeafReader(files, size)));
  if (!damage) return null;

  const now = options.now ?? new Date();
  const kept = scan.frames.filter((f) => f.offset < damage.offset);
  const dropped = intactFramesFrom(data, damage.offset);
  const droppedIndexes = dropped.flatMap((f) => (f.index === null ? [] : [f.index]));
  const copy = await keepDamagedCopy(files, data, now);
  const record: JournalRecovery = {
    recovered_at: now.toISOString(),
    log: files.dir,
    journal: JOURNAL_FILE,
    damage,
    damaged_copy: copy,
    kept: { frames: kept.length, bytes: damage.offset, entries: kept.length > 0 ? [kept[0]!.index, kept.at(-1)!.index] : null },
    dropped: {
      from_byte: damage.offset,
      bytes: data.length - damage.offset,
      intact_frames: dropped.length,
      entries: ranges(droppedIndexes),
      unreadable_bytes: data.length - damage.offset - dropped.reduce((n, f) => n + f.bytes, 0),
    },
  };
  // The record is written before the journal changes, so no recovery goes unrecorded.
  const previous = (await files.read(RECOVERY_LOG_FILE)) ?? new Uint8Array();
  await files.replace(RECOVERY_LOG_FILE, Buffer.concat([previous, Buffer.from(`${JSON.stringify(record)}\n`)]));
  await files.replace(JOURNAL_FILE, data.subarray(0, damage.offset));
  return record;
}
