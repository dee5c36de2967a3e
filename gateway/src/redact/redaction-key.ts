// The HMAC key of the `hash` operator: the one the configuration loader read from
// `redaction.hash_key_file`, so hashed values stay comparable across gateways and restarts, or
// drawn at random per process when none is configured.
import { randomBytes } from 'node:crypto';

/** Shorter keys in `redaction.hash_key_file` are refused at start. */
export const HASH_KEY_MIN_BYTES = 16;

export function loadRedactionKey(configured: Uint8Array | undefined): { key: Uint8Array; ephemeral: boolean } {
  if (configured === undefined) return { key: randomBytes(32), ephemeral: true };
  return { key: configured, ephemeral: false };
}
