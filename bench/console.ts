// Audit console speed at 1,000,000 records: rebuilding the SQLite index from a ledger (target ≥ 50,000 records/s, beside merely
// reading and parsing the same entries), filtered searches through the console's own query code (target p95 ≤ 200 ms), and
// the pages' first render in headless chromium (target ≤ 1 s).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLogReader } from '@palisade/ledger';
import { RecordIndex, rebuildIndex } from '@palisade/console';
import { benchConsoleRender } from './console-render.js';
import { MODELS, REASONS, SUBJECTS, T0, uuid, writeBenchLedger } from './console-records.js';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function benchConsole(total = 1_000_000): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-console-'));
  const lines: string[] = [];
  try {
    const { endMs } = await writeBenchLedger(join(dir, 'ledger'), total);

    // Baseline: reading and parsing every entry, which any index build must do.
    const reader = await openLogReader(join(dir, 'ledger', '0'));
    let started = performance.now();
    for (let i = 0; i < reader.published().size; i++) JSON.parse(Buffer.from(await reader.readEntry(i)).toString('utf8'));
    const readS = (performance.now() - started) / 1000;
    const indexPath = join(dir, 'index.sqlite');
    const rebuilt = await rebuildIndex({ ledgerDir: join(dir, 'ledger'), indexPath });
    const rate = rebuilt.entries / (rebuilt.ms / 1000);
    lines.push(`rebuild: ${rebuilt.entries} records in ${(rebuilt.ms / 1000).toFixed(1)} s = ${Math.round(rate)} records/s (target ≥ 50000); reading and parsing alone: ${Math.round(rebuilt.entries / readS)} records/s`);

    const index = RecordIndex.open(indexPath);
    const decisions = Math.ceil(total / 1.8);
    const span = decisions * 1000;
    const queries: [string, () => Parameters<RecordIndex['search']>[0]][] = [
      ['newest 50', () => ({ order: 'desc', limit: 50 })],
      ['one subject', () => ({ sub: `user${Math.floor(Math.random() * SUBJECTS)}@example.com`, order: 'desc', limit: 50 })],
      ['denied in a week', () => ({ outcome: 'denied', fromMs: T0 + Math.random() * span, toMs: undefined, order: 'desc', limit: 50 })],
      ['reason code', () => ({ reason: REASONS[Math.floor(Math.random() * REASONS.length)]!, order: 'desc', limit: 50 })],
      ['data class and model', () => ({ dataClass: 'US_SSN', model: MODELS[Math.floor(Math.random() * MODELS.length)]!, order: 'desc', limit: 50 })],
      ['decision id', () => ({ decisionId: uuid(Math.floor(Math.random() * decisions), '4'), order: 'desc', limit: 50 })],
    ];
    for (const [name, make] of queries) {
      const times: number[] = [];
      for (let i = 0; i < 40; i++) {
        const filter = make();
        if (name === 'denied in a week') filter.toMs = (filter.fromMs ?? T0) + 7 * 86_400_000;
        started = performance.now();
        const page = index.search(filter);
        if (page.next_cursor) index.search({ ...filter, cursor: page.next_cursor });
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      lines.push(`search "${name}" (first two pages): p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms (target p95 ≤ 200 ms)`);
    }
    index.close();
    lines.push(...(await benchConsoleRender(join(dir, 'ledger'), indexPath, endMs)));
    lines.push('(2-core machine shared with other work: figures are noisy)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
