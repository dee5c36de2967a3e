// How the records of one decision fold into its index row. A batch of entries folds each decision's
// records in memory first, so a decision and its outcome cost one insert instead of an insert, a
// failed insert, a read and an update; the fold gives the row that applying them one by one gives.
import { worseOutcome, type Outcome, type RecordFacts, type ShadowFacts } from './record-summary.js';

/** A field a decision record sets and an outcome record only fills in when it is still empty. */
interface Filled<T> {
  /** Whether a decision record of the batch set the field. */
  set: boolean;
  value: T | null;
}

export interface RowFold {
  first: RecordFacts;
  /** The time of the batch's last decision record, when it has one. */
  decisionTimeMs: number | undefined;
  model: string | null;
  provider: string | null;
  outcome: Outcome;
  reasons: Set<string>;
  classes: Set<string>;
  bundleRevision: Filled<string>;
  bundleDigest: Filled<string>;
  decisionAt: { log: string; index: number } | undefined;
  outcomeAt: { log: string; index: number } | undefined;
  /** Each decision record's shadow verdict, at that record's time. */
  shadows: { timeMs: number; facts: ShadowFacts }[];
}

/** The columns of an index row that records change. */
export interface RowState {
  time_ms: number;
  model: string | null;
  provider: string | null;
  outcome: Outcome;
  reasons: string;
  data_classes: string;
  bundle_revision: string | null;
  bundle_digest: string | null;
  log: string | null;
  idx: number | null;
  out_log: string | null;
  out_idx: number | null;
}

function fill<T>(field: Filled<T>, isDecision: boolean, value: T | null): void {
  if (isDecision) {
    field.set = true;
    field.value = value;
  } else field.value ??= value;
}

export function startFold(f: RecordFacts, log: string, index: number): RowFold {
  const isDecision = f.phase === 'decision';
  const fold: RowFold = {
    first: f,
    decisionTimeMs: isDecision ? f.timeMs : undefined,
    model: f.model,
    provider: f.provider,
    outcome: f.outcome,
    reasons: new Set(f.reasons),
    classes: new Set(f.dataClasses),
    bundleRevision: { set: false, value: null },
    bundleDigest: { set: false, value: null },
    decisionAt: isDecision ? { log, index } : undefined,
    outcomeAt: isDecision ? undefined : { log, index },
    shadows: [],
  };
  if (f.shadow) fold.shadows.push({ timeMs: f.timeMs, facts: f.shadow });
  fill(fold.bundleRevision, isDecision, f.bundleRevision);
  fill(fold.bundleDigest, isDecision, f.bundleDigest);
  return fold;
}

export function foldRecord(fold: RowFold, f: RecordFacts, log: string, index: number): void {
  const isDecision = f.phase === 'decision';
  if (isDecision) fold.decisionTimeMs = f.timeMs;
  fold.model = f.model ?? fold.model;
  fold.provider = f.provider ?? fold.provider;
  fold.outcome = worseOutcome(fold.outcome, f.outcome);
  for (const r of f.reasons) fold.reasons.add(r);
  for (const c of f.dataClasses) fold.classes.add(c);
  fill(fold.bundleRevision, isDecision, f.bundleRevision);
  fill(fold.bundleDigest, isDecision, f.bundleDigest);
  if (isDecision) fold.decisionAt = { log, index };
  else fold.outcomeAt = { log, index };
  if (f.shadow) fold.shadows.push({ timeMs: f.timeMs, facts: f.shadow });
}

const sortedJson = (values: Iterable<string>): string => JSON.stringify([...values].sort());

/** The row of a decision first seen in this batch (its first record, whatever its phase, set every field). */
export function freshRow(fold: RowFold): RowState {
  return {
    time_ms: fold.decisionTimeMs ?? fold.first.timeMs,
    model: fold.model,
    provider: fold.provider,
    outcome: fold.outcome,
    reasons: sortedJson(fold.reasons),
    data_classes: sortedJson(fold.classes),
    bundle_revision: fold.bundleRevision.value,
    bundle_digest: fold.bundleDigest.value,
    log: fold.decisionAt?.log ?? null,
    idx: fold.decisionAt?.index ?? null,
    out_log: fold.outcomeAt?.log ?? null,
    out_idx: fold.outcomeAt?.index ?? null,
  };
}

/** The row of a decision already indexed before this batch, with the batch's records applied after its own. */
export function laterRow(old: RowState, fold: RowFold): RowState {
  const later = (field: Filled<string>, oldValue: string | null): string | null => (field.set ? field.value : (oldValue ?? field.value));
  return {
    time_ms: fold.decisionTimeMs ?? old.time_ms,
    model: fold.model ?? old.model,
    provider: fold.provider ?? old.provider,
    outcome: worseOutcome(old.outcome, fold.outcome),
    reasons: sortedJson(new Set([...(JSON.parse(old.reasons) as string[]), ...fold.reasons])),
    data_classes: sortedJson(new Set([...(JSON.parse(old.data_classes) as string[]), ...fold.classes])),
    bundle_revision: later(fold.bundleRevision, old.bundle_revision),
    bundle_digest: later(fold.bundleDigest, old.bundle_digest),
    log: fold.decisionAt?.log ?? old.log,
    idx: fold.decisionAt?.index ?? old.idx,
    out_log: fold.outcomeAt?.log ?? old.out_log,
    out_idx: fold.outcomeAt?.index ?? old.out_idx,
  };
}
