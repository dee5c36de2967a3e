// Decides who a request is for: the application's credential (API key, JWT or opaque token), the
// person behind it (a user token header or a trusted proxy's headers), and the agents between.
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError, isGatewayError, toGatewayError } from '../errors.js';
import { looksLikeApiKey } from './api-key-format.js';
import type { ApiKeyStore } from './api-keys.js';
import { identityError, type AuthOutcome, type IdentityErrorCode } from './auth-failure.js';
import type { Introspector } from './introspection.js';
import type { JwtVerifier } from './jwt-verifier.js';
import type { Principal } from './principal.js';
import type { TrustedProxy } from './trusted-proxy.js';

export interface IdentityRequest {
  headers: IncomingHttpHeaders;
  /** The TCP peer's address (never X-Forwarded-For): proxies are trusted by it. */
  remoteAddress?: string;
}

export interface Authenticator {
  /** Headers that carry identity for the gateway only (user token, proxy assertions); callers of the authenticator strip them before anything is forwarded. */
  readonly identityHeaders: readonly string[];
  /** Never rejects: a refusal is an outcome carrying the coded error. */
  authenticate(req: IdentityRequest): Promise<AuthOutcome>;
  /** True when this refusal gets its own audit record; false when it is counted into a summary (flood bound). */
  admitDenial(code: string, api: string, route: string): boolean;
}

export interface AuthenticatorParts {
  apiKeys: ApiKeyStore;
  jwt: JwtVerifier;
  introspector?: Introspector;
  proxy?: TrustedProxy;
  userTokenHeader: string;
  maxTokenBytes: number;
  clock: () => number;
  admitDenial(code: string, api: string, route: string): boolean;
}

/** RFC 6750 §2.1 b64token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const JWT_SHAPE = /^[^.]*\.[^.]*\.[^.]*$/;

function headerValue(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value.join(', ');
  return value;
}

/** The application's credential from `Authorization: Bearer` or Anthropic's `x-api-key`. */
function credentialOf(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  const xApiKey = headerValue(headers['x-api-key']);
  let bearer: string | undefined;
  if (authorization !== undefined) {
    const m = /^Bearer +(\S+) *$/i.exec(authorization);
    if (!m?.[1]) throw identityError('GW_ERR_AUTH_MALFORMED', 'The Authorization header must be "Bearer <credential>".');
    bearer = m[1];
  }
  if (xApiKey !== undefined && xApiKey !== '') {
    // RFC 6750 §2: one method per request; two different credentials leave it unclear who is calling.
    if (bearer !== undefined && bearer !== xApiKey) throw identityError('GW_ERR_AUTH_MALFORMED', 'Send one credential: in Authorization or in x-api-key, not both.');
    return xApiKey;
  }
  return bearer;
}

function checkSyntax(token: string, maxBytes: number, what: string): void {
  if (token.length > maxBytes) throw identityError('GW_ERR_AUTH_MALFORMED', `The ${what} is longer than this gateway accepts.`);
  if (!B64TOKEN.test(token)) throw identityError('GW_ERR_AUTH_MALFORMED', `The ${what} holds characters a bearer token cannot hold.`);
}

/** The same refusal, saying that the person's token (not the application's credential) failed. */
function aboutUserToken(err: unknown, header: string): GatewayError {
  if (!isGatewayError(err) || err.status !== 401) return toGatewayError(err);
  return identityError(err.code as IdentityErrorCode, `User token (${header}): ${err.detail ?? err.message}`, err.cause);
}

/** The person, acting through the application: policies see the person with `app` naming the application. */
function combine(person: Principal, app: Principal): Principal {
  if (person.tenant !== undefined && app.tenant !== undefined && person.tenant !== app.tenant) {
    throw identityError('GW_ERR_AUTH_INVALID', 'The user belongs to another tenant than the application.');
  }
  const principal: Principal = { ...person, app: app.app ?? app.sub };
  delete principal.credential_id;
  if (app.credential_id !== undefined) principal.credential_id = app.credential_id;
  const tenant = person.tenant ?? app.tenant;
  if (tenant !== undefined) principal.tenant = tenant;
  return principal;
}

export function createAuthenticator(parts: AuthenticatorParts): Authenticator {
  const { apiKeys, jwt, introspector, proxy, userTokenHeader: userHeader, maxTokenBytes, clock } = parts;

  async function fromToken(token: string): Promise<Principal | undefined> {
    if (JWT_SHAPE.test(token)) return jwt.verify(token);
    // API-key-shaped strings never go to the issuer: a mistyped key must not be shown to a third party.
    if (introspector && !looksLikeApiKey(token)) return introspector.introspect(token);
    return undefined;
  }

  async function application(token: string): Promise<Principal> {
    checkSyntax(token, maxTokenBytes, 'credential');
    const key = apiKeys.lookup(token, clock());
    if (key) {
      if (!key.ok) throw key.error;
      return key.principal;
    }
    const principal = await fromToken(token);
    if (!principal) throw identityError('GW_ERR_AUTH_INVALID', 'The credential is neither a known API key nor a token from a trusted issuer.');
    return principal;
  }

  async function person(token: string): Promise<Principal> {
    checkSyntax(token, maxTokenBytes, `${userHeader} header`);
    const principal = await fromToken(token);
    if (!principal) throw identityError('GW_ERR_AUTH_INVALID', `The ${userHeader} header must hold a token from a trusted issuer.`);
    return principal;
  }

  return {
    identityHeaders: [userHeader, ...(proxy?.headers ?? [])],
    admitDenial: parts.admitDenial,
    async authenticate(req) {
      let app: Principal | undefined;
      try {
        const proxied = proxy?.personOf(req.headers, req.remoteAddress);
        const credential = credentialOf(req.headers);
        const userToken = headerValue(req.headers[userHeader]);
        if (credential === undefined) {
          if (userToken !== undefined) throw identityError('GW_ERR_AUTH_MALFORMED', `The ${userHeader} header needs the application's own credential in Authorization.`);
          if (proxied) return { ok: true, principal: proxied };
          throw identityError('GW_ERR_AUTH_MISSING');
        }
        app = await application(credential);
        if (userToken === undefined) return { ok: true, principal: proxied ? combine(proxied, app) : app };
        if (proxied) throw identityError('GW_ERR_AUTH_MALFORMED', `Name the person either through the proxy or in ${userHeader}, not both.`);
        let user: Principal;
        try {
          user = await person(userToken);
        } catch (err) {
          throw aboutUserToken(err, userHeader);
        }
        return { ok: true, principal: combine(user, app) };
      } catch (err) {
        const error = toGatewayError(err);
        return app ? { ok: false, error, known: app } : { ok: false, error };
      }
    },
  };
}
