// Turns verified token claims (a JWT payload or an introspection answer) into principal attributes,
// following the issuer's claim mapping, and reads the RFC 8693 `act` delegation chain.
import type { ClaimMappingConfig, OidcIssuerConfig } from '../config/schema.js';
import type { Actor, AttributeValue, Principal } from './principal.js';

export type Claims = Readonly<Record<string, unknown>>;

/** The mapping with every default filled in. */
export interface ClaimMapping {
  roles: string[];
  groups: string;
  tenant: string;
  email: string;
  department?: string;
  clearance?: string;
  app: string[];
  attributes: Record<string, string>;
}

/** Claim paths read when an issuer's `claims` mapping names none. */
export const DEFAULT_CLAIM_PATHS = Object.freeze({ groups: 'groups', email: 'email', app: Object.freeze(['azp', 'client_id']) });

export function claimMapping(issuer: Pick<OidcIssuerConfig, 'roles_claim' | 'tenant_claim' | 'claims'>): ClaimMapping {
  const c: ClaimMappingConfig = issuer.claims ?? {};
  const mapping: ClaimMapping = {
    roles: c.roles ? [...c.roles] : [issuer.roles_claim],
    groups: c.groups ?? DEFAULT_CLAIM_PATHS.groups,
    tenant: c.tenant ?? issuer.tenant_claim,
    email: c.email ?? DEFAULT_CLAIM_PATHS.email,
    app: [...(c.app ?? DEFAULT_CLAIM_PATHS.app)],
    attributes: { ...(c.attributes ?? {}) },
  };
  if (c.department !== undefined) mapping.department = c.department;
  if (c.clearance !== undefined) mapping.clearance = c.clearance;
  return mapping;
}

function own(obj: object, key: string): unknown {
  // Only own properties: a claim named `__proto__` or `constructor` must not reach prototypes.
  return Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/**
 * Reads a dotted claim path such as `realm_access.roles`. At each level the longest run of
 * segments that names an existing claim wins, so `https://example.com/roles` (a namespaced Auth0
 * claim) is found whole.
 */
export function claimAt(claims: unknown, path: string): unknown {
  const parts = path.split('.');
  let cur: unknown = claims;
  let i = 0;
  while (i < parts.length) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    let next: unknown;
    let used = 0;
    for (let j = parts.length; j > i; j--) {
      const v = own(cur, parts.slice(i, j).join('.'));
      if (v !== undefined) {
        next = v;
        used = j - i;
        break;
      }
    }
    if (used === 0) return undefined;
    cur = next;
    i += used;
  }
  return cur;
}

/** A list of strings from an array claim or a space-separated string (the OAuth `scope` style). */
export function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  if (typeof value === 'string') return value.split(' ').filter((s) => s !== '');
  return [];
}

function stringClaim(claims: Claims, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const v = claimAt(claims, path);
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function attributeValue(value: unknown): AttributeValue | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (Array.isArray(value)) return stringList(value);
  return undefined;
}

/** Most deeply nested delegation the gateway reads; deeper chains are refused as malformed. */
export const MAX_ACTOR_DEPTH = 8;

/**
 * The RFC 8693 §4.1 `act` chain, outermost (the current actor, the direct caller) first. Returns
 * undefined without `act`; throws on a chain that is malformed or deeper than MAX_ACTOR_DEPTH.
 */
export function actorChain(claims: Claims): Actor[] | undefined {
  let act = own(claims, 'act');
  if (act === undefined) return undefined;
  const chain: Actor[] = [];
  while (act !== undefined) {
    if (chain.length >= MAX_ACTOR_DEPTH) throw new Error(`the act chain is deeper than ${MAX_ACTOR_DEPTH}`);
    if (act === null || typeof act !== 'object' || Array.isArray(act)) throw new Error('an act claim is not an object');
    const sub = own(act, 'sub');
    if (typeof sub !== 'string' || sub === '') throw new Error('an act claim has no sub');
    const actor: Actor = { sub };
    const iss = own(act, 'iss');
    if (typeof iss === 'string' && iss !== '') actor.iss = iss;
    const clientId = own(act, 'client_id');
    if (typeof clientId === 'string' && clientId !== '') actor.client_id = clientId;
    chain.push(actor);
    act = own(act, 'act');
  }
  return chain;
}

/** The principal attributes a verified token's claims carry (without sub, iss and auth). */
export function mapClaims(claims: Claims, mapping: ClaimMapping): Omit<Principal, 'sub' | 'iss' | 'auth'> {
  const roles = new Set<string>();
  for (const path of mapping.roles) for (const r of stringList(claimAt(claims, path))) roles.add(r);
  const out: Omit<Principal, 'sub' | 'iss' | 'auth'> = { roles: [...roles] };
  const groups = claimAt(claims, mapping.groups);
  if (groups !== undefined) out.groups = stringList(groups);
  const tenant = stringClaim(claims, mapping.tenant);
  if (tenant !== undefined) out.tenant = tenant;
  const email = stringClaim(claims, mapping.email);
  if (email !== undefined) out.email = email;
  const department = stringClaim(claims, mapping.department);
  if (department !== undefined) out.department = department;
  const clearance = stringClaim(claims, mapping.clearance);
  if (clearance !== undefined) out.clearance = clearance;
  for (const path of mapping.app) {
    const app = stringClaim(claims, path);
    if (app !== undefined) {
      out.app = app;
      break;
    }
  }
  const names = Object.keys(mapping.attributes);
  if (names.length > 0) {
    const attributes: Record<string, AttributeValue> = {};
    for (const name of names) {
      const v = attributeValue(claimAt(claims, mapping.attributes[name] as string));
      if (v !== undefined) attributes[name] = v;
    }
    out.attributes = attributes;
  }
  return out;
}
