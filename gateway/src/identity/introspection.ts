// RFC 7662 introspection of opaque access tokens (openid-client `tokenIntrospection`), with
// answers cached by the token's hash until the token expires, never longer than configured.
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import type { IntrospectionConfig } from '../config/schema.js';
import type { GatewayError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { identityError } from './auth-failure.js';
import { actorChain, mapClaims, stringList, type Claims } from './claims.js';
import { createExpiringLru } from './expiring-lru.js';
import type { IssuerClient } from './issuer-client.js';
import { copyPrincipal, type Principal } from './principal.js';

export interface Introspector {
  readonly issuer: string;
  introspect(token: string): Promise<Principal>;
}

export type IntrospectionResult = 'active' | 'inactive' | 'cached' | 'error';

export interface IntrospectorDeps {
  clock: () => number;
  logger?: Logger;
  onResult?: (issuer: string, result: IntrospectionResult) => void;
}

type Cached = { ok: true; principal: Principal } | { ok: false; error: GatewayError };

/** The cache key: a hash, so that tokens are never held (or dumped) by the cache. */
function tokenKey(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

export function createIntrospector(issuer: IssuerClient, deps: IntrospectorDeps): Introspector {
  const { config } = issuer;
  if (!config.introspection) throw new Error(`issuer ${config.issuer} has no introspection settings`);
  const settings: IntrospectionConfig = config.introspection;
  const cache = createExpiringLru<Cached>(settings.cache_max_entries);
  const pending = new Map<string, Promise<Cached>>();
  const skewMs = config.clock_tolerance_s * 1000;

  /** Checks an active answer and turns it into a principal; throws a refusal otherwise. */
  function principalOf(answer: Claims, now: number): { principal: Principal; expiresAt?: number } {
    const { iss, exp, nbf, aud, token_type: tokenType, cnf } = answer;
    if (iss !== undefined && iss !== config.issuer) throw identityError('GW_ERR_AUTH_INVALID', 'The token issuer does not match.');
    if (typeof exp === 'number' && exp * 1000 <= now - skewMs) throw identityError('GW_ERR_AUTH_EXPIRED', 'The token has expired.');
    if (typeof nbf === 'number' && nbf * 1000 > now + skewMs) throw identityError('GW_ERR_AUTH_INVALID', 'The token is not valid yet.');
    if (settings.require_audience !== false && !stringList(aud).includes(config.audience)) {
      throw identityError('GW_ERR_AUTH_INVALID', 'The token is not meant for this gateway (audience).');
    }
    // A sender-constrained token (DPoP, mTLS) is only valid with its proof, which this gateway does not check.
    if (cnf !== undefined || (typeof tokenType === 'string' && tokenType.toLowerCase() !== 'bearer')) {
      throw identityError('GW_ERR_AUTH_INVALID', 'The token is not a bearer access token.');
    }
    const sub = typeof answer['sub'] === 'string' && answer['sub'] !== '' ? answer['sub'] : answer['client_id'];
    if (typeof sub !== 'string' || sub === '') throw identityError('GW_ERR_AUTH_INVALID', 'The token names no subject.');
    let actor;
    try {
      actor = actorChain(answer);
    } catch (cause) {
      throw identityError('GW_ERR_AUTH_INVALID', 'The token act claim is malformed.', cause);
    }
    const principal: Principal = { sub, iss: config.issuer, auth: 'introspection', ...mapClaims(answer, issuer.mapping) };
    if (actor) principal.actor = actor;
    return typeof exp === 'number' ? { principal, expiresAt: exp * 1000 } : { principal };
  }

  async function ask(token: string, key: string): Promise<Cached> {
    const configuration = await issuer.configuration();
    let answer: Claims;
    try {
      answer = await oidc.tokenIntrospection(configuration, token, { token_type_hint: 'access_token' });
    } catch (err) {
      deps.onResult?.(config.issuer, 'error');
      deps.logger?.warn({ issuer: config.issuer, err: err instanceof Error ? err.message : String(err) }, 'token introspection failed');
      throw identityError('GW_ERR_IDENTITY_UNAVAILABLE', undefined, err);
    }
    const now = deps.clock();
    const maxMs = settings.cache_max_s * 1000;
    if (answer['active'] !== true) {
      deps.onResult?.(config.issuer, 'inactive');
      const refused: Cached = { ok: false, error: identityError('GW_ERR_AUTH_INVALID', 'The token is not active.') };
      if (settings.negative_cache_s > 0) cache.set(key, refused, now + settings.negative_cache_s * 1000);
      return refused;
    }
    deps.onResult?.(config.issuer, 'active');
    let checked: { principal: Principal; expiresAt?: number };
    try {
      checked = principalOf(answer, now);
    } catch (err) {
      return { ok: false, error: err as GatewayError };
    }
    const result: Cached = { ok: true, principal: checked.principal };
    const until = Math.min(checked.expiresAt ?? Infinity, now + maxMs);
    if (until > now) cache.set(key, result, until);
    return result;
  }

  return {
    issuer: config.issuer,
    async introspect(token) {
      const key = tokenKey(token);
      let result = cache.get(key, deps.clock());
      if (result) deps.onResult?.(config.issuer, 'cached');
      else {
        // Concurrent requests with the same token share one call to the issuer.
        let call = pending.get(key);
        if (!call) {
          call = ask(token, key).finally(() => pending.delete(key));
          pending.set(key, call);
        }
        result = await call;
      }
      if (!result.ok) throw result.error;
      return copyPrincipal(result.principal);
    },
  };
}
