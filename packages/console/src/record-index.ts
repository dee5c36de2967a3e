// The console's SQLite index of a ledger's decisions: filled from log entries in order, searched by the API.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { ConsoleError } from './errors.js';
import { DROP_SEARCH_INDEXES, INDEX_TABLES, INDEX_VERSION, SEARCH_INDEXES } from './index-schema.js';
import { foldRecord, freshRow, laterRow, startFold, type RowFold, type RowState } from './decision-row.js';
import { factsOf, type Outcome } from './record-summary.js';
import type { DecisionFilter } from './search-filters.js';
import { prepareShadowInsert, SHADOW_TABLE, shadowRevisions, type ShadowInsert, type ShadowRevision } from './shadow-index.js';

export interface DecisionSummary {
  decision_id: string;
  time: string;
  sub: string;
  tenant: string | null;
  app: string | null;
  model: string | null;
  provider: string | null;
  outcome: Outcome;
  reasons: string[];
  data_classes: string[];
  bundle_revision: string | null;
  log: string | null;
  index: number | null;
}

export interface DecisionLocation {
  decisionId: string;
  sub: string;
  iss: string;
  log: string | null;
  index: number | null;
  outLog: string | null;
  outIndex: number | null;
}

export interface SearchPage {
  items: DecisionSummary[];
  next_cursor: string | null;
  total_estimate: number;
}

/** A decisions row: who asked (fixed by the decision record) and what the records set. */
interface Row extends RowState {
  seq: number;
  decision_id: string;
  sub: string;
  iss: string;
  tenant: string | null;
  app: string | null;
}

/** Counting stops here: an exact count of a million matches would cost more than the page itself. */
const COUNT_CAP = 1000;

function summary(row: Row): DecisionSummary {
  return {
    decision_id: row.decision_id,
    time: new Date(row.time_ms).toISOString(),
    sub: row.sub,
    tenant: row.tenant,
    app: row.app,
    model: row.model,
    provider: row.provider,
    outcome: row.outcome,
    reasons: JSON.parse(row.reasons) as string[],
    data_classes: JSON.parse(row.data_classes) as string[],
    bundle_revision: row.bundle_revision,
    log: row.log ?? row.out_log,
    index: row.idx ?? row.out_idx,
  };
}

function encodeCursor(row: Row): string {
  return Buffer.from(`${row.time_ms}:${row.seq}`, 'utf8').toString('base64url');
}

function decodeCursor(text: string): { timeMs: number; seq: number } {
  const m = /^(-?\d{1,16}):(\d{1,16})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!m) throw new ConsoleError('CON_ERR_BAD_REQUEST', { detail: '"cursor" is not one this console gave.' });
  return { timeMs: Number(m[1]), seq: Number(m[2]) };
}

export class RecordIndex {
  readonly #db: Database.Database;
  readonly #byId: Database.Statement<[string], Row>;
  readonly #insert: Database.Statement<unknown[], unknown>;
  readonly #update: Database.Statement<unknown[], unknown>;
  readonly #reason: Database.Statement<[string, number, number], unknown>;
  readonly #klass: Database.Statement<[string, number, number], unknown>;
  readonly #setSize: Database.Statement<[string, number], unknown>;
  readonly #shadow: ShadowInsert;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#byId = db.prepare('SELECT * FROM decisions WHERE decision_id = ?');
    this.#insert = db.prepare(
      `INSERT OR IGNORE INTO decisions (decision_id, time_ms, sub, iss, tenant, app, model, provider, outcome, reasons, data_classes, bundle_revision, bundle_digest, log, idx, out_log, out_idx)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#update = db.prepare(
      `UPDATE decisions SET time_ms = ?, model = ?, provider = ?, outcome = ?, reasons = ?, data_classes = ?, bundle_revision = ?, bundle_digest = ?, log = ?, idx = ?, out_log = ?, out_idx = ? WHERE seq = ?`,
    );
    this.#reason = db.prepare('INSERT OR IGNORE INTO decision_reasons (reason, time_ms, seq) VALUES (?, ?, ?)');
    this.#klass = db.prepare('INSERT OR IGNORE INTO decision_classes (type, time_ms, seq) VALUES (?, ?, ?)');
    this.#setSize = db.prepare('INSERT INTO logs (name, indexed_size) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET indexed_size = excluded.indexed_size');
    this.#shadow = prepareShadowInsert(db);
  }

  /** Opens (or creates) the index file; one of another version is emptied so it is rebuilt from the ledger. */
  static open(path: string, options: { cacheMiB?: number } = {}): RecordIndex {
    let db: Database.Database;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      // The index is derived data: after a crash it is rebuilt, so it need not wait for the disk.
      db.pragma('synchronous = OFF');
      // Index builds and searches at a million rows sort and walk more than the 2 MB default cache
      // holds; a host that keeps its memory small (the gateway) asks for less.
      db.pragma(`cache_size = -${Math.round((options.cacheMiB ?? 64) * 1024)}`);
      db.pragma('temp_store = MEMORY');
      const version = (db.pragma('user_version', { simple: true }) as number) ?? 0;
      if (version !== INDEX_VERSION) {
        for (const t of ['meta', 'logs', 'decisions', 'decision_reasons', 'decision_classes', 'checkpoints', 'erased', 'decision_shadows']) db.exec(`DROP TABLE IF EXISTS ${t}`);
        db.pragma(`user_version = ${INDEX_VERSION}`);
      }
      db.exec(INDEX_TABLES);
      db.exec(SHADOW_TABLE);
      db.exec(SEARCH_INDEXES);
    } catch (cause) {
      throw new ConsoleError('CON_ERR_INDEX', { cause, detail: path });
    }
    return new RecordIndex(db);
  }

  close(): void {
    this.#db.close();
  }

  /** Empties the index, keeping the erasures it noted (they are facts about key stores, not the ledger). */
  clear(): void {
    this.#db.exec('DELETE FROM decisions; DELETE FROM decision_reasons; DELETE FROM decision_classes; DELETE FROM logs; DELETE FROM checkpoints; DELETE FROM decision_shadows;');
  }

  /** Runs a bulk load without the search indexes, then builds them once. */
  async bulk<T>(load: () => Promise<T>): Promise<T> {
    this.#db.exec(DROP_SEARCH_INDEXES);
    try {
      return await load();
    } finally {
      this.#db.exec(SEARCH_INDEXES);
      this.#db.exec('ANALYZE');
    }
  }

  indexedSize(log: string): number {
    const row = this.#db.prepare<[string], { indexed_size: number }>('SELECT indexed_size FROM logs WHERE name = ?').get(log);
    return row?.indexed_size ?? 0;
  }

  /** Indexes a run of entries of one log starting at `from`, and moves the log's indexed size past them, atomically. */
  addEntries(log: string, from: number, entries: readonly Uint8Array[]): number {
    // Each decision's records in the run are folded first, in the order their decisions first appear (which is the order of their rows).
    const folds = new Map<string, RowFold>();
    let added = 0;
    entries.forEach((entry, k) => {
      let record: AuditRecordV1;
      try {
        record = JSON.parse(Buffer.from(entry.buffer, entry.byteOffset, entry.byteLength).toString('utf8')) as AuditRecordV1;
      } catch {
        return; // `verify` reports unreadable entries; the index skips them.
      }
      const facts = typeof record === 'object' && record !== null && record.principal ? factsOf(record) : null;
      if (!facts) return;
      const fold = folds.get(facts.decisionId);
      if (fold) foldRecord(fold, facts, log, from + k);
      else folds.set(facts.decisionId, startFold(facts, log, from + k));
      added++;
    });
    this.#db.transaction(() => {
      for (const fold of folds.values()) this.#add(fold);
      this.#setSize.run(log, from + entries.length);
    })();
    return added;
  }

  #add(fold: RowFold): void {
    const f = fold.first;
    let row = freshRow(fold);
    const info = this.#insert.run(
      f.decisionId, row.time_ms, f.sub, f.iss, f.tenant, f.app, row.model, row.provider, row.outcome, row.reasons, row.data_classes, row.bundle_revision, row.bundle_digest,
      row.log, row.idx, row.out_log, row.out_idx,
    ) as { changes: number; lastInsertRowid: number | bigint };
    let seq: number;
    if (info.changes === 1) seq = Number(info.lastInsertRowid);
    else {
      // An earlier run indexed this decision: its row takes this run's records after its own.
      const old = this.#byId.get(f.decisionId)!;
      seq = old.seq;
      row = laterRow(old, fold);
      if (row.time_ms !== old.time_ms) {
        // The decision record came after its outcome: its time is the decision's time.
        this.#db.prepare('UPDATE decision_reasons SET time_ms = ? WHERE seq = ?').run(row.time_ms, seq);
        this.#db.prepare('UPDATE decision_classes SET time_ms = ? WHERE seq = ?').run(row.time_ms, seq);
      }
      this.#update.run(
        row.time_ms, row.model, row.provider, row.outcome, row.reasons, row.data_classes, row.bundle_revision, row.bundle_digest, row.log, row.idx, row.out_log, row.out_idx, seq,
      );
    }
    for (const r of fold.reasons) this.#reason.run(r, row.time_ms, seq);
    for (const c of fold.classes) this.#klass.run(c, row.time_ms, seq);
    for (const shadow of fold.shadows) this.#shadow(shadow.timeMs, seq, shadow.facts);
  }

  noteCheckpoint(log: string, size: number, root: string, timeMs: number): void {
    this.#db.prepare('INSERT OR IGNORE INTO checkpoints (log, size, root, time_ms) VALUES (?, ?, ?, ?)').run(log, size, root, timeMs);
  }

  checkpoints(log: string): { size: number; root: string; time: string }[] {
    return this.#db
      .prepare<[string], { size: number; root: string; time_ms: number }>('SELECT size, root, time_ms FROM checkpoints WHERE log = ? ORDER BY size')
      .all(log)
      .map((r) => ({ size: r.size, root: r.root, time: new Date(r.time_ms).toISOString() }));
  }

  /**
   * The FROM and WHERE of a filter. A reason or data class drives the query from its own table,
   * whose key is (value, time): its matches are then read in time order without a sort.
   */
  #where(filter: DecisionFilter): { from: string; time: string; sql: string; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    let from = 'decisions d';
    let time = 'd.time_ms';
    // A reason or class is a join the planner may lead with (its key is in time order) or probe
    // by seq from another column's index, whichever its statistics say is narrower.
    if (filter.reason !== undefined) {
      from = 'decision_reasons x JOIN decisions d ON d.seq = x.seq';
      time = 'x.time_ms';
      clauses.push('x.reason = ?');
      params.push(filter.reason);
    }
    if (filter.dataClass !== undefined) {
      if (filter.reason === undefined) {
        from = 'decision_classes x JOIN decisions d ON d.seq = x.seq';
        time = 'x.time_ms';
        clauses.push('x.type = ?');
      } else {
        from += ' JOIN decision_classes y ON y.seq = d.seq';
        clauses.push('y.type = ?');
      }
      params.push(filter.dataClass);
    }
    const eq = (column: string, value: string | undefined): void => {
      if (value === undefined) return;
      clauses.push(`d.${column} = ?`);
      params.push(value);
    };
    if (filter.fromMs !== undefined) {
      clauses.push(`${time} >= ?`);
      params.push(filter.fromMs);
    }
    if (filter.toMs !== undefined) {
      clauses.push(`${time} <= ?`);
      params.push(filter.toMs);
    }
    eq('sub', filter.sub);
    eq('tenant', filter.tenant);
    eq('app', filter.app);
    eq('model', filter.model);
    eq('provider', filter.provider);
    eq('outcome', filter.outcome);
    eq('bundle_revision', filter.bundle);
    eq('decision_id', filter.decisionId);
    return { from, time, sql: clauses.length ? clauses.join(' AND ') : '1', params };
  }

  search(filter: DecisionFilter): SearchPage {
    const { from, time, sql, params } = this.#where(filter);
    const dir = filter.order === 'asc' ? 'ASC' : 'DESC';
    let page = sql;
    const pageParams = [...params];
    if (filter.cursor !== undefined) {
      const c = decodeCursor(filter.cursor);
      const op = filter.order === 'asc' ? '>' : '<';
      page += ` AND (${time} ${op} ? OR (${time} = ? AND d.seq ${op} ?))`;
      pageParams.push(c.timeMs, c.timeMs, c.seq);
    }
    const rows = this.#db.prepare<unknown[], Row>(`SELECT d.* FROM ${from} WHERE ${page} ORDER BY ${time} ${dir}, d.seq ${dir} LIMIT ?`).all(...pageParams, filter.limit + 1);
    const more = rows.length > filter.limit;
    const items = rows.slice(0, filter.limit);
    const count = this.#db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM ${from} WHERE ${sql} LIMIT ${COUNT_CAP})`).get(...params);
    return { items: items.map(summary), next_cursor: more ? encodeCursor(items[items.length - 1]!) : null, total_estimate: count?.n ?? 0 };
  }

  /** Every decision matching a filter, oldest first, up to `max` (for exports). */
  all(filter: DecisionFilter, max: number): DecisionLocation[] {
    const { from, time, sql, params } = this.#where(filter);
    return this.#db
      .prepare<unknown[], Row>(`SELECT d.* FROM ${from} WHERE ${sql} ORDER BY ${time} ASC, d.seq ASC LIMIT ?`)
      .all(...params, max)
      .map((r) => ({ decisionId: r.decision_id, sub: r.sub, iss: r.iss, log: r.log, index: r.idx, outLog: r.out_log, outIndex: r.out_idx }));
  }

  locate(decisionId: string): DecisionLocation | undefined {
    const r = this.#byId.get(decisionId);
    return r && { decisionId: r.decision_id, sub: r.sub, iss: r.iss, log: r.log, index: r.idx, outLog: r.out_log, outIndex: r.out_idx };
  }

  summaryOf(decisionId: string): DecisionSummary | undefined {
    const r = this.#byId.get(decisionId);
    return r && summary(r);
  }

  /** The issuers a subject appears under: their keys are what erasure destroys. */
  issuersOf(sub: string): string[] {
    return this.#db.prepare<[string], { iss: string }>('SELECT DISTINCT iss FROM decisions WHERE sub = ?').all(sub).map((r) => r.iss);
  }

  noteErased(sub: string, timeMs: number): void {
    this.#db.prepare('INSERT OR REPLACE INTO erased (sub, time_ms) VALUES (?, ?)').run(sub, timeMs);
  }

  isErased(sub: string): boolean {
    return this.#db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM erased WHERE sub = ?').get(sub)!.n > 0;
  }

  overview(fromMs: number, toMs: number): Overview {
    const range = [fromMs, toMs];
    const hour = 3_600_000;
    const bucket = toMs - fromMs <= 2 * 24 * hour ? hour : 24 * hour;
    const q = <T>(sql: string, ...extra: unknown[]): T[] => this.#db.prepare<unknown[], T>(sql).all(...range, ...extra);
    const buckets = this.#db
      // Whole-number division: a JavaScript number binds as a real, which would give every record its own bucket. Each outcome's
      // (outcome, time) index entries in the period are read without the rows.
      .prepare<unknown[], { b: number; outcome: Outcome; n: number }>(
        "SELECT (time_ms / ?) * ? AS b, outcome, count(*) AS n FROM decisions WHERE outcome IN ('allowed', 'denied', 'redacted', 'error') AND time_ms >= ? AND time_ms <= ? GROUP BY b, outcome ORDER BY b",
      )
      .all(BigInt(bucket), BigInt(bucket), fromMs, toMs);
    const byBucket = new Map<number, Record<Outcome, number>>();
    for (const r of buckets) {
      const counts = byBucket.get(r.b) ?? { allowed: 0, denied: 0, redacted: 0, error: 0 };
      counts[r.outcome] = r.n;
      byBucket.set(r.b, counts);
    }
    return {
      by_time: [...byBucket].map(([b, counts]) => ({ bucket: new Date(b).toISOString(), ...counts })),
      denials_by_reason: q<{ reason: string; count: number }>(
        "SELECT r.reason AS reason, count(*) AS count FROM decisions d JOIN decision_reasons r ON r.seq = d.seq WHERE d.time_ms >= ? AND d.time_ms <= ? AND d.outcome = 'denied' GROUP BY r.reason ORDER BY count DESC LIMIT 20",
      ),
      data_classes: q<{ type: string; count: number }>(
        // A class row carries its decision's time, so the period is read from the class table alone.
        'SELECT type, count(*) AS count FROM decision_classes WHERE time_ms >= ? AND time_ms <= ? GROUP BY type ORDER BY count DESC LIMIT 20',
      ),
      top_subjects: q<{ sub: string; count: number }>('SELECT sub, count(*) AS count FROM decisions WHERE time_ms >= ? AND time_ms <= ? GROUP BY sub ORDER BY count DESC LIMIT 10'),
      top_models: q<{ model: string; count: number }>(
        'SELECT model, count(*) AS count FROM decisions WHERE time_ms >= ? AND time_ms <= ? AND model IS NOT NULL GROUP BY model ORDER BY count DESC LIMIT 10',
      ),
      bundles: q<{ revision: string; digest: string | null; first: number; last: number; decisions: number }>(
        'SELECT bundle_revision AS revision, bundle_digest AS digest, min(time_ms) AS first, max(time_ms) AS last, count(*) AS decisions FROM decisions WHERE time_ms >= ? AND time_ms <= ? AND bundle_revision IS NOT NULL GROUP BY bundle_revision, bundle_digest ORDER BY first',
      ).map((r) => ({ revision: r.revision, digest: r.digest, first_seen: new Date(r.first).toISOString(), last_seen: new Date(r.last).toISOString(), decisions: r.decisions })),
      shadow_bundles: shadowRevisions(this.#db, fromMs, toMs),
    };
  }
}

export interface Overview {
  by_time: ({ bucket: string } & Record<Outcome, number>)[];
  denials_by_reason: { reason: string; count: number }[];
  data_classes: { type: string; count: number }[];
  top_subjects: { sub: string; count: number }[];
  top_models: { model: string; count: number }[];
  bundles: { revision: string; digest: string | null; first_seen: string; last_seen: string; decisions: number }[];
  shadow_bundles: ShadowRevision[];
}
