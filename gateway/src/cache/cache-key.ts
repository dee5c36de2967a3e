// The cache key: a SHA-256 over the canonical request and everything else that shapes its answer
// or who may see it. Keys hold no prompt text, identity or secret, only the hash.
import { createHash } from 'node:crypto';
import { canonicalJson } from '@palisade/audit-core';

/**
 * Body fields that change how an answer is delivered or billed, not what it says. `stream` and
 * `stream_options` especially: one stored answer serves streamed and whole requests alike.
 */
export const NON_SEMANTIC_FIELDS: readonly string[] = Object.freeze([
  'stream',
  'stream_options',
  'user',
  'metadata',
  'store',
  'service_tier',
  'safety_identifier',
  'prompt_cache_key',
  'prompt_cache_retention',
]);

export interface KeyMaterial {
  api: string;
  /** The model as the caller named it. */
  model: string;
  body: Record<string, unknown>;
  /** The policy bundle revision that allowed the request: a new policy never serves old answers. */
  revision: string;
  /** What the policy asked to redact: a redacted and an unredacted prompt are different requests. */
  redaction: unknown;
  /** Who may share the answer, e.g. a tenant or a user; see scopeOf. */
  scope: string;
}

export function semanticBody(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!NON_SEMANTIC_FIELDS.includes(k)) out[k] = v;
  return out;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Throws when the body has no canonical JSON form (e.g. lone surrogates); callers then skip the cache. */
export function cacheKey(m: KeyMaterial): string {
  return sha256Hex(
    canonicalJson({ v: 1, api: m.api, model: m.model, revision: m.revision, redaction: m.redaction ?? null, scope: m.scope, body: semanticBody(m.body) }),
  );
}
