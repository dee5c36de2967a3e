// `palisade-audit receipt` and `verify-receipt`: a decision's C2SP tlog-proof from a ledger folder, and its offline check with the verifier key alone.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isAuditCoreError, parseVerifier, toBase64, verifyTlogProof } from '@palisade/audit-core';
import { AuditError, CHECKPOINT_FILE, isDecisionId, openLogReader, type LedgerLog } from '@palisade/ledger';
import { UsageError, asUsage, required } from './usage.js';

/** The logs of a ledger folder (or the folder itself when it is one log), read-only. */
export async function openLedgerLogs(dir: string, vkey?: string): Promise<LedgerLog[]> {
  const options = vkey === undefined ? {} : { vkey };
  const names = await readdir(dir, { withFileTypes: true }).catch((cause: unknown) => {
    throw new AuditError('AUD_ERR_IO', { cause, detail: `Cannot list ${dir}.` });
  });
  if (names.some((d) => d.isFile() && d.name === CHECKPOINT_FILE)) return [await openLogReader(dir, options)];
  const logs: LedgerLog[] = [];
  for (const d of names.filter((n) => n.isDirectory()).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))) {
    const entries = await readdir(join(dir, d.name));
    if (entries.includes(CHECKPOINT_FILE)) logs.push(await openLogReader(join(dir, d.name), { ...options, name: d.name }));
  }
  return logs;
}

/** Finds the log and index of a decision's record of the given phase. */
export async function locateRecord(logs: readonly LedgerLog[], decisionId: string, phase: string): Promise<{ log: LedgerLog; index: number }> {
  for (const log of logs) {
    const hit = (await log.findDecision(decisionId)).find((e) => e.phase === phase);
    if (hit) return { log, index: hit.index };
  }
  throw new AuditError('AUD_ERR_NOT_FOUND', { detail: `${decisionId} (${phase}).` });
}

export async function receiptCommand(args: string[]): Promise<number> {
  const { values, positionals } = asUsage(() =>
    parseArgs({
      args,
      options: {
        ledger: { type: 'string' },
        'decision-id': { type: 'string' },
        phase: { type: 'string', default: 'decision' },
        vkey: { type: 'string' },
        out: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (positionals.length > 0) throw new UsageError('receipt takes no positional arguments.');
  const ledger = required(values.ledger, 'ledger', 'receipt');
  const decisionId = required(values['decision-id'], 'decision-id', 'receipt');
  if (!isDecisionId(decisionId)) throw new UsageError('--decision-id must be a UUID.');
  if (values.phase !== 'decision' && values.phase !== 'outcome') throw new UsageError('--phase is decision or outcome.');
  const logs = await openLedgerLogs(ledger, values.vkey);
  const { log, index } = await locateRecord(logs, decisionId, values.phase);
  const receipt = await log.receipt(index);
  if (values.out !== undefined) {
    await writeFile(values.out, receipt);
    process.stdout.write(`${values.out}: ${log.origin} index ${index}\n`);
  } else {
    process.stdout.write(receipt);
  }
  return 0;
}

export async function verifyReceiptCommand(args: string[]): Promise<number> {
  const { values, positionals } = asUsage(() =>
    parseArgs({
      args,
      options: { vkey: { type: 'string' }, record: { type: 'string' }, origin: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (positionals.length !== 1) throw new UsageError('verify-receipt takes exactly one receipt file.');
  const vkeyArg = required(values.vkey, 'vkey', 'verify-receipt');
  // The key may be given inline or as a file holding it (log.vkey).
  const vkeyText = vkeyArg.includes('+') ? vkeyArg : await readFile(vkeyArg, 'utf8');
  let verifier;
  try {
    verifier = parseVerifier(vkeyText);
  } catch (cause) {
    throw new AuditError('AUD_ERR_KEY_INVALID', { cause, detail: 'The verifier key is not valid.' });
  }
  const text = await readFile(positionals[0]!, 'utf8');
  const entry = values.record === undefined ? undefined : new Uint8Array(await readFile(values.record));
  try {
    const ok = verifyTlogProof(text, [verifier], { ...(entry ? { entry } : {}), ...(values.origin ? { origin: values.origin } : {}) });
    let what = '';
    try {
      const record = JSON.parse(Buffer.from(ok.entry).toString('utf8')) as { decision_id?: unknown; phase?: unknown };
      if (typeof record.decision_id === 'string') what = ` decision_id=${record.decision_id} phase=${String(record.phase)}`;
    } catch {
      // The receipt proves inclusion of whatever bytes it carries; describing them is a courtesy.
    }
    process.stdout.write(`OK ${ok.checkpoint.origin} index=${ok.index} size=${ok.checkpoint.size} root=${toBase64(ok.checkpoint.rootHash)}${what}\n`);
    return 0;
  } catch (err) {
    if (!isAuditCoreError(err)) throw err;
    throw new AuditError('AUD_ERR_RECEIPT_INVALID', { cause: err, detail: err.message });
  }
}
