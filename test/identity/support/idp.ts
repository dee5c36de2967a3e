// A real OpenID provider (npm oidc-provider) on loopback for identity tests: client credentials
// (JWT or opaque), introspection, RFC 8693 token exchange (agents acting for people), people's
// tokens as a login would issue them, and signing-key rotation without changing the issuer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, jwtVerify, createLocalJWKSet, type JWK, type JWTPayload, type CryptoKey } from 'jose';
import Provider, { type ResourceServer as ResourceServerInfo } from 'oidc-provider';

export const AUDIENCE = 'urn:palisade:gateway';
export const GATEWAY_CLIENT = { client_id: 'palisade-gateway', client_secret: 'gateway-secret-long-enough-for-oidc-provider-0001' };
const SECRET = 'client-secret-long-enough-for-oidc-provider-000001';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

export type SigningAlg = 'RS256' | 'ES256';

export interface IdpClient {
  client_id: string;
  /** Claims added to this client's client-credentials tokens (roles, tenant, act, ...). */
  claims?: Record<string, unknown>;
  /** Access token format for this client's tokens; default jwt. */
  format?: 'jwt' | 'opaque';
}

export interface IdpOptions {
  clients: IdpClient[];
  alg?: SigningAlg;
}

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface TestIdp {
  issuer: string;
  /** Paths the provider was asked for, in order (discovery, jwks, introspection, token...). */
  requests: string[];
  count(path: string): number;
  /** A client-credentials access token, from the real token endpoint. */
  clientToken(clientId: string): Promise<string>;
  /** A person's access token for the gateway, as the provider issues it after a login. */
  personToken(sub: string, claims?: Record<string, unknown>, options?: { clientId?: string; format?: 'jwt' | 'opaque' }): Promise<string>;
  /** RFC 8693 token exchange: the agent client gets a token for the person with itself in `act`. */
  exchange(agentClientId: string, subjectToken: string): Promise<string>;
  /** RFC 7009 revocation through the real endpoint. */
  revoke(token: string, clientId: string): Promise<void>;
  /** The current signing key (first in the JWKS). */
  key(): SigningKey;
  /** Signs any claims with the current key, for tokens the provider would never issue (expired, wrong audience...). */
  sign(claims: JWTPayload, header?: Record<string, unknown>): Promise<string>;
  /** Publishes a new signing key first; `keepOld` leaves the previous one in the JWKS too. */
  rotate(options: { keepOld: boolean }): Promise<SigningKey>;
  publicKeyPem(): Promise<string>;
  close(): Promise<void>;
}

export function clientSecretOf(_clientId: string): string {
  return SECRET;
}

async function newKey(alg: SigningAlg): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `key-${randomUUID().slice(0, 8)}`;
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export async function startIdp(options: IdpOptions): Promise<TestIdp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const alg = options.alg ?? 'RS256';
  const byId = new Map(options.clients.map((c) => [c.client_id, c]));
  const requests: string[] = [];
  let keys: SigningKey[] = [await newKey(alg)];
  let provider: Provider;

  const resourceInfo = (format: 'jwt' | 'opaque'): ResourceServerInfo => ({
    scope: 'api',
    audience: AUDIENCE,
    accessTokenFormat: format,
    accessTokenTTL: 600,
    ...(format === 'jwt' ? { jwt: { sign: { alg } } } : {}),
  });

  function build(): Provider {
    const p = new Provider(issuer, {
      clients: [
        { ...GATEWAY_CLIENT, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_basic' },
        ...options.clients.map((c) => ({
          client_id: c.client_id,
          client_secret: SECRET,
          grant_types: ['client_credentials', TOKEN_EXCHANGE],
          redirect_uris: [],
          response_types: [],
          token_endpoint_auth_method: 'client_secret_post' as const,
        })),
      ],
      jwks: { keys: keys.map((k) => ({ ...k.publicJwk, ...exportedPrivate.get(k.kid) })) },
      clientDefaults: { id_token_signed_response_alg: alg },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        // Only the gateway may introspect, as a real deployment would allow.
        introspection: { enabled: true, allowedPolicy: (_ctx, client) => client.clientId === GATEWAY_CLIENT.client_id },
        revocation: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => AUDIENCE,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, _resource, client) => resourceInfo(byId.get(client.clientId)?.format ?? 'jwt'),
        },
      },
      ttl: { ClientCredentials: 600, AccessToken: 600 },
      extraTokenClaims: (_ctx, token) => {
        // Tokens built here (people's, exchanged) carry their claims already; keep them.
        const own = (token as { extra?: Record<string, unknown> }).extra;
        if (own && Object.keys(own).length > 0) return own;
        const client = byId.get(String((token as { clientId?: string }).clientId));
        return client?.claims ? structuredClone(client.claims) : {};
      },
    });
    p.registerGrantType(
      TOKEN_EXCHANGE,
      async (ctx) => {
        const params = ctx.oidc.params as Record<string, unknown>;
        const subject = await jwtVerify(String(params['subject_token']), createLocalJWKSet({ keys: keys.map((k) => k.publicJwk) }), { issuer, audience: AUDIENCE });
        const { sub, iat: _iat, exp: _exp, jti: _jti, iss: _iss, aud: _aud, client_id: _cid, scope: _scope, ...rest } = subject.payload;
        const clientId = ctx.oidc.client.clientId;
        const act: Record<string, unknown> = { sub: clientId, client_id: clientId };
        if (rest['act']) act['act'] = rest['act'];
        const token = new ctx.oidc.provider.AccessToken({
          client: ctx.oidc.client,
          accountId: String(sub),
          grantId: randomUUID(),
          gty: 'token_exchange',
          scope: 'api',
          resourceServer: new (ctx.oidc.provider as unknown as { ResourceServer: new (id: string, info: ResourceServerInfo) => never }).ResourceServer(AUDIENCE, resourceInfo('jwt')),
        });
        token.extra = { ...rest, act };
        const value = await token.save();
        ctx.body = { access_token: value, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 600 };
      },
      ['subject_token', 'subject_token_type', 'resource', 'scope'],
    );
    return p;
  }

  const exportedPrivate = new Map<string, JWK>();
  async function remember(k: SigningKey): Promise<void> {
    exportedPrivate.set(k.kid, { ...(await exportJWK(k.privateKey)), kid: k.kid, alg: k.alg, use: 'sig' });
  }
  for (const k of keys) await remember(k);
  provider = build();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    requests.push((req.url ?? '').split('?')[0] ?? '');
    provider.callback()(req, res);
  });

  async function tokenRequest(body: Record<string, string>): Promise<string> {
    const res = await fetch(`${issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
    const json = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
    if (!json.access_token) throw new Error(`token request failed: ${json.error ?? res.status} ${json.error_description ?? ''}`);
    return json.access_token;
  }

  return {
    issuer,
    requests,
    count: (path) => requests.filter((r) => r === path).length,
    clientToken: (clientId) => tokenRequest({ grant_type: 'client_credentials', client_id: clientId, client_secret: SECRET, scope: 'api', resource: AUDIENCE }),
    async personToken(sub, claims = {}, opts = {}) {
      const clientId = opts.clientId ?? options.clients[0]?.client_id ?? GATEWAY_CLIENT.client_id;
      const client = await provider.Client.find(clientId);
      if (!client) throw new Error(`no client ${clientId}`);
      // A stored grant, as a login leaves behind: introspection refuses tokens whose grant is gone.
      const grant = new provider.Grant({ accountId: sub, clientId });
      grant.addResourceScope(AUDIENCE, 'api');
      const grantId = await grant.save();
      const token = new provider.AccessToken({
        client,
        accountId: sub,
        grantId,
        gty: 'authorization_code',
        scope: 'api',
        resourceServer: new (provider as unknown as { ResourceServer: new (id: string, info: ResourceServerInfo) => never }).ResourceServer(AUDIENCE, resourceInfo(opts.format ?? 'jwt')),
      });
      token.extra = structuredClone(claims);
      return token.save();
    },
    exchange: (agentClientId, subjectToken) =>
      tokenRequest({
        grant_type: TOKEN_EXCHANGE,
        client_id: agentClientId,
        client_secret: SECRET,
        subject_token: subjectToken,
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        resource: AUDIENCE,
        scope: 'api',
      }),
    async revoke(token, clientId) {
      const res = await fetch(`${issuer}/token/revocation`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, client_id: clientId, client_secret: SECRET }),
      });
      if (res.status !== 200) throw new Error(`revocation failed: ${res.status}`);
    },
    key: () => keys[0] as SigningKey,
    async sign(claims, header = {}) {
      const k = keys[0] as SigningKey;
      return new SignJWT(claims).setProtectedHeader({ alg: k.alg, kid: k.kid, typ: 'at+jwt', ...header }).sign(k.privateKey);
    },
    async rotate({ keepOld }) {
      const next = await newKey(alg);
      await remember(next);
      keys = keepOld ? [next, ...keys] : [next];
      provider = build();
      return next;
    },
    async publicKeyPem() {
      const { importJWK } = await import('jose');
      const pub = await importJWK((keys[0] as SigningKey).publicJwk, alg, { extractable: true });
      return exportSPKI(pub as CryptoKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
