// Audit console index speed at 1,000,000 records: rebuilding the SQLite index from a ledger (target ≥ 50,000 records/s, beside merely
// reading and parsing the same entries) and filtered searches through the console's own query code (target p95 ≤ 200 ms).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalBytes, generateNoteKey, parseSigner, type AuditRecordV1 } from '@palisade/audit-core';
import { openLogReader, openTileLog } from '@palisade/ledger';
import { RecordIndex, rebuildIndex } from '@palisade/console';

const SUBJECTS = 5000;
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet', 'gemini-flash', 'echo'];
const REASONS = ['pii_requires_pii_reader', 'secret_in_prompt', 'injection_detected', 'model_not_allowed'];
const CLASSES = ['EMAIL_ADDRESS', 'US_SSN', 'PHONE_NUMBER', 'CREDIT_CARD', 'PERSON'];
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

function uuid(n: number, version: string): string {
  const hex = n.toString(16).padStart(20, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${version}${hex.slice(12, 15)}-8${hex.slice(15, 18)}-${hex.slice(18, 20)}0000000000`;
}

/** The two records of decision `n`: one in five denied, one in five redacted. */
function records(n: number): AuditRecordV1[] {
  const timestamp = new Date(T0 + n * 1000).toISOString();
  const sub = `user${n % SUBJECTS}@example.com`;
  const denied = n % 5 === 0;
  const cls = CLASSES[n % CLASSES.length]!;
  const base = {
    schema_version: 1 as const,
    decision_id: uuid(n, '4'),
    timestamp,
    gateway_id: 'bench',
    principal: { sub, iss: 'palisade:api-key', roles: ['analyst'], auth: 'api_key' as const, tenant: `t${n % 7}`, app: 'bench' },
    request: { api: 'openai.chat', route: '/v1/chat/completions', model_requested: MODELS[n % MODELS.length]!, stream: false },
  };
  const decision: AuditRecordV1 = {
    ...base,
    record_id: uuid(2 * n, '7'),
    phase: 'decision',
    classification: { labels: [], entities: n % 3 === 0 ? { [cls]: { count: 1, max_score: 0.9 } } : {}, injection: { score: 0, detected: false, signals: [] } },
    policy: { bundle: 'palisade', revision: `rev-${Math.floor(n / 100_000)}`, digest: 'a'.repeat(64), entrypoint: 'palisade/request/decision', allow: !denied, reasons: denied ? [{ code: REASONS[n % REASONS.length]!, message: 'denied' }] : [] },
    ...(n % 5 === 1 ? { redaction: { redacted: { [cls]: 1 } } } : {}),
  };
  if (denied) return [decision];
  const outcome: AuditRecordV1 = { ...base, record_id: uuid(2 * n + 1, '7'), phase: 'outcome', outcome: { status: 200, provider: 'openai', model: MODELS[n % MODELS.length]!, latency_ms: 120 } };
  return [decision, outcome];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function benchConsole(total = 1_000_000): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-console-'));
  const lines: string[] = [];
  try {
    const signer = parseSigner(generateNoteKey('bench.palisade/console').skey);
    const log = await openTileLog({ dir: join(dir, 'ledger', '0'), origin: 'bench.palisade/console/0', signer, fsync: false, checkpointEvery: 1 << 30 });
    let written = 0;
    for (let n = 0; written < total; ) {
      const batch: Uint8Array[] = [];
      while (batch.length < 1000 && written < total) {
        for (const r of records(n++)) {
          if (written === total) break;
          batch.push(canonicalBytes(r));
          written++;
        }
      }
      await log.append(batch);
    }
    await log.close();

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
    lines.push('(2-core machine shared with other work: figures are noisy)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
