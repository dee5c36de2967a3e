// Checks an evidence package offline: every file against the manifest, every record against its inclusion proof and signed checkpoint, under the examiner's key.
import { createHash } from 'node:crypto';
import { fromBase64Strict, leafHash, openCheckpoint, parseVerifier, verifyInclusion, type NoteVerifier } from '@palisade/audit-core';
import { ConsoleError } from './errors.js';
import { EVIDENCE_FORMAT, type ProofLine } from './evidence-package.js';
import { unpackFiles } from './tar-files.js';

export interface EvidenceReport {
  ok: boolean;
  records: number;
  /** Where each problem is (file and line), in the examiner's words. */
  problems: string[];
  /** True when the key came from the package itself rather than from the examiner. */
  selfKeyed: boolean;
}

const MAX_UNPACKED = 512 * 1024 * 1024;

function lineProblem(p: ProofLine | undefined, n: number, what: string): string {
  return `records.jsonl line ${n}${p ? ` (decision ${p.decision_id}, ${p.phase}, log ${p.log} index ${p.index})` : ''}: ${what}`;
}

export async function verifyEvidence(archive: Uint8Array, options: { vkey?: string } = {}): Promise<EvidenceReport> {
  let files: Map<string, Buffer>;
  try {
    files = await unpackFiles(archive, MAX_UNPACKED);
  } catch (cause) {
    throw new ConsoleError('CON_ERR_EVIDENCE_INVALID', { cause, detail: 'It is not a gzip-compressed tar archive.' });
  }
  const problems: string[] = [];
  const manifestBytes = files.get('manifest.json');
  if (!manifestBytes) throw new ConsoleError('CON_ERR_EVIDENCE_INVALID', { detail: 'manifest.json is missing.' });
  let manifest: { format?: unknown; files?: Record<string, unknown> };
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8')) as typeof manifest;
  } catch (cause) {
    throw new ConsoleError('CON_ERR_EVIDENCE_INVALID', { cause, detail: 'manifest.json is not JSON.' });
  }
  if (manifest.format !== EVIDENCE_FORMAT) problems.push(`manifest.json: format is not ${EVIDENCE_FORMAT}`);
  for (const [name, digest] of Object.entries(manifest.files ?? {})) {
    const data = files.get(name);
    if (!data) problems.push(`${name}: missing`);
    else if (createHash('sha256').update(data).digest('hex') !== digest) problems.push(`${name}: does not match its SHA-256 in manifest.json`);
  }
  for (const name of files.keys()) if (name !== 'manifest.json' && !(name in (manifest.files ?? {}))) problems.push(`${name}: not listed in manifest.json`);

  const keyText = options.vkey ?? files.get('log.vkey')?.toString('utf8') ?? '';
  const verifiers: NoteVerifier[] = [];
  for (const line of keyText.split('\n').map((l) => l.trim()).filter(Boolean)) {
    try {
      verifiers.push(parseVerifier(line));
    } catch (cause) {
      throw new ConsoleError('CON_ERR_EVIDENCE_INVALID', { cause, detail: 'The verifier key is not valid.' });
    }
  }
  if (verifiers.length === 0) throw new ConsoleError('CON_ERR_EVIDENCE_INVALID', { detail: 'No verifier key: pass the key you trust.' });

  const roots = new Map<string, { size: number; root: Uint8Array } | null>();
  const checkpointOf = (path: string): { size: number; root: Uint8Array } | null => {
    if (!roots.has(path)) {
      const note = files.get(path);
      let value: { size: number; root: Uint8Array } | null = null;
      if (!note) problems.push(`${path}: missing`);
      else {
        try {
          const cp = openCheckpoint(note.toString('utf8'), verifiers);
          value = { size: cp.size, root: cp.rootHash };
        } catch {
          problems.push(`${path}: its signature does not verify with the verifier key`);
        }
      }
      roots.set(path, value);
    }
    return roots.get(path) ?? null;
  };

  const records = (files.get('records.jsonl') ?? Buffer.alloc(0)).toString('utf8').split('\n');
  if (records[records.length - 1] === '') records.pop();
  const proofs = new Map<number, ProofLine>();
  for (const [k, text] of (files.get('proofs.jsonl') ?? Buffer.alloc(0)).toString('utf8').split('\n').entries()) {
    if (text === '') continue;
    try {
      const p = JSON.parse(text) as ProofLine;
      proofs.set(p.line, p);
    } catch {
      problems.push(`proofs.jsonl line ${k + 1}: not JSON`);
    }
  }
  records.forEach((text, k) => {
    const n = k + 1;
    const p = proofs.get(n);
    if (!p) {
      problems.push(lineProblem(undefined, n, 'has no proof in proofs.jsonl'));
      return;
    }
    const cp = checkpointOf(p.checkpoint);
    if (!cp) return;
    if (p.tree_size !== cp.size) {
      problems.push(lineProblem(p, n, `its proof is for size ${p.tree_size}, the checkpoint is at ${cp.size}`));
      return;
    }
    const hashes = (Array.isArray(p.proof) ? p.proof : []).map((h) => (typeof h === 'string' ? fromBase64Strict(h) : null));
    if (!Array.isArray(p.proof) || hashes.some((h) => h === null)) {
      problems.push(lineProblem(p, n, 'its proof is not a list of base64 hashes'));
      return;
    }
    if (!verifyInclusion(p.index, p.tree_size, leafHash(Buffer.from(text, 'utf8')), hashes as Uint8Array[], cp.root)) {
      problems.push(lineProblem(p, n, 'is not the entry the signed checkpoint commits to (altered, or a wrong proof)'));
    }
  });
  return { ok: problems.length === 0, records: records.length, problems, selfKeyed: options.vkey === undefined };
}
