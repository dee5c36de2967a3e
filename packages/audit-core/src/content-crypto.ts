// Per-subject content protection: salted commitments (HMAC-SHA256) and AES-256-GCM sealing, both derived from one subject secret so destroying it erases both.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { fromBase64Strict, toBase64 } from './bytes.js';
import { AuditCoreError } from './errors.js';

export const SUBJECT_SECRET_SIZE = 32;
const IV_SIZE = 12;
const TAG_SIZE = 16;

export interface SubjectKeys {
  /** Keys the HMAC commitments stored in ledger entries. */
  commitKey: Uint8Array;
  /** Encrypts the content kept outside the ledger. */
  contentKey: Uint8Array;
}

/** Two independent keys from one secret (HKDF-SHA256 with distinct labels), so one deletion destroys both. */
export function deriveSubjectKeys(secret: Uint8Array): SubjectKeys {
  if (secret.length !== SUBJECT_SECRET_SIZE) {
    throw new AuditCoreError('CORE_ERR_INVALID_ARGUMENT', { detail: `A subject secret is ${SUBJECT_SECRET_SIZE} bytes.` });
  }
  const derive = (label: string): Uint8Array => new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(0), label, 32));
  return { commitKey: derive('palisade content commitment v1'), contentKey: derive('palisade content encryption v1') };
}

/** Hex HMAC-SHA256 of the content: testable against a guess only by whoever holds the subject's key. */
export function commitContent(commitKey: Uint8Array, content: string | Uint8Array): string {
  return createHmac('sha256', commitKey).update(content).digest('hex');
}

/** A sealed value: AES-256-GCM with a random 96-bit IV; `aad` binds it to its place (record, part). */
export interface Sealed {
  iv: string;
  tag: string;
  ciphertext: string;
}

export function seal(key: Uint8Array, aad: string, plaintext: string | Uint8Array): Sealed {
  const iv = randomBytes(IV_SIZE);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv: toBase64(iv), tag: toBase64(cipher.getAuthTag()), ciphertext: toBase64(ciphertext) };
}

/** Opens a sealed value; throws CORE_ERR_SEAL_OPEN when the key, the AAD or the bytes are wrong. */
export function unseal(key: Uint8Array, aad: string, sealed: Sealed): Uint8Array {
  const iv = fromBase64Strict(sealed.iv);
  const tag = fromBase64Strict(sealed.tag);
  const ciphertext = fromBase64Strict(sealed.ciphertext);
  if (!iv || iv.length !== IV_SIZE || !tag || tag.length !== TAG_SIZE || !ciphertext) {
    throw new AuditCoreError('CORE_ERR_SEAL_OPEN', { detail: 'The sealed value is malformed.' });
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (cause) {
    throw new AuditCoreError('CORE_ERR_SEAL_OPEN', { cause, detail: 'Authentication failed.' });
  }
}
