// `palisade-audit recover`: the explicit operator step after a log refused to open because its journal is damaged.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RECOVERY_LOG_FILE, recoverJournal } from '@palisade/ledger';
import { UsageError, asUsage } from './usage.js';

export async function recoverCommand(args: string[]): Promise<number> {
  const { positionals } = asUsage(() => parseArgs({ args, options: {}, allowPositionals: true, strict: true }));
  if (positionals.length !== 1) throw new UsageError('recover takes exactly one log folder.');
  const dir = positionals[0]!;
  const record = await recoverJournal(dir);
  if (!record) {
    process.stdout.write(`nothing to recover: the journal in ${dir} is intact\n`);
    return 0;
  }
  const { kept, dropped } = record;
  process.stdout.write(
    `recovered ${record.log}: kept ${kept.frames} frame(s) (${kept.bytes} bytes); dropped ${dropped.bytes} bytes from byte ${dropped.from_byte}` +
      ` (${dropped.intact_frames} intact frame(s), entries ${dropped.entries.map(([a, b]) => (a === b ? `${a}` : `${a}..${b}`)).join(', ') || 'none'}; ${dropped.unreadable_bytes} unreadable bytes)` +
      `; the damaged journal is kept as ${record.damaged_copy}; recorded in ${join(record.log, RECOVERY_LOG_FILE)}\n`,
  );
  process.stdout.write(`${JSON.stringify(record)}\n`);
  return 0;
}
