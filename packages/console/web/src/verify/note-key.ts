// C2SP signed-note Ed25519 verifier keys ("name+hex8+base64"), checked and imported with WebCrypto.
import { concatBytes, fromBase64Strict, sha256, utf8 } from './bytes.js';

const ALG_ED25519 = 0x01;

export interface NoteVerifierKey {
  /** The key text as given, trimmed. */
  vkey: string;
  name: string;
  /** First 4 bytes of SHA-256(name || 0x0A || 0x01 || public key), big-endian. */
  keyHash: number;
  publicKey: Uint8Array<ArrayBuffer>;
}

export class KeyTextError extends Error {}

/** Go's rule for key names: non-empty, no Unicode space, no '+'; control characters cannot appear in notes. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !name.includes('+') && !/[\s\u0085\p{Cc}]/u.test(name) && !/\p{Surrogate}/u.test(name);
}

export async function noteKeyHash(name: string, typedKey: Uint8Array): Promise<number> {
  const digest = await sha256(concatBytes(utf8(name), new Uint8Array([0x0a]), typedKey));
  return new DataView(digest.buffer).getUint32(0);
}

export function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** Parses and checks a verifier key; throws KeyTextError with a sentence a person can act on. */
export async function parseVerifierKey(text: string): Promise<NoteVerifierKey> {
  const vkey = text.trim();
  // The base64 part may itself contain '+', so the text splits at the first two only.
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) throw new KeyTextError('A verifier key looks like name+1234abcd+base64 (three parts joined by "+").');
  const name = vkey.slice(0, first);
  const hashText = vkey.slice(first + 1, second);
  if (!isValidKeyName(name)) throw new KeyTextError('The key name is empty or holds spaces.');
  if (!/^[0-9a-fA-F]{8}$/.test(hashText)) throw new KeyTextError('The key ID (second part) must be 8 hexadecimal digits.');
  const typed = fromBase64Strict(vkey.slice(second + 1));
  if (!typed || typed.length !== 33 || typed[0] !== ALG_ED25519) throw new KeyTextError('Only Ed25519 keys (type 0x01, 32 bytes) are supported.');
  const keyHash = Number.parseInt(hashText, 16);
  if ((await noteKeyHash(name, typed)) !== keyHash) throw new KeyTextError('The key ID does not match the name and public key: the key text was altered or mistyped.');
  return { vkey, name, keyHash, publicKey: new Uint8Array(typed.subarray(1)) };
}

export function keyId(key: Pick<NoteVerifierKey, 'name' | 'keyHash'>): string {
  return `${key.name}+${hex8(key.keyHash)}`;
}

export async function verifyEd25519(key: NoteVerifierKey, message: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer>): Promise<boolean> {
  if (signature.length !== 64) return false;
  try {
    const cryptoKey = await crypto.subtle.importKey('raw', key.publicKey, { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'Ed25519' }, cryptoKey, signature, message);
  } catch {
    return false;
  }
}
