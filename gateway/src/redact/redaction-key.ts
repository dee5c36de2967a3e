// The HMAC key of the `hash` operator: read from a file so hashed values stay comparable across
// gateways and restarts, or drawn at random per process when none is configured.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GatewayError } from '../errors.js';

const MIN_KEY_BYTES = 16;

export function loadRedactionKey(file: string | undefined): { key: Uint8Array; ephemeral: boolean } {
  if (file === undefined) return { key: randomBytes(32), ephemeral: true };
  let key: Buffer;
  try {
    key = readFileSync(file);
  } catch (cause) {
    throw new GatewayError('GW_ERR_CONFIG_INVALID', { cause, detail: `/redaction/hash_key_file: cannot read ${file}.` });
  }
  // A trailing newline from `echo` or an editor is not part of the key.
  const trimmed = Buffer.from(key.toString('latin1').replace(/\r?\n$/, ''), 'latin1');
  if (trimmed.length < MIN_KEY_BYTES) throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `/redaction/hash_key_file: the key must have at least ${MIN_KEY_BYTES} bytes.` });
  return { key: trimmed, ephemeral: false };
}
