// Verifies bearer JWTs from the trusted issuers: signature against the issuer's published keys,
// an allow-list of algorithms, and iss, aud, exp, nbf, iat within a small clock skew.
import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify, type CompactJWSHeaderParameters, type FlattenedJWSInput, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import type { GatewayError } from '../errors.js';
import { identityError } from './auth-failure.js';
import { actorChain, mapClaims } from './claims.js';
import { KeyFetchError, type IssuerClient } from './issuer-client.js';
import { createExpiringLru } from './expiring-lru.js';
import { copyPrincipal, type Principal } from './principal.js';

export interface JwtVerifier {
  /** Verifies a token shaped like a JWT; rejects with a GatewayError saying why it is refused. */
  verify(token: string): Promise<Principal>;
}

function errorCode(err: unknown): string {
  const code = err !== null && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : '';
}

/** Maps jose's stable error codes (never its classes or messages) onto ours, keeping the cause. */
function refusal(err: unknown): GatewayError {
  if (err instanceof KeyFetchError) return identityError('GW_ERR_IDENTITY_UNAVAILABLE', undefined, err);
  switch (errorCode(err)) {
    case 'ERR_JWT_EXPIRED': {
      const claim = (err as { claim?: unknown }).claim;
      return claim === 'iat'
        ? identityError('GW_ERR_AUTH_EXPIRED', 'The token is older than this gateway accepts.', err)
        : identityError('GW_ERR_AUTH_EXPIRED', 'The token has expired.', err);
    }
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const { claim, reason } = err as { claim?: unknown; reason?: unknown };
      if (reason === 'missing') return identityError('GW_ERR_AUTH_INVALID', `The token lacks the required "${String(claim)}" claim.`, err);
      if (claim === 'nbf') return identityError('GW_ERR_AUTH_INVALID', 'The token is not valid yet.', err);
      if (claim === 'iat') return identityError('GW_ERR_AUTH_INVALID', 'The token was issued in the future.', err);
      if (claim === 'aud') return identityError('GW_ERR_AUTH_INVALID', 'The token is not meant for this gateway (audience).', err);
      if (claim === 'iss') return identityError('GW_ERR_AUTH_INVALID', 'The token issuer does not match.', err);
      return identityError('GW_ERR_AUTH_INVALID', 'A token claim is not valid.', err);
    }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return identityError('GW_ERR_AUTH_INVALID', 'The token signing algorithm is not accepted.', err);
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return identityError('GW_ERR_AUTH_INVALID', 'The token is signed with a key the issuer does not publish.', err);
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return identityError('GW_ERR_AUTH_INVALID', 'The token signature is not valid.', err);
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return identityError('GW_ERR_AUTH_INVALID', 'The token is malformed.', err);
    default:
      return identityError('GW_ERR_AUTH_INVALID', 'The token could not be verified.', err);
  }
}

interface VerifiedJwt {
  principal: Principal;
  issuer: IssuerClient;
  header: CompactJWSHeaderParameters;
  /** The key object the signature was checked with; a reloaded key set hands out new ones. */
  key: unknown;
}

const NO_TOKEN: FlattenedJWSInput = { payload: '', signature: '' };

/** The cache key: a hash, so that tokens are never held (or dumped) by the cache. */
function tokenKey(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/**
 * `cacheEntries` bounds the verified-token cache: a token seen again is served from it until its
 * `exp` (or its maximum age), and only while the issuer still publishes the very key object it
 * was verified with, so a key reload (rotation, retirement) sends every token through full
 * verification again.
 */
export function createJwtVerifier(issuers: readonly IssuerClient[], clock: () => number, cacheEntries = 0): JwtVerifier {
  const byIssuer = new Map(issuers.map((i) => [i.config.issuer, i]));
  const cache = cacheEntries > 0 ? createExpiringLru<VerifiedJwt>(cacheEntries) : undefined;

  async function remembered(key: string): Promise<Principal | undefined> {
    const hit = cache?.get(key, clock());
    if (!hit) return undefined;
    try {
      const current = await (await hit.issuer.keys())(hit.header, NO_TOKEN);
      if (current === hit.key) return copyPrincipal(hit.principal);
    } catch {
      // The key is gone or cannot be checked: verify the token in full.
    }
    cache?.delete(key);
    return undefined;
  }

  return {
    async verify(token) {
      const cacheKey = cache ? tokenKey(token) : '';
      if (cache) {
        const principal = await remembered(cacheKey);
        if (principal) return principal;
      }
      // Read before verification only to pick the issuer and refuse cheaply; nothing here is trusted.
      let iss: unknown;
      let alg: unknown;
      try {
        alg = decodeProtectedHeader(token).alg;
        iss = decodeJwt(token).iss;
      } catch (cause) {
        throw identityError('GW_ERR_AUTH_INVALID', 'The token is malformed.', cause);
      }
      const issuer = typeof iss === 'string' ? byIssuer.get(iss) : undefined;
      // An unknown issuer is refused without contacting it: tokens must not make the gateway fetch from anywhere.
      if (!issuer) throw identityError('GW_ERR_AUTH_INVALID', 'The token issuer is not trusted.');
      const { config } = issuer;
      // Checked before keys are fetched, so `none` or HMAC tokens never cause a key refetch.
      if (typeof alg !== 'string' || !config.algorithms.includes(alg)) throw identityError('GW_ERR_AUTH_INVALID', 'The token signing algorithm is not accepted.');

      const now = clock();
      const options: JWTVerifyOptions = {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: [...config.algorithms],
        clockTolerance: config.clock_tolerance_s,
        requiredClaims: ['exp', ...config.required_claims],
        currentDate: new Date(now),
      };
      if (config.max_token_age_s !== undefined) options.maxTokenAge = config.max_token_age_s;
      let payload: JWTPayload;
      let header: CompactJWSHeaderParameters;
      let usedKey: unknown;
      try {
        const keys = await issuer.keys();
        const capture: JWTVerifyGetKey = async (h, t) => (usedKey = await keys(h, t));
        ({ payload, protectedHeader: header } = await jwtVerify(token, capture, options));
      } catch (err) {
        if ((err as { code?: unknown } | null)?.code === 'GW_ERR_IDENTITY_UNAVAILABLE') throw err;
        throw refusal(err);
      }
      // jose checks `iat` against the clock only with maxTokenAge; a token from the future is refused regardless.
      if (typeof payload.iat === 'number' && payload.iat * 1000 > now + config.clock_tolerance_s * 1000) {
        throw identityError('GW_ERR_AUTH_INVALID', 'The token was issued in the future.');
      }
      if (typeof payload.sub !== 'string' || payload.sub === '') throw identityError('GW_ERR_AUTH_INVALID', 'The token names no subject.');
      let actor;
      try {
        actor = actorChain(payload);
      } catch (cause) {
        throw identityError('GW_ERR_AUTH_INVALID', 'The token act claim is malformed.', cause);
      }
      const principal: Principal = { sub: payload.sub, iss: config.issuer, auth: 'oidc', ...mapClaims(payload, issuer.mapping) };
      if (actor) principal.actor = actor;
      if (cache && typeof payload.exp === 'number') {
        const until = Math.min(payload.exp * 1000, config.max_token_age_s !== undefined && typeof payload.iat === 'number' ? (payload.iat + config.max_token_age_s) * 1000 : Infinity);
        cache.set(cacheKey, { principal: copyPrincipal(principal), issuer, header: { alg: header.alg, ...(header.kid !== undefined ? { kid: header.kid } : {}) }, key: usedKey }, until);
      }
      return principal;
    },
  };
}
