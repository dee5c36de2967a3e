// The index's shadow facts: which candidate bundle judged each decision beside the enforced one, and how their verdicts compared.
import type Database from 'better-sqlite3';
import type { ShadowFacts } from './record-summary.js';

/**
 * One row per decision a shadow bundle evaluated, keyed by time so the overview reads a period
 * without a search index (rebuilds drop those; this table costs nothing when no shadow is configured).
 */
export const SHADOW_TABLE = `
CREATE TABLE IF NOT EXISTS decision_shadows (
  time_ms INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  bundle TEXT NOT NULL,
  revision TEXT NOT NULL,
  enforced_allow INTEGER NOT NULL,
  shadow_allow INTEGER NOT NULL,
  differs INTEGER NOT NULL,
  PRIMARY KEY (time_ms, seq)
) WITHOUT ROWID;
`;

export interface ShadowRevision {
  bundle: string;
  revision: string;
  first_seen: string;
  last_seen: string;
  /** Decisions the shadow bundle also evaluated. */
  evaluated: number;
  /** Of those, decisions where its verdict or its reason codes differed from the enforced one's. */
  differed: number;
  /** Differences where the enforced bundle allowed and the shadow one would have denied. */
  enforced_allow_shadow_deny: number;
  /** Differences where the enforced bundle denied and the shadow one would have allowed. */
  enforced_deny_shadow_allow: number;
}

export type ShadowInsert = (timeMs: number, seq: number, facts: ShadowFacts) => void;

export function prepareShadowInsert(db: Database.Database): ShadowInsert {
  // A repeated decision record (the same entry indexed twice) keeps the first row.
  const insert = db.prepare('INSERT OR IGNORE INTO decision_shadows (time_ms, seq, bundle, revision, enforced_allow, shadow_allow, differs) VALUES (?, ?, ?, ?, ?, ?, ?)');
  return (timeMs, seq, f) => {
    insert.run(timeMs, seq, f.bundle, f.revision, f.enforcedAllow ? 1 : 0, f.shadowAllow ? 1 : 0, f.differs ? 1 : 0);
  };
}

interface Row {
  bundle: string;
  revision: string;
  first: number;
  last: number;
  evaluated: number;
  differed: number;
  allow_deny: number;
  deny_allow: number;
}

/** Each shadow revision seen in a period, in the order they first appeared. */
export function shadowRevisions(db: Database.Database, fromMs: number, toMs: number): ShadowRevision[] {
  return db
    .prepare<[number, number], Row>(
      `SELECT bundle, revision, min(time_ms) AS first, max(time_ms) AS last, count(*) AS evaluated, sum(differs) AS differed,
              sum(differs AND enforced_allow AND NOT shadow_allow) AS allow_deny, sum(differs AND NOT enforced_allow AND shadow_allow) AS deny_allow
       FROM decision_shadows WHERE time_ms >= ? AND time_ms <= ? GROUP BY bundle, revision ORDER BY first`,
    )
    .all(fromMs, toMs)
    .map((r) => ({
      bundle: r.bundle,
      revision: r.revision,
      first_seen: new Date(r.first).toISOString(),
      last_seen: new Date(r.last).toISOString(),
      evaluated: r.evaluated,
      differed: r.differed,
      enforced_allow_shadow_deny: r.allow_deny,
      enforced_deny_shadow_allow: r.deny_allow,
    }));
}
