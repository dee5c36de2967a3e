// The console index answers the same whether a ledger's entries reach it one at a time (a console
// tailing a busy gateway) or many at once (a rebuild): outcomes before their decisions, repeated
// entries, a decision whose records straddle two runs, and entries that are not decisions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalBytes, type AuditRecordV1 } from '@palisade/audit-core';
import { RecordIndex } from '@palisade/console';

const T0 = Date.parse('2026-03-01T09:00:00.000Z');

function id(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function record(n: number, phase: 'decision' | 'outcome', options: { allow?: boolean; revision?: string | null; ssn?: boolean; atMs?: number; status?: number } = {}): AuditRecordV1 {
  const base = {
    schema_version: 1 as const,
    record_id: `${id(n)}-${phase}`,
    decision_id: id(n),
    timestamp: new Date(options.atMs ?? T0 + n * 60_000 + (phase === 'outcome' ? 1500 : 0)).toISOString(),
    gateway_id: 'gw-test',
    principal: { sub: `person${n % 3}@example.com`, iss: 'palisade:api-key', roles: ['analyst'], auth: 'api_key' as const, tenant: 'acme', app: 'claims' },
    request: { api: 'openai.chat', route: '/v1/chat/completions', model_requested: 'gpt-4o-mini', stream: false },
  };
  if (phase === 'outcome') return { ...base, phase, outcome: { status: options.status ?? 200, provider: 'openai', model: `gpt-4o-mini-${n}`, latency_ms: 80 } };
  const allow = options.allow ?? true;
  const revision = options.revision === undefined ? `rev-${n % 2}` : options.revision;
  return {
    ...base,
    phase,
    classification: { labels: [], entities: options.ssn ? { US_SSN: { count: 1, max_score: 0.9 } } : {}, injection: { score: 0, detected: false, signals: [] } },
    policy: {
      bundle: 'palisade',
      revision: revision ?? '',
      digest: 'd'.repeat(64),
      entrypoint: 'palisade/request/decision',
      allow,
      reasons: allow ? [] : [{ code: 'pii_requires_pii_reader', message: 'denied' }],
    },
  };
}

/** A ledger's entries in an order a real one can hold, with the awkward cases in it. */
function ledgerEntries(): Uint8Array[] {
  const records: (AuditRecordV1 | string)[] = [
    record(1, 'decision'),
    record(1, 'outcome'),
    // The outcome was committed before its decision (two gateways, one log).
    record(2, 'outcome', { status: 502 }),
    record(2, 'decision', { allow: true, ssn: true }),
    record(3, 'decision', { allow: false, ssn: true }),
    // The same entry twice.
    record(4, 'decision'),
    record(4, 'decision'),
    'not json',
    JSON.stringify({ note: 'a record of no decision' }),
    record(5, 'decision', { revision: 'rev-late' }),
    record(6, 'decision', { ssn: true }),
    record(5, 'outcome'),
    record(6, 'outcome', { status: 500 }),
    record(7, 'outcome'),
    record(3, 'outcome', { atMs: T0 }),
    record(7, 'decision', { allow: false, atMs: T0 + 3 * 60_000 }),
    record(8, 'decision', { ssn: true }),
  ];
  return records.map((r) => (typeof r === 'string' ? new TextEncoder().encode(r) : canonicalBytes(r)));
}

/** What a console user can see of an index: every search result, each in both orders, filtered by reason and class, and the overview. */
function view(index: RecordIndex): unknown {
  const newest = index.search({ order: 'desc', limit: 100 });
  return {
    newest,
    oldest: index.search({ order: 'asc', limit: 100 }),
    byReason: index.search({ reason: 'pii_requires_pii_reader', order: 'desc', limit: 100 }),
    byClass: index.search({ dataClass: 'US_SSN', order: 'desc', limit: 100 }),
    byClassEarly: index.search({ dataClass: 'US_SSN', toMs: T0 + 4 * 60_000, order: 'asc', limit: 100 }),
    paged: index.search({ order: 'asc', limit: 3, cursor: index.search({ order: 'asc', limit: 3 }).next_cursor ?? undefined }),
    locations: newest.items.map((d) => index.locate(d.decision_id)),
    overview: index.overview(T0 - 86_400_000, T0 + 86_400_000),
  };
}

function indexed(runs: number[]): RecordIndex {
  const entries = ledgerEntries();
  const index = RecordIndex.open(':memory:');
  let from = 0;
  for (const size of runs) {
    index.addEntries('0', from, entries.slice(from, from + size));
    from += size;
  }
  if (from < entries.length) index.addEntries('0', from, entries.slice(from));
  return index;
}

describe('the console index, fed one entry at a time or in runs', () => {
  const count = ledgerEntries().length;
  let oneByOne: RecordIndex;
  let oneRun: RecordIndex;
  let straddling: RecordIndex;

  before(() => {
    oneByOne = indexed(Array.from({ length: count }, () => 1));
    oneRun = indexed([count]);
    // Runs that split decisions from their outcomes, and an outcome from its late decision.
    straddling = indexed([3, 8, 4]);
  });

  after(() => {
    oneByOne.close();
    oneRun.close();
    straddling.close();
  });

  it('indexes every decision once, with its outcome folded in', () => {
    const items = oneByOne.search({ order: 'asc', limit: 100 }).items;
    assert.deepEqual(
      items.map((d) => [d.decision_id, d.outcome, d.model]),
      [
        [id(1), 'allowed', 'gpt-4o-mini-1'],
        // A decision record after its outcome sets the time and the model it asked for.
        [id(2), 'error', 'gpt-4o-mini'],
        [id(3), 'denied', 'gpt-4o-mini-3'],
        [id(7), 'denied', 'gpt-4o-mini'],
        [id(4), 'allowed', 'gpt-4o-mini'],
        [id(5), 'allowed', 'gpt-4o-mini-5'],
        [id(6), 'error', 'gpt-4o-mini-6'],
        [id(8), 'allowed', 'gpt-4o-mini'],
      ],
    );
  });

  it('gives the same answers when all entries arrive in one run', () => {
    assert.deepEqual(view(oneRun), view(oneByOne));
  });

  it('gives the same answers when runs split a decision from its outcome', () => {
    assert.deepEqual(view(straddling), view(oneByOne));
  });

  it('counts the records it indexed in a run, skipping entries that are not decisions', () => {
    const index = RecordIndex.open(':memory:');
    try {
      assert.equal(index.addEntries('0', 0, ledgerEntries()), count - 2);
    } finally {
      index.close();
    }
  });
});
