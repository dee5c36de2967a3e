// The authenticated caller as every later stage sees it: who, on whose behalf, with which roles.

/**
 * How the principal was authenticated. `none` appears only in audit records of refused requests,
 * never on a principal a request is served for.
 */
export type AuthMethod = 'api_key' | 'oidc' | 'introspection' | 'proxy' | 'none';

/** One agent of an RFC 8693 `act` chain. */
export interface Actor {
  sub: string;
  iss?: string;
  client_id?: string;
}

/** Values a claim mapping can produce for a custom attribute. */
export type AttributeValue = string | number | boolean | string[];

export interface Principal {
  /** The person when one is known (user token or proxy), else the application itself. */
  sub: string;
  iss: string;
  tenant?: string;
  roles: string[];
  groups?: string[];
  email?: string;
  department?: string;
  clearance?: string;
  /** Custom attributes from `identity.oidc[].claims.attributes`. */
  attributes?: Record<string, AttributeValue>;
  /** The calling application's id (API key `app`, or the token's `azp` / `client_id`). */
  app?: string;
  auth: AuthMethod;
  /** Non-secret label of the application's credential (API key id), for logs and audit records. */
  credential_id?: string;
  /** RFC 8693 delegation chain: the agents acting for `sub`, outermost (the direct caller) first. */
  actor?: Actor[];
}

/** Issuer recorded for principals authenticated by a gateway API key. */
export const API_KEY_ISSUER = 'urn:palisade:api-key';

/** The principal of an audit record when nothing about the caller could be verified. */
export function anonymousPrincipal(): Principal {
  return { sub: '', iss: '', roles: [], auth: 'none' };
}

/** A deep copy, so a cached principal is never changed through a request's copy. */
export function copyPrincipal(p: Principal): Principal {
  const out: Principal = { ...p, roles: [...p.roles] };
  if (p.groups) out.groups = [...p.groups];
  if (p.actor) out.actor = p.actor.map((a) => ({ ...a }));
  if (p.attributes) out.attributes = Object.fromEntries(Object.entries(p.attributes).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
  return out;
}
