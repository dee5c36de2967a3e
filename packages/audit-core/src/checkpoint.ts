// C2SP tlog-checkpoint: the signed note body naming a log's origin, tree size and root hash.
import { fromBase64Strict, toBase64 } from './bytes.js';
import { AuditCoreError } from './errors.js';
import { HASH_SIZE } from './merkle-hash.js';
import type { NoteVerifier } from './note-keys.js';
import { type NoteSignature, openNote } from './signed-note.js';

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  /** Opaque extension lines after the root hash (not recommended by the spec, but allowed). */
  extensions: string[];
}

export interface CheckpointInput {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  extensions?: readonly string[];
}

function malformed(detail: string): never {
  throw new AuditCoreError('CORE_ERR_CHECKPOINT_MALFORMED', { detail });
}

function checkLine(what: string, line: string): void {
  if (line.length === 0 || line.includes('\n')) malformed(`The ${what} must be one non-empty line.`);
}

/** The checkpoint text (the note body, ending in "\n"), ready for signNote. */
export function formatCheckpoint(c: CheckpointInput): string {
  checkLine('origin', c.origin);
  if (!Number.isSafeInteger(c.size) || c.size < 0) malformed(`Tree size ${c.size} is not a non-negative integer.`);
  if (c.rootHash.length !== HASH_SIZE) malformed('The root hash must be 32 bytes.');
  const ext = c.extensions ?? [];
  ext.forEach((line) => checkLine('extension line', line));
  return [c.origin, String(c.size), toBase64(c.rootHash), ...ext].map((l) => `${l}\n`).join('');
}

/** Parses checkpoint text (the note body, without signatures). */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) malformed('The checkpoint must end with a newline.');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) malformed('The checkpoint needs origin, size and root hash lines.');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) malformed('The origin line is empty.');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) malformed('The size must be decimal without leading zeros.');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) malformed('The size is too large.');
  const rootHash = fromBase64Strict(rootText);
  if (!rootHash || rootHash.length !== HASH_SIZE) malformed('The root hash must be base64 of 32 bytes.');
  if (extensions.some((l) => l.length === 0)) malformed('Extension lines must not be empty.');
  return { origin, size, rootHash, extensions };
}

/** Opens a signed checkpoint note against known verifiers and parses its text. */
export function openCheckpoint(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): Checkpoint & { sigs: NoteSignature[] } {
  const opened = openNote(note, verifiers);
  return { ...parseCheckpoint(opened.text), sigs: opened.sigs };
}
