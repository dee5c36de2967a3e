// Prompt and answer text kept by policy, one file per audit record, sealed under the subject's key; the ledger holds only commitments.
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { seal, unseal, type AuditContentMode, type AuditRecordV1, type Sealed } from '@palisade/audit-core';
import { AuditError } from './errors.js';
import type { SubjectKey, SubjectKeyStore } from './subject-key-store.js';
import { syncDir } from './sync-dir.js';

export type ContentPart = 'request' | 'response';

interface ContentFile {
  v: 1;
  record_id: string;
  key_id: string;
  parts: Partial<Record<ContentPart, { mode: 'full' | 'redacted'; sealed: Sealed }>>;
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/** The additional data binding a sealed part to its record and place, so a file cannot be swapped for another. */
function aad(recordId: string, part: ContentPart, mode: string): string {
  return `palisade content ${recordId} ${part} ${mode}`;
}

const RECORD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** `<dir>/<first 6 hex digits>/<record id>.json`: UUIDv7 ids start with the time, so one folder holds about 4.6 hours. */
export function contentFilePath(dir: string, recordId: string): string {
  if (!RECORD_ID.test(recordId)) throw new AuditError('AUD_ERR_CONTENT_UNAVAILABLE', { detail: 'Not a record id.' });
  return join(dir, recordId.slice(0, 6), `${recordId}.json`);
}

export class ContentStore {
  readonly dir: string;
  readonly #fsync: boolean;
  readonly #known = new Set<string>();

  constructor(dir: string, options: { fsync?: boolean } = {}) {
    this.dir = dir;
    this.#fsync = options.fsync ?? true;
  }

  /** Seals and durably writes the kept parts of one record's content; refuses to overwrite. */
  async write(recordId: string, key: SubjectKey, parts: Partial<Record<ContentPart, { mode: 'full' | 'redacted'; text: string }>>): Promise<void> {
    const file: ContentFile = { v: 1, record_id: recordId, key_id: key.keyId, parts: {} };
    for (const [part, value] of Object.entries(parts) as [ContentPart, { mode: 'full' | 'redacted'; text: string }][]) {
      file.parts[part] = { mode: value.mode, sealed: seal(key.contentKey, aad(recordId, part, value.mode), value.text) };
    }
    const path = contentFilePath(this.dir, recordId);
    const folder = dirname(path);
    try {
      if (!this.#known.has(folder)) {
        await mkdir(folder, { recursive: true, mode: 0o700 });
        this.#known.add(folder);
      }
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(file));
        if (this.#fsync) await handle.sync();
      } finally {
        await handle.close();
      }
      if (this.#fsync) await syncDir(folder);
    } catch (cause) {
      throw new AuditError('AUD_ERR_IO', { cause, detail: 'Writing a content file.' });
    }
  }

  /**
   * The kept text of a record's parts, opened with the subject's current key. Fails with
   * AUD_ERR_CONTENT_UNAVAILABLE when nothing was kept or the subject's key was erased.
   */
  async read(record: AuditRecordV1, keys: SubjectKeyStore): Promise<Partial<Record<ContentPart, { mode: AuditContentMode; text: string }>>> {
    const keyId = record.content?.key_id;
    if (!keyId) throw new AuditError('AUD_ERR_CONTENT_UNAVAILABLE', { detail: 'The record names no subject key.' });
    let text: string;
    try {
      text = await readFile(contentFilePath(this.dir, record.record_id), 'utf8');
    } catch (err) {
      if (errno(err) === 'ENOENT') throw new AuditError('AUD_ERR_CONTENT_UNAVAILABLE', { detail: 'No content was kept for this record.' });
      throw new AuditError('AUD_ERR_IO', { cause: err, detail: 'Reading a content file.' });
    }
    const file = JSON.parse(text) as ContentFile;
    const key = await keys.get(record.principal.iss, record.principal.sub);
    if (!key || key.keyId !== keyId || file.key_id !== keyId) {
      throw new AuditError('AUD_ERR_CONTENT_UNAVAILABLE', { detail: "The subject's key was erased." });
    }
    const out: Partial<Record<ContentPart, { mode: AuditContentMode; text: string }>> = {};
    for (const [part, value] of Object.entries(file.parts) as [ContentPart, { mode: 'full' | 'redacted'; sealed: Sealed }][]) {
      try {
        out[part] = { mode: value.mode, text: Buffer.from(unseal(key.contentKey, aad(record.record_id, part, value.mode), value.sealed)).toString('utf8') };
      } catch (cause) {
        throw new AuditError('AUD_ERR_CONTENT_UNAVAILABLE', { cause, detail: `The ${part} does not open with the subject's key.` });
      }
    }
    return out;
  }
}
