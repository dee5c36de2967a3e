// The prompt and answer a policy kept for a decision, for content readers only; "erased" once the subject's key is gone.
import { ContentStore, SubjectKeyStore, isAuditError } from '@palisade/ledger';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { ConsoleError } from './errors.js';
import type { ContentAccess } from './options.js';

export type ContentView = { request: string | null; response: string | null } | 'erased' | 'not_stored' | 'forbidden';

type Part = 'request' | 'response';

async function readPart(access: ContentAccess, keys: SubjectKeyStore, record: AuditRecordV1, part: Part): Promise<{ text: string | null; erased: boolean }> {
  const mode = record.content?.mode;
  if (!record.content?.key_id || mode === undefined || mode === 'none' || mode === 'hash') return { text: null, erased: false };
  try {
    const parts = await new ContentStore(access.storeDir).read(record, keys);
    return { text: parts[part]?.text ?? null, erased: false };
  } catch (err) {
    if (!isAuditError(err) || err.code !== 'AUD_ERR_CONTENT_UNAVAILABLE') throw new ConsoleError('CON_ERR_LEDGER', { cause: err, detail: 'Reading kept content.' });
    // Unavailable because the key is gone reads as erased; because nothing was written, as not stored.
    const key = await keys.get(record.principal.iss, record.principal.sub);
    return { text: null, erased: key === null || key.keyId !== record.content.key_id };
  }
}

export async function contentOf(access: ContentAccess | undefined, decision: AuditRecordV1 | null, outcome: AuditRecordV1 | null): Promise<ContentView> {
  if (!access) return 'not_stored';
  // The key cache is off: an erasure must show at once.
  const keys = new SubjectKeyStore({ dir: access.keysDir, masterKey: access.masterKey, cacheMs: 0 });
  const request = decision ? await readPart(access, keys, decision, 'request') : { text: null, erased: false };
  const response = outcome ? await readPart(access, keys, outcome, 'response') : { text: null, erased: false };
  if (request.erased || response.erased) return 'erased';
  if (request.text === null && response.text === null) return 'not_stored';
  return { request: request.text, response: response.text };
}
