// C2SP signed-note opening in the browser: the same byte rules as the ledger's signer, checked with WebCrypto.
import { fromBase64Strict, utf8 } from './bytes.js';
import { hex8, isValidKeyName, verifyEd25519, type NoteVerifierKey } from './note-key.js';

export type NoteFailure =
  | { kind: 'malformed'; detail: string }
  | { kind: 'bad_signature'; name: string; keyHash: number }
  | { kind: 'unverified'; signers: string[] };

export type OpenedNote = { ok: true; text: string; signedBy: NoteVerifierKey[] } | ({ ok: false } & NoteFailure);

const SIG_PREFIX = '\u2014 ';
const MAX_SIGNATURES = 100;
// ASCII control characters other than newline are forbidden anywhere in a note.
const FORBIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f]|\p{Surrogate}/u;

function malformed(detail: string): OpenedNote {
  return { ok: false, kind: 'malformed', detail };
}

/**
 * Opens a signed note: each signature by a pinned key (same name and key ID) must verify, others are
 * ignored as the spec requires (e.g. witnesses), and at least one pinned key must have signed.
 */
export async function openNote(note: string, keys: readonly NoteVerifierKey[]): Promise<OpenedNote> {
  if (FORBIDDEN.test(note)) return malformed('The note holds control characters or invalid Unicode.');
  // The text may itself hold blank lines, so it ends at the last one.
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return malformed('The note has no blank line before its signatures.');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) return malformed('The signature block is empty or does not end with a newline.');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) return malformed(`The note has more than ${MAX_SIGNATURES} signatures.`);

  const message = utf8(text);
  const signedBy: NoteVerifierKey[] = [];
  const others: string[] = [];
  for (const line of lines) {
    if (!line.startsWith(SIG_PREFIX)) return malformed('A signature line does not start with an em dash and a space.');
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    if (space < 0) return malformed('A signature line lacks a key name or a signature.');
    const name = rest.slice(0, space);
    const raw = fromBase64Strict(rest.slice(space + 1));
    if (!isValidKeyName(name)) return malformed('A signature line has an invalid key name.');
    if (!raw || raw.length < 5) return malformed('A signature line has an invalid signature.');
    const keyHash = new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0);
    const key = keys.find((k) => k.name === name && k.keyHash >>> 0 === keyHash);
    if (!key) {
      others.push(`${name}+${hex8(keyHash)}`);
      continue;
    }
    if (!(await verifyEd25519(key, message, new Uint8Array(raw.subarray(4))))) return { ok: false, kind: 'bad_signature', name, keyHash };
    if (!signedBy.includes(key)) signedBy.push(key);
  }
  if (signedBy.length === 0) return { ok: false, kind: 'unverified', signers: others };
  return { ok: true, text, signedBy };
}
