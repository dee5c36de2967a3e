// `palisade-audit verify`: re-derives every log of a ledger and reports the first problem of each, with progress on a terminal.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AuditError, verifyLedger, type VerifyProgress } from '@palisade/ledger';
import { loadVerifyState, saveVerifyState } from '../verify-state.js';
import { UsageError, asUsage } from './usage.js';

/** Progress on stderr, only on a terminal, at most a few times a second. */
function progressPrinter(): { onProgress?: (p: VerifyProgress) => void; done: () => void } {
  if (!process.stderr.isTTY) return { done: () => undefined };
  let last = 0;
  let shown = false;
  return {
    onProgress: (p) => {
      const now = Date.now();
      if (now - last < 250 && p.entries < p.size) return;
      last = now;
      shown = true;
      const pct = p.size === 0 ? 100 : Math.floor((100 * p.entries) / p.size);
      process.stderr.write(`\r\x1b[Kverifying ${p.log}: ${p.entries}/${p.size} entries (${pct}%)`);
    },
    done: () => {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

export async function verifyCommand(args: string[]): Promise<number> {
  const { values, positionals } = asUsage(() =>
    parseArgs({
      args,
      options: { vkey: { type: 'string' }, previous: { type: 'string', multiple: true }, state: { type: 'string' }, workers: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (positionals.length !== 1) throw new UsageError('verify takes exactly one folder.');
  if (values.workers !== undefined && !/^\d{1,2}$/.test(values.workers)) throw new UsageError('--workers is a number of threads (0 to 99).');
  const previous: string[] = [];
  for (const file of values.previous ?? []) {
    try {
      previous.push(await readFile(file, 'utf8'));
    } catch (cause) {
      throw new AuditError('AUD_ERR_STATE_INVALID', { cause, detail: `Cannot read the previous checkpoint ${file}.` });
    }
  }
  if (values.state !== undefined) previous.push(...(await loadVerifyState(values.state)));
  const progress = progressPrinter();
  const report = await verifyLedger(positionals[0]!, {
    ...(values.vkey === undefined ? {} : { vkey: values.vkey }),
    ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
    ...(values.workers !== undefined ? { workers: Number(values.workers) } : {}),
    previous,
  });
  progress.done();
  for (const p of report.problems) process.stderr.write(`FAIL ${p.log}: ${p.message}\n`);
  for (const l of report.logs) {
    if (l.ok) {
      const extra = `${l.pruned > 0 ? ` pruned=${l.pruned}` : ''}${l.consistentWith !== undefined ? ` consistent_with=${l.consistentWith}` : ''}`;
      process.stdout.write(`OK ${l.name} size=${l.size} root=${l.root ?? ''}${extra}\n`);
    } else {
      process.stderr.write(`FAIL ${l.name}: ${l.problems[0]?.message ?? 'too many problems'}\n`);
    }
  }
  if (values.state !== undefined) await saveVerifyState(values.state, report.logs);
  return report.ok ? 0 : 1;
}
