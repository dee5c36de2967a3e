// Crash-safe file writes for a log folder: files and their directories are fsynced, and small mutable files are replaced atomically.
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { AuditError } from './errors.js';
import { syncDir } from './sync-dir.js';

export interface FileWrite {
  /** Path relative to the store's folder, with '/' separators. */
  path: string;
  data: Uint8Array | string;
}

const WRITE_CONCURRENCY = 16;

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

export class DurableFiles {
  readonly dir: string;
  readonly #fsync: boolean;
  /** Directories known to exist, so each append does not repeat mkdir calls. */
  readonly #known = new Set<string>();

  constructor(dir: string, fsync: boolean) {
    this.dir = dir;
    this.#fsync = fsync;
  }

  abs(path: string): string {
    return join(this.dir, ...path.split('/'));
  }

  /** File contents, or null when the file does not exist. */
  async read(path: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.abs(path));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw new AuditError('AUD_ERR_IO', { cause: err, detail: `Reading ${path}.` });
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      await stat(this.abs(path));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw new AuditError('AUD_ERR_IO', { cause: err, detail: `Looking for ${path}.` });
    }
  }

  /** Writes (replacing) every file, then makes files and the directories naming them durable. */
  async writeAll(files: readonly FileWrite[]): Promise<void> {
    const dirsToSync = new Set<string>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const f = files[next++]!;
        const abs = this.abs(f.path);
        await this.#ensureDir(dirname(abs), dirsToSync);
        await this.#writeFile(abs, f.data);
        dirsToSync.add(dirname(abs));
      }
    };
    await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, files.length) }, worker));
    await this.#syncDirs(dirsToSync);
  }

  /** Replaces one file atomically: a reader sees the old or the new content, never a mix. */
  async replace(path: string, data: Uint8Array | string): Promise<void> {
    const abs = this.abs(path);
    const dirsToSync = new Set<string>([dirname(abs)]);
    await this.#ensureDir(dirname(abs), dirsToSync);
    const tmp = `${abs}.tmp`;
    await this.#writeFile(tmp, data);
    try {
      await rename(tmp, abs);
    } catch (err) {
      throw new AuditError('AUD_ERR_IO', { cause: err, detail: `Renaming into ${path}.` });
    }
    await this.#syncDirs(dirsToSync);
  }

  /** Makes a folder's entries (files created or renamed in it) durable; `path` is relative, '' for the store's own folder. */
  async syncDir(path: string): Promise<void> {
    await this.#syncDirs(new Set([path === '' ? this.dir : this.abs(path)]));
  }

  /** Removes a file or folder if present; used for superseded partial tiles. */
  async remove(path: string): Promise<void> {
    await rm(this.abs(path), { recursive: true, force: true });
  }

  async #writeFile(abs: string, data: Uint8Array | string): Promise<void> {
    try {
      const handle = await open(abs, 'w');
      try {
        await handle.writeFile(data);
        if (this.#fsync) await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (err) {
      throw new AuditError('AUD_ERR_IO', { cause: err, detail: `Writing ${relative(this.dir, abs).split(sep).join('/')}.` });
    }
  }

  async #ensureDir(dir: string, dirsToSync: Set<string>): Promise<void> {
    if (this.#known.has(dir)) return;
    try {
      const created = await mkdir(dir, { recursive: true });
      if (created !== undefined) {
        // Every directory from the first one created down to `dir` is new: its parent must be synced.
        for (let d = dir; d.length >= created.length; d = dirname(d)) dirsToSync.add(dirname(d));
      }
    } catch (err) {
      throw new AuditError('AUD_ERR_IO', { cause: err, detail: `Creating ${relative(this.dir, dir)}.` });
    }
    this.#known.add(dir);
  }

  async #syncDirs(dirs: Set<string>): Promise<void> {
    if (!this.#fsync) return;
    for (const d of dirs) {
      try {
        await syncDir(d);
      } catch (err) {
        throw new AuditError('AUD_ERR_IO', { cause: err, detail: 'Syncing a ledger directory.' });
      }
    }
  }
}
