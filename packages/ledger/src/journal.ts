// The log's write-ahead journal: appended entries become durable with one fsync, and tiles and a signed checkpoint follow in bulk later.
import { open, type FileHandle } from 'node:fs/promises';
import { FRAME_HEADER_SIZE, encodeFrames } from '@palisade/audit-core';
import { AuditError } from './errors.js';
import { readJournal, type JournalScan } from './journal-check.js';

export { JOURNAL_FILE } from './journal-check.js';

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

  /**
   * Opens (creating) the journal and reads it without changing it: the caller decides what to do
   * with a torn tail (cutTornTail) or damage (refuse, and leave the file as it is).
   */
  static async open(path: string, fsync: boolean): Promise<{ journal: LogJournal; scan: JournalScan; data: Uint8Array }> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'a+');
    } catch (cause) {
      throw new AuditError('AUD_ERR_IO', { cause, detail: `Opening ${path}.` });
    }
    try {
      const data = await handle.readFile();
      return { journal: new LogJournal(handle, fsync, data.length), scan: readJournal(data), data };
    } catch (err) {
      await handle.close();
      throw new AuditError('AUD_ERR_IO', { cause: err, detail: `Reading ${path}.` });
    }
  }

  get bytes(): number {
    return this.#length;
  }

  /** Cuts off an append a crash left incomplete: it was never acknowledged. */
  async cutTornTail(scan: JournalScan): Promise<void> {
    if (!scan.torn || scan.damage) return;
    try {
      await this.#handle.truncate(scan.intactEnd);
      if (this.#fsync) await this.#handle.sync();
    } catch (cause) {
      throw new AuditError('AUD_ERR_IO', { cause, detail: 'Cutting a torn append off the journal.' });
    }
    this.#length = scan.intactEnd;
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
      // A write may take fewer bytes than asked (a nearly full disk) without failing: the rest is
      // written until all of it is, or a write takes nothing, which is a failure.
      for (let at = 0; at < data.length; ) {
        const { bytesWritten } = await this.#handle.write(data, at, data.length - at, null);
        if (bytesWritten <= 0) throw new Error('the journal took no bytes (is the disk full?)');
        at += bytesWritten;
      }
      if (this.#fsync) await this.#handle.datasync();
    } catch (cause) {
      // Whatever part of the frames reached the file is cut off again, so the journal never holds
      // an unacknowledged record that a later append would bury in its middle.
      await this.#handle.truncate(this.#length).catch(() => undefined);
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
