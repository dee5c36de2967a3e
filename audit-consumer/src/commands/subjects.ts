// `palisade-audit erase` destroys a subject's key; `palisade-audit content` opens the content a policy kept, while the key exists.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { AuditError, ContentStore, SubjectKeyStore, eraseSubjectKey, isDecisionId } from '@palisade/ledger';
import { locateRecord, openLedgerLogs } from './receipts.js';
import { UsageError, asUsage, required } from './usage.js';

export async function eraseCommand(args: string[]): Promise<number> {
  const { values, positionals } = asUsage(() =>
    parseArgs({ args, options: { subject: { type: 'string' }, iss: { type: 'string' }, keys: { type: 'string' } }, allowPositionals: true, strict: true }),
  );
  if (positionals.length > 0) throw new UsageError('erase takes no positional arguments.');
  const subject = required(values.subject, 'subject', 'erase');
  const iss = required(values.iss, 'iss', 'erase');
  const keys = required(values.keys, 'keys', 'erase');
  const { keyId } = await eraseSubjectKey(keys, iss, subject);
  process.stdout.write(keyId === null ? 'no key for this subject; nothing to erase\n' : `erased subject key ${keyId}\n`);
  return 0;
}

/** Reads a hex master key file (the gateway's audit.commitment_key_file). */
async function readMasterKey(file: string): Promise<Uint8Array> {
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).trim();
  } catch (cause) {
    throw new AuditError('AUD_ERR_KEY_MISSING', { cause, detail: file });
  }
  const key = Buffer.from(text, 'hex');
  if (key.length !== 32 || key.toString('hex') !== text.toLowerCase()) throw new AuditError('AUD_ERR_KEY_INVALID', { detail: `${file} must hold 64 hex digits.` });
  return key;
}

export async function contentCommand(args: string[]): Promise<number> {
  const { values, positionals } = asUsage(() =>
    parseArgs({
      args,
      options: {
        ledger: { type: 'string' },
        'decision-id': { type: 'string' },
        phase: { type: 'string', default: 'decision' },
        store: { type: 'string' },
        keys: { type: 'string' },
        'master-key': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (positionals.length > 0) throw new UsageError('content takes no positional arguments.');
  const decisionId = required(values['decision-id'], 'decision-id', 'content');
  if (!isDecisionId(decisionId)) throw new UsageError('--decision-id must be a UUID.');
  if (values.phase !== 'decision' && values.phase !== 'outcome') throw new UsageError('--phase is decision or outcome.');
  const logs = await openLedgerLogs(required(values.ledger, 'ledger', 'content'));
  const { log, index } = await locateRecord(logs, decisionId, values.phase);
  const record = JSON.parse(Buffer.from(await log.readEntry(index)).toString('utf8')) as AuditRecordV1;
  const keys = new SubjectKeyStore({ dir: required(values.keys, 'keys', 'content'), masterKey: await readMasterKey(required(values['master-key'], 'master-key', 'content')), cacheMs: 0 });
  const parts = await new ContentStore(required(values.store, 'store', 'content')).read(record, keys);
  process.stdout.write(`${JSON.stringify({ decision_id: decisionId, record_id: record.record_id, ...parts })}\n`);
  return 0;
}
