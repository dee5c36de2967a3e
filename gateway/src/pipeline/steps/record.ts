// The record steps, one implementation for every route: a record is built whole from its parts,
// its content commitments attached, and it is published; the step resolves once it is durable.
// Nothing is answered or forwarded before the record it depends on has been through here.
import type { AuditRecordV1 } from '@palisade/audit-core';
import type { MeteredPublish } from '../../audit/metered-publish.js';
import type { Commit, ContentMode, ContentParts } from '../../audit/commitment.js';
import { decisionRecord, outcomeRecord, type AuditIds, type DecisionParts, type OutcomeParts, type RecordBase } from '../../audit/records.js';

export interface RecordDeps {
  ids: AuditIds;
  /** Content commitments (and kept content) under the subject's key. */
  commit: Commit;
  /** Durable publication; the request's traced and metered one. */
  publish: MeteredPublish;
}

/** What of the request or answer the record commits to, and how much of it is kept. */
export interface RecordedContent {
  mode: ContentMode;
  parts: ContentParts;
}

export async function recordDecision(deps: RecordDeps, base: RecordBase, parts: DecisionParts, content?: RecordedContent): Promise<AuditRecordV1> {
  const record = decisionRecord(deps.ids, base, parts);
  if (content) await deps.commit.attach(record, content.mode, content.parts);
  await deps.publish([record], 'decision');
  return record;
}

export async function recordOutcome(
  deps: RecordDeps,
  base: RecordBase,
  outcome: NonNullable<AuditRecordV1['outcome']>,
  parts: OutcomeParts = {},
  content?: RecordedContent,
): Promise<AuditRecordV1> {
  const record = outcomeRecord(deps.ids, base, outcome, parts);
  if (content) await deps.commit.attach(record, content.mode, content.parts);
  await deps.publish([record], 'outcome');
  return record;
}
