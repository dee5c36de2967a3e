// What the index keeps of a decision or outcome record: the fields the console searches and lists by.
import type { AuditRecordV1 } from '@palisade/audit-core';

export type Outcome = 'allowed' | 'denied' | 'redacted' | 'error';
export const OUTCOMES: readonly Outcome[] = ['allowed', 'denied', 'redacted', 'error'];

/** The facts one record contributes to its decision's index row. */
export interface RecordFacts {
  decisionId: string;
  phase: 'decision' | 'outcome';
  timeMs: number;
  sub: string;
  iss: string;
  tenant: string | null;
  app: string | null;
  model: string | null;
  provider: string | null;
  outcome: Outcome;
  reasons: string[];
  dataClasses: string[];
  bundleRevision: string | null;
  bundleDigest: string | null;
  /** The candidate bundle's verdict beside the enforced one; only a decision record's counts. */
  shadow: ShadowFacts | null;
}

export interface ShadowFacts {
  bundle: string;
  revision: string;
  enforcedAllow: boolean;
  shadowAllow: boolean;
  differs: boolean;
}

function shadowOf(record: AuditRecordV1): ShadowFacts | null {
  // The answer's (response policy) shadow is not counted: the overview compares decisions, one each.
  const shadow = record.phase === 'decision' ? record.policy?.shadow : undefined;
  if (!shadow || !record.policy) return null;
  return { bundle: shadow.bundle, revision: shadow.revision, enforcedAllow: record.policy.allow, shadowAllow: shadow.allow, differs: shadow.differs };
}

function outcomeOf(record: AuditRecordV1): Outcome {
  // A policy that failed denies (fail closed), but the auditor needs to see it as a failure, not a rule.
  if (record.policy?.error) return 'error';
  if (record.policy && !record.policy.allow) return 'denied';
  if (record.error) return 'error';
  if (record.outcome && (record.outcome.error || record.outcome.status >= 400)) return 'error';
  const redacted = record.redaction?.redacted;
  if (redacted && Object.values(redacted).some((n) => n > 0)) return 'redacted';
  return 'allowed';
}

/** The index facts of a decision or outcome record, or null for any other record (console actions). */
export function factsOf(record: AuditRecordV1): RecordFacts | null {
  if (record.phase !== 'decision' && record.phase !== 'outcome') return null;
  const reasons = [...(record.policy?.reasons.map((r) => r.code) ?? [])];
  if (record.error) reasons.push(record.error.code);
  const classes = new Set(Object.entries(record.classification?.entities ?? {}).filter(([, e]) => e.count > 0).map(([type]) => type));
  if (record.classification?.injection.detected) classes.add('PROMPT_INJECTION');
  return {
    decisionId: record.decision_id,
    phase: record.phase,
    timeMs: Date.parse(record.timestamp),
    sub: record.principal.sub,
    iss: record.principal.iss,
    tenant: record.principal.tenant ?? null,
    app: record.principal.app ?? null,
    model: record.outcome?.model ?? record.request.model_requested ?? null,
    provider: record.outcome?.provider ?? null,
    outcome: outcomeOf(record),
    reasons,
    dataClasses: [...classes].sort(),
    bundleRevision: record.policy?.revision ?? null,
    bundleDigest: record.policy?.digest ?? null,
    shadow: shadowOf(record),
  };
}

/** How two records' outcomes combine: the outcome record can only make a decision worse. */
const RANK: Record<Outcome, number> = { allowed: 0, redacted: 1, error: 2, denied: 3 };

export function worseOutcome(a: Outcome, b: Outcome): Outcome {
  return RANK[a] >= RANK[b] ? a : b;
}
