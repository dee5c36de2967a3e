// The SQLite tables of the console index: derived from the ledger, rebuilt from it at will, never trusted over it.

/** Bumped when the tables change; an index of another version is rebuilt from the ledger. */
export const INDEX_VERSION = 4;

export const INDEX_TABLES = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS logs (name TEXT PRIMARY KEY, indexed_size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS decisions (
  seq INTEGER PRIMARY KEY,
  decision_id TEXT NOT NULL UNIQUE,
  time_ms INTEGER NOT NULL,
  sub TEXT NOT NULL,
  iss TEXT NOT NULL,
  tenant TEXT,
  app TEXT,
  model TEXT,
  provider TEXT,
  outcome TEXT NOT NULL,
  reasons TEXT NOT NULL,
  data_classes TEXT NOT NULL,
  bundle_revision TEXT,
  bundle_digest TEXT,
  log TEXT,
  idx INTEGER,
  out_log TEXT,
  out_idx INTEGER
);
-- Keyed by time too, so a search by reason or data class walks its matches newest first.
CREATE TABLE IF NOT EXISTS decision_reasons (reason TEXT NOT NULL, time_ms INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (reason, time_ms, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS decision_classes (type TEXT NOT NULL, time_ms INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (type, time_ms, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (log TEXT NOT NULL, size INTEGER NOT NULL, root TEXT NOT NULL, time_ms INTEGER NOT NULL, PRIMARY KEY (log, size)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS erased (sub TEXT PRIMARY KEY, time_ms INTEGER NOT NULL);
`;

/** The search indexes; a rebuild drops them and creates them once at the end, which is several times faster than keeping them current. */
export const SEARCH_INDEXES = `
CREATE INDEX IF NOT EXISTS decisions_time ON decisions (time_ms);
CREATE INDEX IF NOT EXISTS decisions_sub ON decisions (sub, time_ms);
CREATE INDEX IF NOT EXISTS decisions_outcome ON decisions (outcome, time_ms);
CREATE INDEX IF NOT EXISTS decisions_model ON decisions (model, time_ms);
CREATE INDEX IF NOT EXISTS decisions_tenant ON decisions (tenant, time_ms);
CREATE INDEX IF NOT EXISTS decisions_app ON decisions (app, time_ms);
CREATE INDEX IF NOT EXISTS decisions_provider ON decisions (provider, time_ms);
CREATE INDEX IF NOT EXISTS decisions_bundle ON decisions (bundle_revision, time_ms);
CREATE INDEX IF NOT EXISTS decisions_bundle_digest ON decisions (bundle_revision, bundle_digest, time_ms);
CREATE INDEX IF NOT EXISTS decision_reasons_seq ON decision_reasons (seq);
CREATE INDEX IF NOT EXISTS decision_classes_seq ON decision_classes (seq);
`;

export const DROP_SEARCH_INDEXES = [
  'decisions_time',
  'decisions_sub',
  'decisions_outcome',
  'decisions_model',
  'decisions_tenant',
  'decisions_app',
  'decisions_provider',
  'decisions_bundle',
  'decisions_bundle_digest',
  'decision_reasons_seq',
  'decision_classes_seq',
]
  .map((name) => `DROP INDEX IF EXISTS ${name};`)
  .join('\n');
