// Per-subject secrets on disk, one small file per (issuer, subject), wrapped under a master key; erasing a subject deletes its file.
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SUBJECT_SECRET_SIZE, deriveSubjectKeys, seal, unseal, type Sealed, type SubjectKeys } from '@palisade/audit-core';
import { AuditError } from './errors.js';
import { syncDir } from './sync-dir.js';

export interface SubjectKey extends SubjectKeys {
  /** Random id named in audit records; says nothing about the subject. */
  keyId: string;
}

interface KeyFile {
  v: 1;
  key_id: string;
  wrapped: Sealed;
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/** The file name of a subject's key: a digest, so listing the folder does not list who the subjects are. */
export function subjectKeyFileName(iss: string, sub: string): string {
  return `${createHash('sha256').update(iss, 'utf8').update('\n').update(sub, 'utf8').digest('hex')}.key`;
}

function isKeyFile(value: unknown): value is KeyFile {
  const v = value as Partial<KeyFile> | null;
  return v?.v === 1 && typeof v.key_id === 'string' && /^[0-9a-f]{32}$/.test(v.key_id) && typeof v.wrapped === 'object' && v.wrapped !== null;
}

export interface SubjectKeyStoreOptions {
  dir: string;
  /** 32-byte key that wraps every subject secret, so the folder alone reveals nothing. */
  masterKey: Uint8Array;
  /** How long a loaded key is reused before the file is checked again, so an erasure takes effect (default 5000 ms). */
  cacheMs?: number;
  clock?: () => number;
  fsync?: boolean;
}

export class SubjectKeyStore {
  readonly dir: string;
  readonly #master: Uint8Array;
  readonly #cacheMs: number;
  readonly #clock: () => number;
  readonly #fsync: boolean;
  readonly #cache = new Map<string, { key: SubjectKey; until: number }>();
  #dirReady = false;

  constructor(options: SubjectKeyStoreOptions) {
    if (options.masterKey.length !== 32) throw new AuditError('AUD_ERR_KEYSTORE', { detail: 'The master key must be 32 bytes.' });
    this.dir = options.dir;
    this.#master = options.masterKey;
    this.#cacheMs = options.cacheMs ?? 5000;
    this.#clock = options.clock ?? Date.now;
    this.#fsync = options.fsync ?? true;
  }

  /** The subject's key, or null when it has none (never had one, or it was erased). */
  async get(iss: string, sub: string): Promise<SubjectKey | null> {
    const name = subjectKeyFileName(iss, sub);
    const hit = this.#cache.get(name);
    if (hit && hit.until > this.#clock()) return hit.key;
    let text: string;
    try {
      text = await readFile(join(this.dir, name), 'utf8');
    } catch (err) {
      if (errno(err) === 'ENOENT') {
        this.#cache.delete(name);
        return null;
      }
      throw new AuditError('AUD_ERR_KEYSTORE', { cause: err, detail: `Reading ${name}.` });
    }
    return this.#remember(name, this.#parse(name, text));
  }

  /** The subject's key, created (durably, with mode 0600) on first use. */
  async getOrCreate(iss: string, sub: string): Promise<SubjectKey> {
    const existing = await this.get(iss, sub);
    if (existing) return existing;
    const name = subjectKeyFileName(iss, sub);
    const keyId = randomBytes(16).toString('hex');
    const secret = randomBytes(SUBJECT_SECRET_SIZE);
    const file: KeyFile = { v: 1, key_id: keyId, wrapped: seal(this.#master, `palisade subject key ${keyId}`, secret) };
    try {
      if (!this.#dirReady) {
        await mkdir(this.dir, { recursive: true, mode: 0o700 });
        this.#dirReady = true;
      }
      // The key is written whole under a name of its own, then linked into place: link fails when
      // another writer (a gateway sharing this folder, or a concurrent request here) published its
      // key first, and that complete key then wins for everyone. A reader never sees a partial file.
      const staged = join(this.dir, `.${name}.${randomBytes(8).toString('hex')}.tmp`);
      const handle = await open(staged, 'wx', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(file)}\n`);
        if (this.#fsync) await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await link(staged, join(this.dir, name));
      } finally {
        await unlink(staged).catch(() => undefined);
      }
      if (this.#fsync) await syncDir(this.dir);
    } catch (err) {
      if (errno(err) === 'EEXIST') {
        const raced = await this.get(iss, sub);
        if (raced) return raced;
      }
      throw new AuditError('AUD_ERR_KEYSTORE', { cause: err, detail: `Creating ${name}.` });
    }
    return this.#remember(name, { keyId, ...deriveSubjectKeys(secret) });
  }

  #parse(name: string, text: string): SubjectKey {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new AuditError('AUD_ERR_KEYSTORE', { cause, detail: `${name} is not JSON.` });
    }
    if (!isKeyFile(value)) throw new AuditError('AUD_ERR_KEYSTORE', { detail: `${name} is not a subject key file.` });
    let secret: Uint8Array;
    try {
      secret = unseal(this.#master, `palisade subject key ${value.key_id}`, value.wrapped);
    } catch (cause) {
      throw new AuditError('AUD_ERR_KEYSTORE', { cause, detail: `${name} does not open with this master key.` });
    }
    return { keyId: value.key_id, ...deriveSubjectKeys(secret) };
  }

  #remember(name: string, key: SubjectKey): SubjectKey {
    this.#cache.set(name, { key, until: this.#clock() + this.#cacheMs });
    return key;
  }
}

/**
 * Destroys a subject's key: the file is overwritten, fsynced and unlinked, and the folder fsynced.
 * Works without the master key. Returns the erased key id, or null when the subject had no key.
 */
export async function eraseSubjectKey(dir: string, iss: string, sub: string): Promise<{ keyId: string | null; file: string }> {
  const name = subjectKeyFileName(iss, sub);
  const path = join(dir, name);
  let keyId: string | null = null;
  let handle;
  try {
    handle = await open(path, 'r+');
  } catch (err) {
    if (errno(err) === 'ENOENT') return { keyId: null, file: name };
    throw new AuditError('AUD_ERR_KEYSTORE', { cause: err, detail: `Opening ${name}.` });
  }
  try {
    const text = await handle.readFile('utf8');
    try {
      const value: unknown = JSON.parse(text);
      if (isKeyFile(value)) keyId = value.key_id;
    } catch {
      // An unreadable key file is destroyed all the same.
    }
    // Overwriting first means the wrapped secret is not left in the freed blocks of a simple filesystem.
    await handle.write(Buffer.alloc(text.length, 0), 0, text.length, 0);
    await handle.sync();
  } catch (err) {
    throw new AuditError('AUD_ERR_KEYSTORE', { cause: err, detail: `Overwriting ${name}.` });
  } finally {
    await handle.close();
  }
  try {
    await unlink(path);
    await syncDir(dir);
  } catch (err) {
    throw new AuditError('AUD_ERR_KEYSTORE', { cause: err, detail: `Removing ${name}.` });
  }
  return { keyId, file: name };
}

/** Number of subject keys in a store (for status output). */
export async function countSubjectKeys(dir: string): Promise<number> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith('.key')).length;
  } catch (err) {
    if (errno(err) === 'ENOENT') return 0;
    throw new AuditError('AUD_ERR_KEYSTORE', { cause: err, detail: `Listing ${dir}.` });
  }
}
