// Builds the decision and outcome audit records of one request from what the pipeline learned.
import type { AuditRecordV1 } from '@palisade/audit-core';
import type { Principal } from '../identity/principal.js';
import type { ContentMode } from './commitment.js';

export interface AuditIds {
  recordId(): string;
  isoNow(): string;
}

export interface RecordBase {
  decisionId: string;
  gatewayId: string;
  principal: Principal;
  request: AuditRecordV1['request'];
  /** What the policy's `audit.content` keeps of the prompt and answer; set once the policy decided. */
  contentMode?: ContentMode;
}

type Actor = NonNullable<AuditRecordV1['principal']['actor']>[number];

/** An RFC 8693 `act` chain, when identity supplies one, narrowed to the fields the record holds. */
function actorsOf(value: unknown): Actor[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const actors: Actor[] = [];
  for (const a of value as unknown[]) {
    const v = a as { sub?: unknown; iss?: unknown; client_id?: unknown } | null;
    if (typeof v?.sub !== 'string') return undefined;
    const actor: Actor = { sub: v.sub };
    if (typeof v.iss === 'string') actor.iss = v.iss;
    if (typeof v.client_id === 'string') actor.client_id = v.client_id;
    actors.push(actor);
  }
  return actors.length > 0 ? actors : undefined;
}

/** The record binds to the person (sub + iss), how they were identified, the application and the agents between. */
function principalOf(p: Principal): AuditRecordV1['principal'] {
  const out: AuditRecordV1['principal'] = { sub: p.sub, iss: p.iss, roles: p.roles, auth: p.auth };
  if (p.tenant !== undefined) out.tenant = p.tenant;
  if (p.app !== undefined) out.app = p.app;
  if (p.credential_id !== undefined) out.credential_id = p.credential_id;
  const actor = actorsOf(p.actor);
  if (actor) out.actor = actor;
  return out;
}

/** What a decision record says beyond who asked for what: each part present or absent as a whole. */
export type DecisionParts = Pick<AuditRecordV1, 'classification' | 'policy' | 'redaction' | 'limits' | 'error' | 'outcome' | 'content'>;

/** What an outcome record says beyond the outcome itself (a decided answer carries its decision). */
export type OutcomeParts = Pick<AuditRecordV1, 'classification' | 'policy' | 'redaction' | 'content'>;

/** Copies the parts that are set, so that a record never holds a key whose value is undefined. */
function withParts<P extends object>(record: AuditRecordV1, parts: P): AuditRecordV1 {
  for (const [key, value] of Object.entries(parts)) if (value !== undefined) (record as unknown as Record<string, unknown>)[key] = value;
  return record;
}

export function decisionRecord(ids: AuditIds, base: RecordBase, parts: DecisionParts): AuditRecordV1 {
  const record: AuditRecordV1 = {
    schema_version: 1,
    record_id: ids.recordId(),
    decision_id: base.decisionId,
    phase: 'decision',
    timestamp: ids.isoNow(),
    gateway_id: base.gatewayId,
    principal: principalOf(base.principal),
    request: base.request,
  };
  return withParts(record, parts);
}

export function outcomeRecord(ids: AuditIds, base: RecordBase, outcome: NonNullable<AuditRecordV1['outcome']>, parts: OutcomeParts = {}): AuditRecordV1 {
  const record: AuditRecordV1 = {
    schema_version: 1,
    record_id: ids.recordId(),
    decision_id: base.decisionId,
    phase: 'outcome',
    timestamp: ids.isoNow(),
    gateway_id: base.gatewayId,
    principal: principalOf(base.principal),
    request: base.request,
    outcome,
  };
  return withParts(record, parts);
}
