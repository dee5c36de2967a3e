// Loads the log signing key (Go signer-key format) from a file, creating a private 0600 file for development when asked.
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateNoteKey, parseSigner, type NoteSigner } from '@palisade/audit-core';
import { AuditError } from './errors.js';

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

function parse(text: string, file: string): NoteSigner {
  try {
    return parseSigner(text);
  } catch (err) {
    // The core's message never echoes the key; the file name is enough to act on.
    throw new AuditError('AUD_ERR_KEY_INVALID', { cause: err, detail: file });
  }
}

/** Reads a signer key ("PRIVATE+KEY+name+hex8+base64") from `file`. */
export async function loadNoteKey(file: string): Promise<NoteSigner> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (errno(err) === 'ENOENT') throw new AuditError('AUD_ERR_KEY_MISSING', { cause: err, detail: file });
    throw new AuditError('AUD_ERR_IO', { cause: err, detail: `Reading ${file}.` });
  }
  return parse(text, file);
}

/** Loads the key in `file`, or creates a new one named `name` with mode 0600 when the file does not exist. */
export async function loadOrCreateNoteKey(file: string, name: string): Promise<NoteSigner> {
  const { skey } = generateNoteKey(name);
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    // 'wx' fails if another process created the file first; that key then wins and is loaded below.
    const handle = await open(file, 'wx', 0o600);
    try {
      await handle.writeFile(`${skey}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return parse(skey, file);
  } catch (err) {
    if (err instanceof AuditError) throw err;
    if (errno(err) === 'EEXIST') return loadNoteKey(file);
    throw new AuditError('AUD_ERR_IO', { cause: err, detail: `Creating ${file}.` });
  }
}
