// `palisade-audit index rebuild`: empties the index and reads every log of the ledger into it again.
import { IndexTailer, type TailResult } from './index-tailer.js';
import { LedgerFolder } from './ledger-folder.js';
import { RecordIndex } from './record-index.js';

export async function rebuildIndex(options: { ledgerDir: string; indexPath: string; vkey?: string; clock?: () => number }): Promise<TailResult & { ms: number }> {
  const clock = options.clock ?? Date.now;
  const started = performance.now();
  const index = RecordIndex.open(options.indexPath);
  try {
    index.clear();
    const result = await index.bulk(() => new IndexTailer(index, new LedgerFolder(options.ledgerDir, options.vkey), clock).catchUp());
    return { ...result, ms: performance.now() - started };
  } finally {
    index.close();
  }
}
