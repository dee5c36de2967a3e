// Looks up API keys by their SHA-256; the gateway never holds the keys themselves.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyConfig } from '../config/schema.js';
import { API_KEY_ISSUER, type Principal } from './principal.js';

export interface ApiKeyStore {
  lookup(key: string): Principal | undefined;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function createApiKeyStore(keys: readonly ApiKeyConfig[]): ApiKeyStore {
  const byHash = new Map<string, ApiKeyConfig>();
  for (const k of keys) byHash.set(k.key_sha256, k);
  return {
    lookup(key) {
      const hash = sha256Hex(key);
      const entry = byHash.get(hash);
      // The map lookup already matched on the hash; the constant-time compare guards against a
      // future store that compares prefixes.
      if (!entry || !timingSafeEqual(Buffer.from(entry.key_sha256, 'hex'), Buffer.from(hash, 'hex'))) return undefined;
      const principal: Principal = { sub: entry.sub, iss: API_KEY_ISSUER, roles: [...entry.roles], auth: 'api_key', credential_id: entry.id };
      if (entry.tenant !== undefined) principal.tenant = entry.tenant;
      if (entry.app !== undefined) principal.app = entry.app;
      return principal;
    },
  };
}
