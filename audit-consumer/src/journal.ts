// The log's write-ahead journal: appended entries become durable with one fsync, and tiles and a signed checkpoint follow in bulk later.
import { open, type FileHandle } from 'node:fs/promises';
import { FRAME_HEADER_SIZE, encodeFrames, scanFrames } from '@palisade/audit-core';
import { AuditError } from './errors.js';

export const JOURNAL_FILE = 'journal';

export interface JournalEntry {
  index: number;
  entry: Uint8Array;
}

/**
 * Each frame holds one entry after its 8-byte big-endian index, so replay knows where an entry
 * belongs even when the journal still holds entries a checkpoint already covers.
 */
export class LogJournal {
  readonly #handle: FileHandle;
  readonly #fsync: boolean;
  #length: number;

  private constructor(handle: FileHandle, fsync: boolean, length: number) {
    this.#handle = handle;
    this.#fsync = fsync;
    this.#length = length;
  }

  /** Opens (creating) the journal, drops a torn tail, and returns the intact entries in it. */
  static async open(path: string, fsync: boolean): Promise<{ journal: LogJournal; entries: JournalEntry[] }> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'a+');
    } catch (cause) {
      throw new AuditError('AUD_ERR_IO', { cause, detail: `Opening ${path}.` });
    }
    try {
      const data = await handle.readFile();
      const { frames, validEnd } = scanFrames(data);
      if (validEnd < data.length) {
        // An append cut short by a crash was never acknowledged, so its bytes are dropped.
        await handle.truncate(validEnd);
        if (fsync) await handle.sync();
      }
      const entries = frames.map(({ payload }) => {
        if (payload.length < 8) throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${path} holds a frame without an index.` });
        const view = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
        return { index: Number(view.readBigUInt64BE(0)), entry: new Uint8Array(view.subarray(8)) };
      });
      return { journal: new LogJournal(handle, fsync, validEnd), entries };
    } catch (err) {
      await handle.close();
      if (err instanceof AuditError) throw err;
      throw new AuditError('AUD_ERR_IO', { cause: err, detail: `Reading ${path}.` });
    }
  }

  get bytes(): number {
    return this.#length;
  }

  /** Appends entries numbered from `firstIndex` and makes them durable with one fdatasync. */
  async append(firstIndex: number, entries: readonly Uint8Array[]): Promise<void> {
    const payloads = entries.map((entry, k) => {
      const p = Buffer.allocUnsafe(8 + entry.length);
      p.writeBigUInt64BE(BigInt(firstIndex + k), 0);
      p.set(entry, 8);
      return p;
    });
    const data = encodeFrames(payloads);
    try {
      await this.#handle.write(data, 0, data.length, null);
      if (this.#fsync) await this.#handle.datasync();
    } catch (cause) {
      throw new AuditError('AUD_ERR_IO', { cause, detail: 'Appending to the journal.' });
    }
    this.#length += data.length;
  }

  /** Empties the journal once a checkpoint covers everything in it. */
  async reset(): Promise<void> {
    if (this.#length === 0) return;
    try {
      await this.#handle.truncate(0);
      if (this.#fsync) await this.#handle.sync();
    } catch (cause) {
      throw new AuditError('AUD_ERR_IO', { cause, detail: 'Emptying the journal.' });
    }
    this.#length = 0;
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }
}

/** Frame overhead per journalled entry (header plus index), for size estimates. */
export const JOURNAL_OVERHEAD = FRAME_HEADER_SIZE + 8;
