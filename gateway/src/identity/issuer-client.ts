// One trusted OpenID issuer: discovery (openid-client) and its signing keys (jose remote JWKS),
// kept fresh in the background so that the request path fetches keys only for an unknown `kid`.
import * as oidc from 'openid-client';
import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey, type RemoteJWKSet } from 'jose';
import type { OidcIssuerConfig } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import { identityError } from './auth-failure.js';
import { claimMapping, type ClaimMapping } from './claims.js';

export type FetchLike = typeof fetch;

/** What the gateway asked of the issuer, for metrics and for the benchmark's "no fetch" check. */
export type IssuerRequestKind = 'discovery' | 'jwks' | 'introspection';

export interface IssuerClientDeps {
  fetch: FetchLike;
  clock: () => number;
  logger?: Logger;
  /** The gateway's client secret at the issuer (only for introspection). */
  clientSecret?: string;
  onRequest?: (issuer: string, kind: IssuerRequestKind) => void;
}

export interface IssuerClient {
  readonly config: OidcIssuerConfig;
  readonly mapping: ClaimMapping;
  /** The key resolver for jwtVerify; discovers the issuer first if needed. */
  keys(): Promise<JWTVerifyGetKey>;
  /** The openid-client configuration, authenticated as the gateway (for introspection). */
  configuration(): Promise<oidc.Configuration>;
  /** Discovers the issuer and loads its keys; failures are kept for status() and retried later. */
  warmUp(): Promise<void>;
  requests(): Readonly<Record<IssuerRequestKind, number>>;
  problem(): string | undefined;
  close(): void;
}

/** A failed discovery is retried on a later request, but no more often than this. */
const DISCOVERY_RETRY_MS = 1000;

/** Marks key-fetch failures so they are told apart from bad tokens (503, not 401). */
export class KeyFetchError extends Error {
  constructor(cause: unknown) {
    super('the issuer signing keys could not be fetched', { cause });
    this.name = 'KeyFetchError';
  }
}

/** jose errors that mean "this token's key is not in the set", i.e. the token is at fault. */
const TOKEN_KEY_ERRORS = new Set(['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'ERR_JOSE_NOT_SUPPORTED', 'ERR_JWKS_INVALID', 'ERR_JOSE_ALG_NOT_ALLOWED']);

function errorCode(err: unknown): unknown {
  return err !== null && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createIssuerClient(config: OidcIssuerConfig, deps: IssuerClientDeps): IssuerClient {
  const counts: Record<IssuerRequestKind, number> = { discovery: 0, jwks: 0, introspection: 0 };
  const count = (kind: IssuerRequestKind): void => {
    counts[kind]++;
    deps.onRequest?.(config.issuer, kind);
  };
  let discovered: { configuration: oidc.Configuration; jwks: RemoteJWKSet; getKey: JWTVerifyGetKey } | undefined;
  let discovering: Promise<NonNullable<typeof discovered>> | undefined;
  let failedAt = -Infinity;
  let lastProblem: string | undefined;
  let refreshTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const jwksFetch = (url: string, init: RequestInit): Promise<Response> => {
    count('jwks');
    return deps.fetch(url, init);
  };
  const oidcFetch: oidc.CustomFetch = (url, init) => {
    count(discovered ? 'introspection' : 'discovery');
    return deps.fetch(url, init as RequestInit);
  };

  async function discover(): Promise<NonNullable<typeof discovered>> {
    const options: oidc.DiscoveryRequestOptions = { [oidc.customFetch]: oidcFetch, timeout: Math.ceil(config.timeout_ms / 1000) };
    if (config.allow_insecure_http) options.execute = [oidc.allowInsecureRequests];
    const secret = deps.clientSecret;
    const auth =
      secret === undefined ? oidc.None() : config.introspection?.auth_method === 'client_secret_post' ? oidc.ClientSecretPost(secret) : oidc.ClientSecretBasic(secret);
    const configuration = await oidc.discovery(new URL(config.issuer), config.client_id, undefined, auth, options);
    const jwksUri = configuration.serverMetadata().jwks_uri;
    if (!jwksUri) throw new Error('the issuer publishes no jwks_uri');
    const jwks = createRemoteJWKSet(new URL(jwksUri), {
      [customFetch]: jwksFetch,
      cooldownDuration: config.jwks_cooldown_s * 1000,
      cacheMaxAge: config.jwks_cache_s * 1000,
      timeoutDuration: config.timeout_ms,
    });
    const getKey: JWTVerifyGetKey = async (header, token) => {
      try {
        return await jwks(header, token);
      } catch (err) {
        if (TOKEN_KEY_ERRORS.has(String(errorCode(err)))) throw err;
        throw new KeyFetchError(err);
      }
    };
    await jwks.reload();
    return { configuration, jwks, getKey };
  }

  function refreshInBackground(jwks: RemoteJWKSet): void {
    // Refreshing at half the cache age keeps keys fresh before jose would refetch on a request.
    refreshTimer = setInterval(() => {
      jwks.reload().then(
        () => {
          lastProblem = undefined;
        },
        (err: unknown) => {
          lastProblem = `signing keys of ${config.issuer} could not be refreshed: ${message(err)}`;
          deps.logger?.warn({ issuer: config.issuer, err: message(err) }, 'signing keys refresh failed');
        },
      );
    }, config.jwks_cache_s * 500);
    refreshTimer.unref();
  }

  function ensure(): Promise<NonNullable<typeof discovered>> {
    if (discovered) return Promise.resolve(discovered);
    if (discovering) return discovering;
    if (deps.clock() - failedAt < DISCOVERY_RETRY_MS) {
      return Promise.reject(identityError('GW_ERR_IDENTITY_UNAVAILABLE', undefined, new Error(lastProblem)));
    }
    discovering = discover().then(
      (d) => {
        discovering = undefined;
        lastProblem = undefined;
        if (closed) return d;
        discovered = d;
        refreshInBackground(d.jwks);
        deps.logger?.info({ issuer: config.issuer }, 'issuer discovered');
        return d;
      },
      (err: unknown) => {
        discovering = undefined;
        failedAt = deps.clock();
        lastProblem = `discovery of ${config.issuer} failed: ${message(err)}`;
        deps.logger?.warn({ issuer: config.issuer, err: message(err) }, 'issuer discovery failed');
        throw identityError('GW_ERR_IDENTITY_UNAVAILABLE', undefined, err);
      },
    );
    return discovering;
  }

  return {
    config,
    mapping: claimMapping(config),
    async keys() {
      return (await ensure()).getKey;
    },
    async configuration() {
      return (await ensure()).configuration;
    },
    async warmUp() {
      try {
        await ensure();
      } catch {
        // Kept in lastProblem for status(); requests retry.
      }
    },
    requests: () => ({ ...counts }),
    problem: () => lastProblem,
    close() {
      closed = true;
      if (refreshTimer) clearInterval(refreshTimer);
    },
  };
}
