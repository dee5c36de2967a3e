// Which requests a limit or budget applies to, and which counter each request counts against.
import { createHash } from 'node:crypto';
import type { LimitAttribute, PrincipalMatchConfig } from '../config/schema.js';
import type { Principal } from '../identity/principal.js';

export interface Subject {
  principal: Principal;
  /** The model as the caller named it. */
  model: string;
}

const anyOf = (values: readonly string[] | undefined, v: string | undefined): boolean => values === undefined || (v !== undefined && values.includes(v));

/** True when every condition given matches (each with any of its values). */
export function matches(match: PrincipalMatchConfig | undefined, s: Subject): boolean {
  if (match === undefined) return true;
  const p = s.principal;
  return (
    anyOf(match.sub, p.sub) &&
    anyOf(match.credential_id, p.credential_id) &&
    anyOf(match.app, p.app) &&
    anyOf(match.tenant, p.tenant) &&
    anyOf(match.model, s.model) &&
    (match.role === undefined || p.roles.some((r) => (match.role as string[]).includes(r)))
  );
}

// Principals that lack an attribute share one counter for it: a limit never silently stops applying.
const MISSING = '\u0000-';

export function attributeValue(attribute: LimitAttribute, s: Subject): string {
  const p = s.principal;
  switch (attribute) {
    case 'user':
      return `${p.iss}\u0000${p.sub}`;
    case 'credential':
      return p.credential_id ?? MISSING;
    case 'app':
      return p.app ?? MISSING;
    case 'tenant':
      return p.tenant ?? MISSING;
    case 'model':
      return s.model;
  }
}

/** Recent counter ids are remembered: hashing is most of a check's cost, and the same callers come back. */
const HASH_MEMO_SIZE = 50_000;

export type CounterIds = (by: readonly LimitAttribute[], s: Subject) => string;

/**
 * The counter's identity: the attribute values hashed, so that keys in Redis (and anything that
 * lists them) carry no user names, tenants or credentials.
 */
export function counterIds(): CounterIds {
  const memo = new Map<string, string>();
  return (by, s) => {
    if (by.length === 0) return 'all';
    let raw = '';
    // Length-prefixed, so no value can pass for two (a tenant holding the separator, say).
    for (const a of by) {
      const v = attributeValue(a, s);
      raw += `${v.length}:${v}`;
    }
    let id = memo.get(raw);
    if (id === undefined) {
      id = createHash('sha256').update(raw).digest('base64url').slice(0, 22);
      // Bounded: when callers churn, forgetting them all costs a few hashes, never memory.
      if (memo.size >= HASH_MEMO_SIZE) memo.clear();
      memo.set(raw, id);
    }
    return id;
  };
}

/** The attribute values a counter stands for, for operators' log lines (never for keys). */
export function describeCounter(by: readonly LimitAttribute[], s: Subject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of by) {
    const v = attributeValue(a, s);
    out[a] = a === 'user' ? s.principal.sub : v === MISSING ? '-' : v;
  }
  return out;
}
