// Looks up API keys by their SHA-256, from the config and from the keys file (re-read when it
// changes, so a revocation takes effect without a restart); the gateway never holds the keys.
import { timingSafeEqual } from 'node:crypto';
import { unwatchFile, watchFile, type Stats } from 'node:fs';
import type { ApiKeyConfig } from '../config/schema.js';
import type { GatewayError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { ComponentStatus } from '../health.js';
import { looksLikeApiKey, sha256Hex } from './api-key-format.js';
import { identityError } from './auth-failure.js';
import { readKeysFile, type StoredApiKey } from './keys-file.js';
import { API_KEY_ISSUER, type Principal } from './principal.js';

interface KeyEntry {
  id: string;
  hash: Buffer;
  sub: string;
  tenant?: string;
  roles: readonly string[];
  app?: string;
  expiresAt?: number;
  revoked: boolean;
}

export type ApiKeyMatch = { ok: true; principal: Principal } | { ok: false; error: GatewayError };

export interface ApiKeyStore {
  /** The key's principal, a refusal for a key that is unknown, expired or revoked, or undefined when `token` is not shaped like an API key. */
  lookup(token: string, now: number): ApiKeyMatch | undefined;
  status(): ComponentStatus;
  close(): void;
}

export interface ApiKeyStoreOptions {
  keys: readonly ApiKeyConfig[];
  /** The keys file managed with `palisade keys`. */
  file?: string;
  pollMs?: number;
  logger?: Logger;
}

function entryOf(k: ApiKeyConfig | StoredApiKey, revoked: boolean): KeyEntry {
  const e: KeyEntry = { id: k.id, hash: Buffer.from(k.key_sha256, 'hex'), sub: k.sub, roles: Object.freeze([...k.roles]), revoked };
  if (k.tenant !== undefined && k.tenant !== null) e.tenant = k.tenant;
  if (k.app !== undefined && k.app !== null) e.app = k.app;
  if (k.expires_at !== undefined) e.expiresAt = Date.parse(k.expires_at);
  return e;
}

export function createApiKeyStore(options: ApiKeyStoreOptions): ApiKeyStore {
  const fromConfig = new Map<string, KeyEntry>();
  for (const k of options.keys) fromConfig.set(k.key_sha256, entryOf(k, false));
  let fromFile = new Map<string, KeyEntry>();
  let fileProblem: string | undefined;
  const { file, logger } = options;

  function load(): void {
    if (file === undefined) return;
    try {
      const parsed = readKeysFile(file);
      const next = new Map<string, KeyEntry>();
      const configIds = new Set(options.keys.map((k) => k.id));
      for (const k of parsed.keys) {
        // An id (or key) also in the config is the config's: the file cannot widen a configured key.
        if (configIds.has(k.id) || fromConfig.has(k.key_sha256)) {
          logger?.warn({ key_id: k.id }, 'API key in the keys file ignored: the config has the same key or id');
          continue;
        }
        next.set(k.key_sha256, entryOf(k, k.revoked_at !== undefined));
      }
      fromFile = next;
      fileProblem = undefined;
      logger?.info({ keys: next.size }, 'API keys file loaded');
    } catch (err) {
      // A file that cannot be read or parsed leaves the last good set in place; /readyz says why.
      fileProblem = `API keys file not loaded: ${(err as Error).message}`;
      logger?.error({ err }, 'API keys file not loaded; keeping the previous keys');
    }
  }

  load();
  const listener = (curr: Stats, prev: Stats): void => {
    if (curr.mtimeMs !== prev.mtimeMs || curr.ino !== prev.ino || curr.size !== prev.size) load();
  };
  if (file !== undefined) watchFile(file, { interval: options.pollMs ?? 1000, persistent: false }, listener);

  return {
    lookup(token, now) {
      const hash = sha256Hex(token);
      const entry = fromConfig.get(hash) ?? fromFile.get(hash);
      if (!entry) return looksLikeApiKey(token) ? { ok: false, error: identityError('GW_ERR_AUTH_INVALID', 'The API key is not known.') } : undefined;
      // The map lookup already matched on the hash; the constant-time compare guards a future store that compares prefixes.
      if (!timingSafeEqual(entry.hash, Buffer.from(hash, 'hex'))) return { ok: false, error: identityError('GW_ERR_AUTH_INVALID', 'The API key is not known.') };
      if (entry.revoked) return { ok: false, error: identityError('GW_ERR_AUTH_REVOKED') };
      if (entry.expiresAt !== undefined && !(now < entry.expiresAt)) return { ok: false, error: identityError('GW_ERR_AUTH_EXPIRED', 'The API key has expired.') };
      const principal: Principal = { sub: entry.sub, iss: API_KEY_ISSUER, roles: [...entry.roles], auth: 'api_key', credential_id: entry.id };
      if (entry.tenant !== undefined) principal.tenant = entry.tenant;
      if (entry.app !== undefined) principal.app = entry.app;
      return { ok: true, principal };
    },
    status() {
      return fileProblem === undefined ? { ready: true } : { ready: true, detail: fileProblem };
    },
    close() {
      if (file !== undefined) unwatchFile(file, listener);
    },
  };
}
