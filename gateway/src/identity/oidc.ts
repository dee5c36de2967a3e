// Verifies OIDC bearer JWTs against each configured issuer's JWKS, found by OpenID discovery.
import * as oidc from 'openid-client';
import { createRemoteJWKSet, customFetch, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { OidcIssuerConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import type { Principal } from './principal.js';

export type FetchLike = typeof fetch;

interface IssuerState {
  config: OidcIssuerConfig;
  jwks?: ReturnType<typeof createRemoteJWKSet>;
  discovering?: Promise<ReturnType<typeof createRemoteJWKSet>>;
  error?: string;
}

export interface OidcVerifier {
  /** True when the token names one of the configured issuers (checked before verification). */
  handles(token: string): boolean;
  verify(token: string): Promise<Principal>;
  /** Runs discovery for every issuer; failures are kept and retried on the next request. */
  warmUp(): Promise<void>;
  status(): { ready: boolean; detail?: string };
}

function claimStrings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(' ').filter((s) => s.length > 0);
  return [];
}

/** Reads a dotted claim path such as `realm_access.roles`. */
function claimAt(payload: JWTPayload, path: string): unknown {
  let cur: unknown = payload;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function createOidcVerifier(issuers: readonly OidcIssuerConfig[], fetchImpl: FetchLike): OidcVerifier {
  const states = new Map<string, IssuerState>();
  for (const config of issuers) states.set(config.issuer, { config });

  async function discover(state: IssuerState): Promise<ReturnType<typeof createRemoteJWKSet>> {
    const { config } = state;
    const options: oidc.DiscoveryRequestOptions = { [oidc.customFetch]: fetchImpl };
    if (config.allow_insecure_http) options.execute = [oidc.allowInsecureRequests];
    const discovered = await oidc.discovery(new URL(config.issuer), config.client_id, undefined, undefined, options);
    const jwksUri = discovered.serverMetadata().jwks_uri;
    if (!jwksUri) throw new Error(`issuer ${config.issuer} publishes no jwks_uri`);
    return createRemoteJWKSet(new URL(jwksUri), { [customFetch]: fetchImpl, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  }

  function jwksFor(state: IssuerState): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (state.jwks) return Promise.resolve(state.jwks);
    state.discovering ??= discover(state).then(
      (jwks) => {
        state.jwks = jwks;
        delete state.error;
        delete state.discovering;
        return jwks;
      },
      (err: unknown) => {
        state.error = err instanceof Error ? err.message : String(err);
        delete state.discovering;
        throw err;
      },
    );
    return state.discovering;
  }

  return {
    handles(token) {
      try {
        const iss = decodeJwt(token).iss;
        return typeof iss === 'string' && states.has(iss);
      } catch {
        return false;
      }
    },

    async verify(token) {
      let iss: unknown;
      try {
        iss = decodeJwt(token).iss;
      } catch (cause) {
        throw new GatewayError('GW_ERR_AUTH_INVALID', { cause, detail: 'The bearer token is malformed.' });
      }
      const state = typeof iss === 'string' ? states.get(iss) : undefined;
      if (!state) throw new GatewayError('GW_ERR_AUTH_INVALID', { detail: 'The token issuer is not trusted.' });
      let jwks: ReturnType<typeof createRemoteJWKSet>;
      try {
        jwks = await jwksFor(state);
      } catch (cause) {
        // The issuer cannot be reached: the token cannot be checked, so it is refused.
        throw new GatewayError('GW_ERR_AUTH_INVALID', { cause, detail: 'The token issuer cannot be reached to check the token.' });
      }
      const { config } = state;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: [...config.algorithms],
          clockTolerance: config.clock_tolerance_s,
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (cause) {
        const expired = cause instanceof joseErrors.JWTExpired;
        throw new GatewayError('GW_ERR_AUTH_INVALID', { cause, detail: expired ? 'The token has expired.' : 'The token could not be verified.' });
      }
      const principal: Principal = {
        sub: String(payload.sub),
        iss: config.issuer,
        roles: claimStrings(claimAt(payload, config.roles_claim)),
        auth: 'oidc',
      };
      const tenant = claimAt(payload, config.tenant_claim);
      if (typeof tenant === 'string') principal.tenant = tenant;
      const app = payload['azp'] ?? payload['client_id'];
      if (typeof app === 'string') principal.app = app;
      if (typeof payload['email'] === 'string') principal.email = payload['email'];
      return principal;
    },

    async warmUp() {
      await Promise.allSettled([...states.values()].map((s) => jwksFor(s)));
    },

    status() {
      const failing = [...states.values()].filter((s) => s.error !== undefined);
      if (failing.length === 0) return { ready: true };
      return { ready: true, detail: `discovery failing for ${failing.map((s) => s.config.issuer).join(', ')}` };
    },
  };
}
