// The retention marker of a log: entries below this index had their bundles removed, their hashes stay in the tiles.
import { AuditError } from './errors.js';
import type { DurableFiles } from './durable-files.js';

/** Holds the index as ASCII decimal; the C2SP "minimum index" below which bundles are refused. */
export const PRUNED_FILE = 'pruned';

export async function readPrunedBelow(files: DurableFiles): Promise<number> {
  const data = await files.read(PRUNED_FILE);
  if (!data) return 0;
  const text = Buffer.from(data).toString('utf8').trim();
  if (!/^(0|[1-9][0-9]*)$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new AuditError('AUD_ERR_LOG_CORRUPT', { detail: `${PRUNED_FILE} does not hold an entry index.` });
  }
  return Number(text);
}

export async function writePrunedBelow(files: DurableFiles, index: number): Promise<void> {
  await files.replace(PRUNED_FILE, `${index}\n`);
}
