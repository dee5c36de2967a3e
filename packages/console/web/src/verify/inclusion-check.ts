// Checks one ledger entry end to end in the browser: the checkpoint's signature by a pinned key,
// the entry's leaf hash, its RFC 6962 inclusion proof to the checkpoint's root, and that the entry
// is the record the page shows. Nothing the server says is taken on trust.
import { fromBase64Strict, toHex } from './bytes.js';
import { parseCheckpoint, type Checkpoint } from './checkpoint.js';
import { leafHash, verifyInclusion } from './merkle.js';
import { hex8, keyId, type NoteVerifierKey } from './note-key.js';
import { openNote } from './signed-note.js';

export interface ProofData {
  log: string;
  index: number;
  entry: string;
  tree_size: number;
  proof: string[];
  checkpoint: string;
}

export interface Step {
  ok: boolean;
  text: string;
}

export type CheckpointCheck = { ok: true; checkpoint: Checkpoint; signer: string } | { ok: false; failure: string };

export interface InclusionResult {
  ok: boolean;
  /** The first failure in words, when not ok. */
  failure?: string;
  steps: Step[];
  checkpoint?: Checkpoint;
}

/** Opens a checkpoint note against the pinned keys and parses it. */
export async function checkCheckpoint(note: string, keys: readonly NoteVerifierKey[]): Promise<CheckpointCheck> {
  const opened = await openNote(note, keys);
  if (!opened.ok) {
    switch (opened.kind) {
      case 'malformed':
        return { ok: false, failure: `The checkpoint note is malformed: ${opened.detail}` };
      case 'bad_signature':
        return { ok: false, failure: `The checkpoint's signature by the pinned key ${opened.name}+${hex8(opened.keyHash)} does not verify: the checkpoint was altered or forged.` };
      case 'unverified':
        return {
          ok: false,
          failure: `The checkpoint is not signed by any pinned key${opened.signers.length ? ` (it is signed by ${opened.signers.join(', ')})` : ''}.`,
        };
    }
  }
  const checkpoint = parseCheckpoint(opened.text);
  if (typeof checkpoint === 'string') return { ok: false, failure: checkpoint };
  return { ok: true, checkpoint, signer: opened.signedBy.map(keyId).join(', ') };
}

/** Key order does not matter in JSON objects, so records are compared by value. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const ob = b as Record<string, unknown>;
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(ob, k) && sameJson((a as Record<string, unknown>)[k], ob[k]));
}

function fail(steps: Step[], failure: string, checkpoint?: Checkpoint): InclusionResult {
  steps.push({ ok: false, text: failure });
  return { ok: false, failure, steps, ...(checkpoint ? { checkpoint } : {}) };
}

/**
 * Verifies that `data.entry` is entry `data.index` of the signed checkpoint, and, when `shown` is
 * given, that the entry is that record.
 */
export async function checkInclusion(data: ProofData, keys: readonly NoteVerifierKey[], shown?: unknown): Promise<InclusionResult> {
  const steps: Step[] = [];
  const cp = await checkCheckpoint(data.checkpoint, keys);
  if (!cp.ok) return fail(steps, cp.failure);
  const { checkpoint } = cp;
  steps.push({ ok: true, text: `Checkpoint of ${checkpoint.origin} at size ${checkpoint.size} is signed by the pinned key ${cp.signer}.` });

  if (data.tree_size !== checkpoint.size) {
    return fail(steps, `The proof is for a tree of ${data.tree_size} entries but the checkpoint has ${checkpoint.size}.`, checkpoint);
  }
  const entry = fromBase64Strict(data.entry);
  if (!entry) return fail(steps, 'The entry sent by the server is not valid base64.', checkpoint);
  const hashes: Uint8Array[] = [];
  for (const h of data.proof) {
    const bytes = fromBase64Strict(h);
    if (!bytes || bytes.length !== 32) return fail(steps, 'A proof hash is not base64 of 32 bytes.', checkpoint);
    hashes.push(bytes);
  }
  const leaf = await leafHash(entry);
  steps.push({ ok: true, text: `Leaf hash SHA-256(0x00 ‖ entry) of entry ${data.index} (${entry.length} bytes): ${toHex(leaf).slice(0, 16)}…` });
  if (!(await verifyInclusion(data.index, data.tree_size, leaf, hashes, checkpoint.rootHash))) {
    return fail(
      steps,
      `Entry ${data.index} of log ${data.log} is not included in checkpoint ${checkpoint.size}: its leaf hash and the ${hashes.length} proof hashes do not lead to the checkpoint's root hash. The entry or the log was altered.`,
      checkpoint,
    );
  }
  steps.push({ ok: true, text: `Inclusion proof (${hashes.length} hashes) leads from entry ${data.index} to the checkpoint's root hash.` });

  if (shown !== undefined) {
    let record: unknown;
    try {
      record = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(entry));
    } catch {
      return fail(steps, 'The verified entry is not valid JSON.', checkpoint);
    }
    if (!sameJson(record, shown)) return fail(steps, 'The verified ledger entry differs from the record shown on this page.', checkpoint);
    steps.push({ ok: true, text: 'The verified entry is exactly the record shown on this page.' });
  }
  return { ok: true, steps, checkpoint };
}
