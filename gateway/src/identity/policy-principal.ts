// The principal as the policy input carries it (`input.principal`, see policy-input.schema.json):
// only attributes the gateway verified, copied so the policy input never aliases live state.
import type { Actor, AttributeValue, Principal } from './principal.js';

export interface PolicyPrincipal {
  sub: string;
  iss: string;
  tenant?: string;
  email?: string;
  roles: string[];
  groups?: string[];
  department?: string;
  clearance?: string;
  /** Present only when the issuer's claim mapping names custom attributes. */
  attributes?: Record<string, AttributeValue>;
  app?: string;
  auth: string;
  credential_id?: string;
  actor?: Actor[];
}

export function policyPrincipal(p: Principal): PolicyPrincipal {
  const out: PolicyPrincipal = { sub: p.sub, iss: p.iss, roles: [...p.roles], auth: p.auth };
  if (p.tenant !== undefined) out.tenant = p.tenant;
  if (p.email !== undefined) out.email = p.email;
  if (p.groups !== undefined) out.groups = [...p.groups];
  if (p.department !== undefined) out.department = p.department;
  if (p.clearance !== undefined) out.clearance = p.clearance;
  if (p.attributes !== undefined) out.attributes = structuredClone(p.attributes);
  if (p.app !== undefined) out.app = p.app;
  if (p.credential_id !== undefined) out.credential_id = p.credential_id;
  if (p.actor !== undefined) out.actor = p.actor.map((a) => ({ ...a }));
  return out;
}
