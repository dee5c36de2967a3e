// The `policy` section of an audit record: which bundle decided what, on exactly which input, so
// `palisade policy replay` can re-evaluate it; the shadow bundle's decision beside it.
import type { AuditRecordV1 } from '@palisade/audit-core';
import type { PolicyResult } from '../policy/index.js';

export type AuditPolicy = NonNullable<AuditRecordV1['policy']>;

export function policyRecord(result: PolicyResult, input: object): AuditPolicy {
  const policy: AuditPolicy = {
    bundle: result.bundle?.name ?? '',
    revision: result.bundle?.revision ?? '',
    digest: result.bundle?.digest ?? '',
    entrypoint: result.entrypoint,
    allow: result.allow,
    reasons: [...result.reasons],
    input: input as Record<string, unknown>,
  };
  if (result.error) policy.error = result.error.code;
  if (result.shadow) {
    const sh = result.shadow;
    policy.shadow = { bundle: sh.bundle.name, revision: sh.bundle.revision, allow: sh.allow, differs: sh.differs, reasons: [...sh.reasons] };
  }
  return policy;
}
