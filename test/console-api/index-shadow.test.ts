// The index's shadow facts: counted once per decision however its records arrive, and an index
// written before they were kept is emptied on open so a rebuild fills them in.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { canonicalBytes, type AuditRecordV1 } from '@palisade/audit-core';
import { RecordIndex } from '@palisade/console';

const T0 = Date.parse('2026-03-01T09:00:00.000Z');

function id(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function record(n: number, phase: 'decision' | 'outcome', shadow?: { revision: string; allow: boolean; enforced: boolean; differs: boolean }): AuditRecordV1 {
  const base = {
    schema_version: 1 as const,
    record_id: `${id(n)}-${phase}`,
    decision_id: id(n),
    timestamp: new Date(T0 + n * 60_000 + (phase === 'outcome' ? 1500 : 0)).toISOString(),
    gateway_id: 'gw-test',
    principal: { sub: 'person@example.com', iss: 'palisade:api-key', roles: ['analyst'], auth: 'api_key' as const },
    request: { api: 'openai.chat', route: '/v1/chat/completions', model_requested: 'gpt-4o-mini', stream: false },
  };
  if (phase === 'outcome') return { ...base, phase, outcome: { status: 200, provider: 'openai', model: 'gpt-4o-mini', latency_ms: 80 } };
  const allow = shadow?.enforced ?? true;
  return {
    ...base,
    phase,
    classification: { labels: [], entities: {}, injection: { score: 0, detected: false, signals: [] } },
    policy: {
      bundle: 'palisade',
      revision: 'rev-1',
      digest: 'd'.repeat(64),
      entrypoint: 'palisade/request/decision',
      allow,
      reasons: allow ? [] : [{ code: 'closed', message: 'denied' }],
      ...(shadow ? { shadow: { bundle: 'candidate', revision: shadow.revision, allow: shadow.allow, differs: shadow.differs } } : {}),
    },
  };
}

const bytes = (records: AuditRecordV1[]): Uint8Array[] => records.map((r) => canonicalBytes(r));
const PERIOD = [T0 - 1, T0 + 3_600_000] as const;

describe('the index counts shadow results once per decision', () => {
  let index: RecordIndex;

  before(() => {
    index = RecordIndex.open(':memory:');
    const differs = { revision: 'cand-2', allow: false, enforced: true, differs: true };
    const same = { revision: 'cand-2', allow: true, enforced: true, differs: false };
    const reverse = { revision: 'cand-2', allow: true, enforced: false, differs: true };
    // The outcome of decision 1 before its decision, decision 2 repeated, decision 4 without a shadow.
    index.addEntries('log', 0, bytes([record(1, 'outcome'), record(1, 'decision', differs), record(2, 'decision', same), record(2, 'decision', same)]));
    index.addEntries('log', 4, bytes([record(3, 'decision', reverse), record(3, 'outcome'), record(4, 'decision')]));
  });
  after(() => index?.close());

  it('reports each shadow revision with its decisions and differences by direction', () => {
    assert.deepEqual(index.overview(...PERIOD).shadow_bundles, [
      {
        bundle: 'candidate',
        revision: 'cand-2',
        first_seen: new Date(T0 + 60_000).toISOString(),
        last_seen: new Date(T0 + 3 * 60_000).toISOString(),
        evaluated: 3,
        differed: 2,
        enforced_allow_shadow_deny: 1,
        enforced_deny_shadow_allow: 1,
      },
    ]);
  });

  it('counts the enforced revision\'s decisions, shadowed or not', () => {
    assert.deepEqual(
      index.overview(...PERIOD).bundles.map((b) => ({ revision: b.revision, decisions: b.decisions })),
      [{ revision: 'rev-1', decisions: 4 }],
    );
  });

  it('leaves shadow results out of a period that does not hold them', () => {
    assert.deepEqual(index.overview(T0 + 2 * 60_000, T0 + 2 * 60_000 + 1000).shadow_bundles.map((s) => s.evaluated), [1]);
  });
});

describe('an index written before shadow results were kept', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-index-'));
    const path = join(dir, 'index.sqlite');
    const index = RecordIndex.open(path);
    index.addEntries('log', 0, bytes([record(1, 'decision', { revision: 'cand-2', allow: false, enforced: true, differs: true })]));
    index.close();
    // What the previous version left: the same decisions, no shadow table, its own version number.
    const db = new Database(path);
    db.exec('DROP TABLE decision_shadows');
    db.pragma('user_version = 3');
    db.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is emptied on open, so the console reads the ledger again from its start', () => {
    const index = RecordIndex.open(join(dir, 'index.sqlite'));
    try {
      assert.deepEqual({ indexed: index.indexedSize('log'), decisions: index.overview(...PERIOD).bundles.length }, { indexed: 0, decisions: 0 });
    } finally {
      index.close();
    }
  });
});
