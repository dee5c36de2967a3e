// C2SP signed-note: signing text with one or more keys and opening notes against known verifiers.
import { fromBase64Strict, toBase64 } from './bytes.js';
import { AuditCoreError } from './errors.js';
import { type NoteSigner, type NoteVerifier, isValidKeyName } from './note-keys.js';

export interface NoteSignature {
  name: string;
  keyHash: number;
  /** base64(keyID || signature), as on the signature line. */
  base64: string;
}

export interface OpenedNote {
  text: string;
  /** Signatures by known keys, all verified. */
  sigs: NoteSignature[];
  /** Signatures by keys the caller did not name; ignored as the spec requires (e.g. witnesses). */
  unverifiedSigs: NoteSignature[];
}

const SIG_PREFIX = '\u2014 ';
const MAX_SIGNATURES = 100;
// ASCII control characters other than newline are forbidden anywhere in a note.
const FORBIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f]|\p{Surrogate}/u;

function malformed(detail: string): never {
  throw new AuditCoreError('CORE_ERR_NOTE_MALFORMED', { detail });
}

function checkText(text: string): void {
  if (!text.endsWith('\n')) malformed('The note text must end with a newline.');
  if (FORBIDDEN.test(text)) malformed('The note text holds control characters or invalid Unicode.');
}

/** Signs `text` (which must end in "\n") and returns the note: text, a blank line, one signature line per signer. */
export function signNote(text: string, signers: NoteSigner | readonly NoteSigner[]): string {
  checkText(text);
  const list: readonly NoteSigner[] = Array.isArray(signers) ? signers : [signers as NoteSigner];
  if (list.length === 0) malformed('At least one signer is needed.');
  const message = Buffer.from(text, 'utf8');
  let lines = '';
  for (const s of list) {
    if (!isValidKeyName(s.name)) malformed('A signer has an invalid key name.');
    const id = Buffer.allocUnsafe(4);
    id.writeUInt32BE(s.keyHash >>> 0, 0);
    lines += `${SIG_PREFIX}${s.name} ${toBase64(Buffer.concat([id, s.sign(message)]))}\n`;
  }
  return `${text}\n${lines}`;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return malformed('The note is not valid UTF-8.');
  }
}

function parseSignatureLine(line: string): { sig: NoteSignature; signature: Uint8Array } {
  if (!line.startsWith(SIG_PREFIX)) malformed('A signature line must start with an em dash and a space.');
  const rest = line.slice(SIG_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) malformed('A signature line must hold a key name and a signature.');
  const name = rest.slice(0, space);
  const base64 = rest.slice(space + 1);
  if (!isValidKeyName(name)) malformed('A signature line has an invalid key name.');
  const raw = fromBase64Strict(base64);
  if (!raw || raw.length < 5) malformed('A signature line has an invalid signature.');
  const keyHash = Buffer.from(raw.buffer, raw.byteOffset, raw.length).readUInt32BE(0);
  return { sig: { name, keyHash, base64 }, signature: raw.subarray(4) };
}

/**
 * Opens a signed note: every signature by a known (name, key ID) must verify, unknown ones are
 * ignored, and at least one known key must have signed. Throws CORE_ERR_NOTE_MALFORMED,
 * CORE_ERR_NOTE_BAD_SIGNATURE or CORE_ERR_NOTE_UNVERIFIED.
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const msg = typeof note === 'string' ? note : decodeUtf8(note);
  if (FORBIDDEN.test(msg)) malformed('The note holds control characters or invalid Unicode.');
  // The text may itself hold blank lines, so it ends at the last one.
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) malformed('The note has no blank line before its signatures.');
  const text = msg.slice(0, split + 1);
  const block = msg.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) malformed('The signature block must be non-empty and end with a newline.');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) malformed(`The note has more than ${MAX_SIGNATURES} signatures.`);

  const message = Buffer.from(text, 'utf8');
  const sigs: NoteSignature[] = [];
  const unverifiedSigs: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    const { sig, signature } = parseSignatureLine(line);
    const verifier = verifiers.find((v) => v.name === sig.name && v.keyHash >>> 0 === sig.keyHash);
    if (!verifier) {
      unverifiedSigs.push(sig);
      continue;
    }
    if (!verifier.verify(message, signature)) {
      throw new AuditCoreError('CORE_ERR_NOTE_BAD_SIGNATURE', {
        detail: `Key ${sig.name} (${sig.keyHash.toString(16).padStart(8, '0')}).`,
        data: { name: sig.name, keyHash: sig.keyHash },
      });
    }
    const id = `${sig.name}\n${sig.keyHash}`;
    if (!seen.has(id)) {
      seen.add(id);
      sigs.push(sig);
    }
  }
  if (sigs.length === 0) {
    throw new AuditCoreError('CORE_ERR_NOTE_UNVERIFIED', {
      detail: unverifiedSigs.length ? `Signed by: ${unverifiedSigs.map((s) => s.name).join(', ')}.` : undefined,
    });
  }
  return { text, sigs, unverifiedSigs };
}
