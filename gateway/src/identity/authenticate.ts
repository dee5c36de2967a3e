// Turns the Authorization header into a Principal: an API key or an OIDC bearer JWT.
import { GatewayError } from '../errors.js';
import type { ApiKeyStore } from './api-keys.js';
import type { OidcVerifier } from './oidc.js';
import type { Principal } from './principal.js';

/** Bearer tokens longer than this are refused before any parsing. */
const MAX_TOKEN_LENGTH = 16 * 1024;

export interface Authenticator {
  authenticate(authorization: string | undefined, xApiKey?: string): Promise<Principal>;
}

export function createAuthenticator(apiKeys: ApiKeyStore, oidc: OidcVerifier): Authenticator {
  return {
    async authenticate(authorization, xApiKey) {
      let token: string | undefined;
      if (authorization !== undefined) {
        const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization);
        if (!m?.[1]) throw new GatewayError('GW_ERR_AUTH_INVALID', { detail: 'The Authorization header must be "Bearer <token>".' });
        token = m[1];
      } else if (xApiKey !== undefined && xApiKey !== '') {
        // Anthropic's SDK sends its key in x-api-key.
        token = xApiKey;
      }
      if (token === undefined) throw new GatewayError('GW_ERR_AUTH_MISSING');
      if (token.length > MAX_TOKEN_LENGTH) throw new GatewayError('GW_ERR_AUTH_INVALID', { detail: 'The token is too long.' });
      const byKey = apiKeys.lookup(token);
      if (byKey) return byKey;
      if (token.split('.').length === 3 && oidc.handles(token)) return oidc.verify(token);
      throw new GatewayError('GW_ERR_AUTH_INVALID');
    },
  };
}
