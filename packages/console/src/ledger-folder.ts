// The logs of a ledger folder, opened read-only at their published checkpoints; opened afresh on every call so what the console shows is what the disk holds.
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CHECKPOINT_FILE, openLogReader, type LedgerLog } from '@palisade/ledger';
import { ConsoleError } from './errors.js';

/** The log folders of a ledger folder (or the folder itself when it is one log), by name. */
export async function logFolders(dir: string): Promise<{ name: string; dir: string }[]> {
  let names: Dirent[];
  try {
    names = await readdir(dir, { withFileTypes: true });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConsoleError('CON_ERR_LEDGER', { cause, detail: 'Listing the ledger folder.' });
  }
  if (names.some((d) => d.isFile() && d.name === CHECKPOINT_FILE)) return [{ name: dir.split(/[\\/]/).filter(Boolean).pop() ?? 'default', dir }];
  const out: { name: string; dir: string }[] = [];
  for (const d of names.filter((n) => n.isDirectory()).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))) {
    const inner: string[] = await readdir(join(dir, d.name)).catch(() => []);
    if (inner.includes(CHECKPOINT_FILE)) out.push({ name: d.name, dir: join(dir, d.name) });
  }
  return out;
}

export class LedgerFolder {
  constructor(
    readonly dir: string,
    /** The verifier key the host trusts; without it each log's own log.vkey is used. */
    readonly vkey: string | undefined,
  ) {}

  async names(): Promise<string[]> {
    return (await logFolders(this.dir)).map((l) => l.name);
  }

  /** One log opened now, or undefined when there is no such log. */
  async open(name: string): Promise<LedgerLog | undefined> {
    const found = (await logFolders(this.dir)).find((l) => l.name === name);
    if (!found) return undefined;
    return openLogReader(found.dir, { name, ...(this.vkey === undefined ? {} : { vkey: this.vkey }) });
  }

  async openAll(): Promise<LedgerLog[]> {
    const out: LedgerLog[] = [];
    for (const l of await logFolders(this.dir)) out.push(await openLogReader(l.dir, { name: l.name, ...(this.vkey === undefined ? {} : { vkey: this.vkey }) }));
    return out;
  }
}
