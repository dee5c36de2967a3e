// Proves a log only grew between the checkpoint this browser saw last time and the one it sees now
// (RFC 6962 consistency proofs), so a rewritten history shows up even when each checkpoint is signed.
import { bytesEqual, fromBase64Strict, toBase64 } from './bytes.js';
import type { Checkpoint } from './checkpoint.js';
import { checkCheckpoint } from './inclusion-check.js';
import { verifyConsistency } from './merkle.js';
import type { NoteVerifierKey } from './note-key.js';

export interface SeenCheckpoint {
  origin: string;
  size: number;
  /** base64 root hash */
  root: string;
  seen_at: string;
}

export interface ConsistencyData {
  old_size: number;
  new_size: number;
  proof: string[];
  checkpoint: string;
}

export type AppendOnlyResult =
  | { status: 'first'; newest: SeenCheckpoint }
  | { status: 'ok'; since: SeenCheckpoint; newest: SeenCheckpoint }
  | { status: 'failed'; since: SeenCheckpoint; failure: string };

export function seen(checkpoint: Checkpoint, at: Date): SeenCheckpoint {
  return { origin: checkpoint.origin, size: checkpoint.size, root: toBase64(checkpoint.rootHash), seen_at: at.toISOString() };
}

type Proven = { ok: true; checkpoint: Checkpoint } | { ok: false; failure: string };

/** Fetches and checks a consistency proof from `older` to the log's current signed checkpoint. */
async function proveFrom(
  older: { size: number; root: Uint8Array },
  fetchConsistency: (fromSize: number) => Promise<ConsistencyData>,
  keys: readonly NoteVerifierKey[],
): Promise<Proven> {
  const data = await fetchConsistency(older.size);
  const cp = await checkCheckpoint(data.checkpoint, keys);
  if (!cp.ok) return { ok: false, failure: cp.failure };
  const hashes = data.proof.map((h) => fromBase64Strict(h));
  if (data.old_size !== older.size || data.new_size !== cp.checkpoint.size || hashes.some((h) => !h || h.length !== 32)) {
    return { ok: false, failure: 'The consistency proof sent by the server does not match the checkpoints it names.' };
  }
  const ok = await verifyConsistency(older.size, cp.checkpoint.size, older.root, cp.checkpoint.rootHash, hashes as Uint8Array[]);
  if (!ok) return { ok: false, failure: `The log of size ${cp.checkpoint.size} does not extend the log of size ${older.size} seen before: its history was rewritten.` };
  return { ok: true, checkpoint: cp.checkpoint };
}

/** Compares the last checkpoint seen (if any) with the current verified one. */
export async function checkAppendOnly(
  last: SeenCheckpoint | undefined,
  current: Checkpoint,
  fetchConsistency: (fromSize: number) => Promise<ConsistencyData>,
  keys: readonly NoteVerifierKey[],
  now: Date,
): Promise<AppendOnlyResult> {
  if (!last || last.origin !== current.origin) return { status: 'first', newest: seen(current, now) };
  const lastRoot = fromBase64Strict(last.root);
  if (!lastRoot) return { status: 'first', newest: seen(current, now) };
  if (last.size === current.size) {
    if (bytesEqual(lastRoot, current.rootHash)) return { status: 'ok', since: last, newest: last };
    return { status: 'failed', since: last, failure: `Two different signed checkpoints of size ${last.size} exist: the log forked.` };
  }
  // Prove from the smaller tree to the log's newest checkpoint; a shrunk log must still contain what was seen.
  const older = last.size < current.size ? { size: last.size, root: lastRoot } : { size: current.size, root: current.rootHash };
  const proven = await proveFrom(older, fetchConsistency, keys);
  if (!proven.ok) return { status: 'failed', since: last, failure: proven.failure };
  const newest = proven.checkpoint;
  const larger = last.size < current.size ? current : { size: last.size, rootHash: lastRoot };
  if (newest.size < larger.size) {
    return { status: 'failed', since: last, failure: `The log now has ${newest.size} entries, fewer than the ${larger.size} seen before.` };
  }
  if (newest.size === larger.size && !bytesEqual(newest.rootHash, larger.rootHash)) {
    return { status: 'failed', since: last, failure: `Two different signed checkpoints of size ${larger.size} exist: the log forked.` };
  }
  if (newest.size > larger.size) {
    // The log grew meanwhile: the larger of the two must be a prefix of the newest as well.
    const again = await proveFrom({ size: larger.size, root: larger.rootHash }, fetchConsistency, keys);
    if (!again.ok) return { status: 'failed', since: last, failure: again.failure };
  }
  return { status: 'ok', since: last, newest: seen(newest, now) };
}
