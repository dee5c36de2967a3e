// Reads records from the ledger itself (never from the index), opening the log afresh for each read.
import type { AuditRecordV1 } from '@palisade/audit-core';
import { isAuditError } from '@palisade/ledger';
import { ConsoleError } from './errors.js';
import type { LedgerFolder } from './ledger-folder.js';

export async function readRecord(folder: LedgerFolder, log: string, index: number): Promise<{ bytes: Uint8Array; record: AuditRecordV1 }> {
  try {
    const opened = await folder.open(log);
    if (!opened) throw new ConsoleError('CON_ERR_NOT_FOUND', { detail: `No log "${log}".` });
    const bytes = await opened.readEntry(index);
    return { bytes, record: JSON.parse(Buffer.from(bytes).toString('utf8')) as AuditRecordV1 };
  } catch (err) {
    if (err instanceof ConsoleError) throw err;
    if (isAuditError(err) && (err.code === 'AUD_ERR_ENTRY_PRUNED' || err.code === 'AUD_ERR_INDEX_RANGE')) throw new ConsoleError('CON_ERR_NOT_FOUND', { cause: err, detail: err.message });
    throw new ConsoleError('CON_ERR_LEDGER', { cause: err, detail: `${log} entry ${index}.` });
  }
}
