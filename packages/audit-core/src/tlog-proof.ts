// C2SP tlog-proof (c2sp.org/tlog-proof@v1): an offline receipt of one entry's inclusion, made of its index, audit path and a signed checkpoint.
import { fromBase64Strict, toBase64 } from './bytes.js';
import { type Checkpoint, openCheckpoint } from './checkpoint.js';
import { AuditCoreError } from './errors.js';
import { HASH_SIZE, leafHash } from './merkle-hash.js';
import { verifyInclusion } from './merkle-verify.js';
import type { NoteVerifier } from './note-keys.js';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

export interface TlogProof {
  /** Opaque application data; unauthenticated until the inclusion check succeeds over it. */
  extra?: Uint8Array;
  index: number;
  /** Audit path, leaf sibling first (RFC 6962 §2.1.1). */
  proof: Uint8Array[];
  /** The signed checkpoint note, verbatim. */
  checkpoint: string;
}

function malformed(detail: string): never {
  throw new AuditCoreError('CORE_ERR_PROOF_MALFORMED', { detail });
}

export function formatTlogProof(p: TlogProof): string {
  if (!Number.isSafeInteger(p.index) || p.index < 0) malformed(`Index ${p.index} is not a non-negative integer.`);
  if (p.proof.some((h) => h.length !== HASH_SIZE)) malformed('Every proof hash must be 32 bytes.');
  if (!p.checkpoint.endsWith('\n')) malformed('The checkpoint note must end with a newline.');
  const lines = [TLOG_PROOF_HEADER];
  if (p.extra !== undefined) lines.push(`extra ${toBase64(p.extra)}`);
  lines.push(`index ${p.index}`, ...p.proof.map(toBase64));
  return `${lines.join('\n')}\n\n${p.checkpoint}`;
}

export function parseTlogProof(text: string): TlogProof {
  const split = text.indexOf('\n\n');
  if (split < 0) malformed('No empty line before the checkpoint.');
  const head = text.slice(0, split).split('\n');
  const checkpoint = text.slice(split + 2);
  if (head[0] !== TLOG_PROOF_HEADER) malformed(`The first line must be ${TLOG_PROOF_HEADER}.`);
  let at = 1;
  let extra: Uint8Array | undefined;
  if (head[at]?.startsWith('extra ')) {
    const bytes = fromBase64Strict(head[at]!.slice('extra '.length));
    if (!bytes) malformed('The extra line is not standard base64.');
    extra = bytes;
    at++;
  }
  const indexMatch = /^index (0|[1-9][0-9]*)$/.exec(head[at] ?? '');
  if (!indexMatch) malformed('Expected "index <decimal>" without leading zeros.');
  const index = Number(indexMatch[1]);
  if (!Number.isSafeInteger(index)) malformed('The index is too large.');
  const proof = head.slice(at + 1).map((line, i) => {
    const h = fromBase64Strict(line);
    if (!h || h.length !== HASH_SIZE) malformed(`Proof line ${i + 1} is not base64 of a 32-byte hash.`);
    return h;
  });
  if (checkpoint.length === 0) malformed('The checkpoint is missing.');
  return { ...(extra ? { extra } : {}), index, proof, checkpoint };
}

export interface VerifiedTlogProof {
  index: number;
  checkpoint: Checkpoint;
  /** The entry whose inclusion was proven: the caller's bytes, or else the proof's extra data. */
  entry: Uint8Array;
}

/**
 * Checks a receipt offline: the checkpoint must be signed by one of `verifiers` (for `origin`, when
 * given) and the entry must be included at the stated index. The entry is `options.entry` when
 * the caller holds the record, otherwise the extra data the receipt carries. Throws
 * CORE_ERR_PROOF_MALFORMED, CORE_ERR_PROOF_INVALID or the note errors of openCheckpoint.
 */
export function verifyTlogProof(
  text: string,
  verifiers: readonly NoteVerifier[],
  options: { entry?: Uint8Array; origin?: string } = {},
): VerifiedTlogProof {
  const p = parseTlogProof(text);
  const entry = options.entry ?? p.extra;
  if (!entry) throw new AuditCoreError('CORE_ERR_PROOF_INVALID', { detail: 'The receipt carries no entry and none was given.' });
  const checkpoint = openCheckpoint(p.checkpoint, verifiers);
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    throw new AuditCoreError('CORE_ERR_PROOF_INVALID', { detail: `The checkpoint is for ${checkpoint.origin}, not ${options.origin}.` });
  }
  if (!verifyInclusion(p.index, checkpoint.size, leafHash(entry), p.proof, checkpoint.rootHash)) {
    throw new AuditCoreError('CORE_ERR_PROOF_INVALID', {
      detail: `The entry is not included at index ${p.index} of the tree of size ${checkpoint.size}.`,
      data: { index: p.index, size: checkpoint.size },
    });
  }
  return { index: p.index, checkpoint, entry };
}
