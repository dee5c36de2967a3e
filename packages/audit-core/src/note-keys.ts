// C2SP signed-note Ed25519 keys in Go sumdb/note's string formats: signer (skey) and verifier (vkey) keys.
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { fromBase64Strict, toBase64 } from './bytes.js';
import { AuditCoreError } from './errors.js';

/** Signature type byte for Ed25519 in signed-note key strings and key IDs. */
export const ALG_ED25519 = 0x01;

export interface NoteVerifier {
  readonly name: string;
  /** Key ID: first 4 bytes of SHA-256(name || "\n" || type || public key), big-endian. */
  readonly keyHash: number;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export interface NoteSigner {
  readonly name: string;
  readonly keyHash: number;
  /** The matching verifier key string, safe to publish. */
  readonly vkey: string;
  sign(message: Uint8Array): Uint8Array;
  verifier(): NoteVerifier;
}

// DER prefixes that wrap a raw 32-byte Ed25519 seed (PKCS#8) or public key (SPKI) for node:crypto.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function malformed(detail: string, cause?: unknown): never {
  throw new AuditCoreError('CORE_ERR_KEY_MALFORMED', { detail, cause });
}

/** Go's rule: non-empty, no Unicode space, no '+'; control characters are refused because notes cannot hold them. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !name.includes('+') && !/[\s\u0085\p{Cc}]/u.test(name) && !/\p{Surrogate}/u.test(name);
}

export function noteKeyHash(name: string, typedKey: Uint8Array): number {
  const digest = createHash('sha256').update(name, 'utf8').update(Buffer.from([0x0a])).update(typedKey).digest();
  return digest.readUInt32BE(0);
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

function rawPublicKey(key: KeyObject): Uint8Array {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') malformed('The Ed25519 key has no public part.');
  return Buffer.from(jwk.x, 'base64url');
}

function publicKeyFromRaw(pub: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, pub]), format: 'der', type: 'spki' });
}

function typed(pub: Uint8Array): Uint8Array {
  return Buffer.concat([Buffer.from([ALG_ED25519]), pub]);
}

function vkeyFor(name: string, pub: Uint8Array): string {
  const t = typed(pub);
  return `${name}+${hex8(noteKeyHash(name, t))}+${toBase64(t)}`;
}

/** Creates an Ed25519 note key; `seed` (32 bytes) makes it deterministic, otherwise it is random. */
export function generateNoteKey(name: string, seed: Uint8Array = randomBytes(32)): { skey: string; vkey: string } {
  if (!isValidKeyName(name)) malformed('A key name must be non-empty, without spaces or "+".');
  if (seed.length !== 32) malformed('An Ed25519 seed is 32 bytes.');
  const pub = rawPublicKey(privateKeyFromSeed(seed));
  const hash = noteKeyHash(name, typed(pub));
  const skey = `PRIVATE+KEY+${name}+${hex8(hash)}+${toBase64(Buffer.concat([Buffer.from([ALG_ED25519]), seed]))}`;
  return { skey, vkey: vkeyFor(name, pub) };
}

/** Splits "name+hex8+base64" at the first two '+' only: the base64 part may itself contain '+'. */
function splitKey(text: string): { name: string; hash: number; key: Uint8Array } {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) malformed('Expected name+hex8+base64.');
  const name = text.slice(0, first);
  const hashText = text.slice(first + 1, second);
  const key = fromBase64Strict(text.slice(second + 1));
  if (!isValidKeyName(name)) malformed('The key name is not valid.');
  if (!/^[0-9a-fA-F]{8}$/.test(hashText)) malformed('The key ID must be 8 hex digits.');
  if (!key || key.length !== 33 || key[0] !== ALG_ED25519) malformed('Only Ed25519 (type 0x01) keys of 32 bytes are supported.');
  return { name, hash: Number.parseInt(hashText, 16), key };
}

function makeVerifier(name: string, keyHash: number, pub: Uint8Array): NoteVerifier {
  const key = publicKeyFromRaw(pub);
  return {
    name,
    keyHash,
    verify: (message, signature) => {
      if (signature.length !== 64) return false;
      try {
        return verify(null, message, key, signature);
      } catch {
        return false;
      }
    },
  };
}

export function parseVerifier(vkey: string): NoteVerifier {
  const { name, hash, key } = splitKey(vkey.trim());
  if (noteKeyHash(name, key) !== hash) malformed('The key ID does not match the name and public key.');
  try {
    return makeVerifier(name, hash, key.subarray(1));
  } catch (cause) {
    return malformed('The public key is not a valid Ed25519 key.', cause);
  }
}

export function parseSigner(skey: string): NoteSigner {
  const text = skey.trim();
  if (!text.startsWith('PRIVATE+KEY+')) malformed('A signer key starts with PRIVATE+KEY+.');
  const { name, hash, key } = splitKey(text.slice('PRIVATE+KEY+'.length));
  let privateKey: KeyObject;
  let pub: Uint8Array;
  try {
    privateKey = privateKeyFromSeed(key.subarray(1));
    pub = rawPublicKey(privateKey);
  } catch (cause) {
    return malformed('The private key is not a valid Ed25519 seed.', cause);
  }
  if (noteKeyHash(name, typed(pub)) !== hash) malformed('The key ID does not match the name and key.');
  const verifier = makeVerifier(name, hash, pub);
  const vkey = vkeyFor(name, pub);
  return {
    name,
    keyHash: hash,
    vkey,
    sign: (message) => sign(null, message, privateKey),
    verifier: () => verifier,
  };
}
