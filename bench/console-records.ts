// The console bench's synthetic ledger: decisions one second apart, one in five denied (a decision
// record only), the others with an outcome record; subjects, models, reasons and data classes repeat.
import { join } from 'node:path';
import { canonicalBytes, generateNoteKey, parseSigner, type AuditRecordV1 } from '@palisade/audit-core';
import { openTileLog } from '@palisade/ledger';

export const SUBJECTS = 5000;
export const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet', 'gemini-flash', 'echo'];
export const REASONS = ['pii_requires_pii_reader', 'secret_in_prompt', 'injection_detected', 'model_not_allowed'];
const CLASSES = ['EMAIL_ADDRESS', 'US_SSN', 'PHONE_NUMBER', 'CREDIT_CARD', 'PERSON'];
export const T0 = Date.parse('2026-01-01T00:00:00.000Z');

export function uuid(n: number, version: string): string {
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

/** Writes `total` records into one log `0` under `ledgerDir`; returns the time just after the newest. */
export async function writeBenchLedger(ledgerDir: string, total: number): Promise<{ decisions: number; endMs: number }> {
  const signer = parseSigner(generateNoteKey('bench.palisade/console').skey);
  const log = await openTileLog({ dir: join(ledgerDir, '0'), origin: 'bench.palisade/console/0', signer, fsync: false, checkpointEvery: 1 << 30 });
  let written = 0;
  let n = 0;
  while (written < total) {
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
  return { decisions: n, endMs: T0 + n * 1000 };
}
