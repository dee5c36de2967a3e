// The gateway's local audit spool: while Kafka cannot acknowledge, records are committed here
// (length-prefixed, checksummed, fsync'd) and published later in the order they were spooled.
import { mkdir, open, readdir, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { FRAME_HEADER_SIZE, encodeFrames, scanFrames } from '@palisade/audit-core';
import { syncDir } from '@palisade/ledger';
import { GatewayError } from '../errors.js';

/** Where the drainer has got to: the spool file generation and the byte offset of the next unpublished record. */
interface Cursor {
  gen: number;
  offset: number;
}

const CURSOR_FILE = 'cursor';
const READ_CHUNK = 1024 * 1024;

function fileOf(gen: number): string {
  return `spool-${String(gen).padStart(12, '0')}.log`;
}

function genOf(name: string): number | null {
  const m = /^spool-(\d{12})\.log$/.exec(name);
  return m ? Number(m[1]) : null;
}

function failure(cause: unknown, detail: string): GatewayError {
  return new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', { cause, detail, data: { reason: `spool: ${detail}` } });
}

export interface SpoolBatch {
  records: Uint8Array[];
  /** Where the next read starts once this batch is released. */
  next: Cursor;
}

export interface AuditSpool {
  /** Records spooled and not yet released. */
  pending(): number;
  /** Appends records and makes them durable (one write and one fdatasync for the call). */
  append(records: readonly Uint8Array[]): Promise<void>;
  /** The oldest unreleased records, at most `max`, in spool order. */
  read(max: number): Promise<SpoolBatch>;
  /** Marks a batch from read() as published; once everything is, the spool starts a fresh, empty file. */
  release(batch: SpoolBatch): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the spool in `dir`, dropping a torn tail left by a crash, and counts what is waiting. The
 * spool is a sequence of generation files; the cursor file (replaced atomically) says which
 * generation and offset come next, so publishing and emptying never lose or reorder a record.
 */
export async function openAuditSpool(dir: string, options: { fsync?: boolean } = {}): Promise<AuditSpool> {
  const fsync = options.fsync ?? true;
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };

  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw failure(cause, `cannot create ${dir}`);
  }
  const writeCursor = async (c: Cursor): Promise<void> => {
    const path = join(dir, CURSOR_FILE);
    const handle = await open(`${path}.tmp`, 'w');
    try {
      await handle.writeFile(JSON.stringify(c));
      if (fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(`${path}.tmp`, path);
    if (fsync) await syncDir(dir);
  };

  let cursor: Cursor = { gen: 0, offset: 0 };
  let gens: number[];
  let pending = 0;
  let writeGen: number;
  let writeEnd: number;
  let handle: FileHandle;
  try {
    try {
      const parsed = JSON.parse(await readFile(join(dir, CURSOR_FILE), 'utf8')) as Partial<Cursor>;
      if (Number.isSafeInteger(parsed.gen) && Number.isSafeInteger(parsed.offset)) cursor = { gen: parsed.gen!, offset: parsed.offset! };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    gens = (await readdir(dir)).map(genOf).filter((g): g is number => g !== null).sort((a, b) => a - b);
    // Generations before the cursor's were fully published before a crash interrupted their removal.
    for (const g of gens.filter((g) => g < cursor.gen)) await rm(join(dir, fileOf(g)), { force: true });
    gens = gens.filter((g) => g >= cursor.gen);
    // A cursor naming a generation whose file is gone (removed after a rotation) starts at the next one.
    if (gens.length > 0 && gens[0] !== cursor.gen) cursor = { gen: gens[0]!, offset: 0 };
    writeGen = gens[gens.length - 1] ?? cursor.gen;
    writeEnd = 0;
    for (const g of gens) {
      const data = await readFile(join(dir, fileOf(g)));
      const { frames, validEnd, tail } = scanFrames(data);
      // Damage is not a crash's torn append: the records after it were acknowledged, so nothing is cut.
      if (tail.kind === 'damaged') throw failure(undefined, `the spool file ${join(dir, fileOf(g))} is damaged at byte ${tail.offset} (${tail.reason}); it is left as it is for an operator`);
      if (validEnd < data.length) {
        // Bytes after the last intact record were never acknowledged to anyone.
        const h = await open(join(dir, fileOf(g)), 'r+');
        try {
          await h.truncate(validEnd);
          if (fsync) await h.sync();
        } finally {
          await h.close();
        }
      }
      const from = g === cursor.gen ? Math.min(cursor.offset, validEnd) : 0;
      pending += frames.filter((f) => f.end > from).length;
      if (g === writeGen) writeEnd = validEnd;
    }
    handle = await open(join(dir, fileOf(writeGen)), 'a');
    if (fsync) await syncDir(dir);
  } catch (cause) {
    if (cause instanceof GatewayError) throw cause;
    throw failure(cause, `cannot open the spool in ${dir}`);
  }
  let broken: GatewayError | undefined;
  let closed = false;

  const check = (): void => {
    if (closed) throw new GatewayError('GW_ERR_SHUTTING_DOWN');
    if (broken) throw broken;
  };

  return {
    pending: () => pending,

    append: (records) =>
      serial(async () => {
        check();
        if (records.length === 0) return;
        const data = encodeFrames(records);
        try {
          // A write may take fewer bytes than asked (a nearly full disk) without failing; the rest is
          // written until all of it is, or a write takes nothing, which is a failure.
          for (let at = 0; at < data.length; ) {
            const { bytesWritten } = await handle.write(data, at, data.length - at, null);
            if (bytesWritten <= 0) throw new Error('the spool took no bytes (is the disk full?)');
            at += bytesWritten;
          }
          if (fsync) await handle.datasync();
        } catch (cause) {
          // A partial frame would hide every later record from the scan: cut it off, or stop using the spool.
          try {
            await handle.truncate(writeEnd);
          } catch {
            broken = failure(cause, 'a write failed and could not be undone');
          }
          throw failure(cause, 'cannot write the spool');
        }
        writeEnd += data.length;
        pending += records.length;
      }),

    read: (max) =>
      serial(async () => {
        check();
        let at: Cursor = { ...cursor };
        const records: Uint8Array[] = [];
        while (records.length < max) {
          const end = at.gen === writeGen ? writeEnd : Number.POSITIVE_INFINITY;
          if (at.offset >= end) break;
          let chunk: Buffer;
          try {
            const h = await open(join(dir, fileOf(at.gen)), 'r');
            try {
              const available = (Number.isFinite(end) ? end : (await h.stat()).size) - at.offset;
              chunk = Buffer.alloc(Math.max(0, Math.min(READ_CHUNK, available)));
              const { bytesRead } = await h.read(chunk, 0, chunk.length, at.offset);
              chunk = chunk.subarray(0, bytesRead);
            } finally {
              await h.close();
            }
          } catch (cause) {
            throw failure(cause, 'cannot read the spool');
          }
          const { frames } = scanFrames(chunk);
          if (frames.length === 0) {
            if (chunk.length >= FRAME_HEADER_SIZE && chunk.readUInt32BE(0) + FRAME_HEADER_SIZE > READ_CHUNK) {
              throw failure(undefined, 'a spooled record is larger than the read chunk');
            }
            // The end of an older generation: go on with the next one.
            if (at.gen < writeGen) {
              at = { gen: at.gen + 1, offset: 0 };
              continue;
            }
            break;
          }
          const base = at.offset;
          for (const f of frames) {
            if (records.length >= max) break;
            records.push(new Uint8Array(f.payload));
            at = { gen: at.gen, offset: base + f.end };
          }
        }
        return { records, next: at };
      }),

    release: (batch) =>
      serial(async () => {
        check();
        try {
          cursor = batch.next;
          pending = Math.max(0, pending - batch.records.length);
          if (cursor.gen === writeGen && cursor.offset >= writeEnd) {
            // Everything is published: start a fresh generation, then drop the older files.
            const old = writeGen;
            writeGen = old + 1;
            writeEnd = 0;
            const fresh = await open(join(dir, fileOf(writeGen)), 'a');
            await writeCursor({ gen: writeGen, offset: 0 });
            await handle.close();
            handle = fresh;
            cursor = { gen: writeGen, offset: 0 };
            for (const name of await readdir(dir)) {
              const g = genOf(name);
              if (g !== null && g < writeGen) await rm(join(dir, name), { force: true });
            }
            pending = 0;
          } else {
            await writeCursor(cursor);
          }
        } catch (cause) {
          broken = failure(cause, 'cannot advance the spool cursor');
          throw broken;
        }
      }),

    close: () =>
      serial(async () => {
        if (closed) return;
        closed = true;
        await handle.close();
      }),
  };
}
