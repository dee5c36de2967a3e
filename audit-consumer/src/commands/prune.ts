// `palisade-audit prune`: applies retention to a ledger folder by hand (the consumer does it on its own when configured).
import { parseArgs } from 'node:util';
import { pruneLog } from '@palisade/ledger';
import { openLedgerLogs } from './receipts.js';
import { UsageError, asUsage, required } from './usage.js';

export async function pruneCommand(args: string[]): Promise<number> {
  const { values, positionals } = asUsage(() => parseArgs({ args, options: { before: { type: 'string' } }, allowPositionals: true, strict: true }));
  if (positionals.length !== 1) throw new UsageError('prune takes exactly one folder.');
  const beforeText = required(values.before, 'before', 'prune');
  const before = Date.parse(beforeText);
  if (!/^\d{4}-\d{2}-\d{2}/.test(beforeText) || Number.isNaN(before)) throw new UsageError('--before must be an RFC 3339 date or time, e.g. 2026-01-01T00:00:00Z.');
  for (const log of await openLedgerLogs(positionals[0]!)) {
    const result = await pruneLog(log.dir, before);
    process.stdout.write(`${log.name}: ${result.removed} bundle(s) removed, entries below ${result.prunedBelow} pruned\n`);
  }
  return 0;
}
