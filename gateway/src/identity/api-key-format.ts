// The shape of gateway API keys: `pal_<id>_<secret>`, recognisable by its prefix (for people and
// secret scanners) and naming its non-secret id; only the SHA-256 of the whole key is stored.
import { createHash, randomBytes, randomInt } from 'node:crypto';

export const API_KEY_PREFIX = 'pal_';

/** Prefixes of strings that are API keys (ours, and the `sk-` style of the demo keys and providers). */
const KEY_PREFIXES = [API_KEY_PREFIX, 'sk-'];

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 12;
const KEY_RE = /^pal_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** True for strings shaped like an API key; these are never sent to an issuer for introspection. */
export function looksLikeApiKey(token: string): boolean {
  return KEY_PREFIXES.some((p) => token.startsWith(p));
}

/** The key id named inside a generated key, or undefined for keys of another shape. */
export function apiKeyId(key: string): string | undefined {
  return KEY_RE.exec(key)?.[1];
}

export function newKeyId(): string {
  let id = '';
  for (let i = 0; i < ID_LENGTH; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/**
 * A new key and the hash to store. The secret is 256 random bits, so a plain SHA-256 is enough:
 * a slow password hash protects guessable secrets, and these cannot be guessed.
 */
export function generateApiKey(id = newKeyId()): { id: string; key: string; key_sha256: string } {
  const key = `${API_KEY_PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
  return { id, key, key_sha256: sha256Hex(key) };
}
