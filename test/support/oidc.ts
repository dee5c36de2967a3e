// A real OpenID provider (npm oidc-provider) on loopback, issuing JWT access tokens through the
// client credentials grant. Each registered client stands for one caller with its own roles.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

export const OIDC_AUDIENCE = 'urn:palisade:gateway';

export interface TestClient {
  client_id: string;
  client_secret: string;
  roles: string[];
  tenant: string;
}

export interface TestIssuer {
  issuer: string;
  /** Gets a signed JWT access token for a client. */
  token(clientId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startOidcProvider(clients: TestClient[]): Promise<TestIssuer> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test-key-1' };
  const byId = new Map(clients.map((c) => [c.client_id, c]));

  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.client_id,
      client_secret: c.client_secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    jwks: { keys: [jwk] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => OIDC_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'api', audience: OIDC_AUDIENCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
      },
    },
    ttl: { ClientCredentials: 600, AccessToken: 600 },
    extraTokenClaims: (_ctx, token) => {
      const client = byId.get(String((token as { clientId?: string }).clientId));
      return client ? { roles: client.roles, tenant: client.tenant } : {};
    },
  });
  server.on('request', provider.callback());

  return {
    issuer,
    async token(clientId) {
      const client = byId.get(clientId);
      if (!client) throw new Error(`no test client ${clientId}`);
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret, scope: 'api', resource: OIDC_AUDIENCE }),
      });
      const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!body.access_token) throw new Error(`token request failed: ${body.error ?? res.status} ${body.error_description ?? ''}`);
      return body.access_token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
