// An evidence package an examiner can check offline: the exact ledger entries, their inclusion proofs, the signed checkpoints, the verifier key, the bundles that decided, and the EU AI Act Article 12 facts.
import { createHash } from 'node:crypto';
import { toBase64, type AuditRecordV1 } from '@palisade/audit-core';
import type { LedgerLog } from '@palisade/ledger';
import { ConsoleError } from './errors.js';
import type { LedgerFolder } from './ledger-folder.js';
import type { DecisionLocation } from './record-index.js';
import { packFiles } from './tar-files.js';

export const EVIDENCE_FORMAT = 'palisade-evidence/1';
export const MAX_EXPORT = 10_000;

/** One line of proofs.jsonl: where line `line` of records.jsonl sits in which log, and the path to that log's checkpoint. */
export interface ProofLine {
  line: number;
  decision_id: string;
  phase: string;
  log: string;
  index: number;
  tree_size: number;
  proof: string[];
  checkpoint: string;
}

export interface EvidenceRequest {
  locations: readonly DecisionLocation[];
  exportedBy: { sub: string; iss: string };
  nowMs: number;
  query: Record<string, unknown>;
  vkey: (log: LedgerLog) => Promise<string>;
}

const README = `# Palisade evidence package

This archive holds audit records exported from a Palisade audit ledger, with what is needed to
check, offline and without trusting the party that exported them, that each record is exactly the
one the ledger committed to.

| file | what |
|---|---|
| \`records.jsonl\` | the exact bytes of each ledger entry (RFC 8785 canonical JSON of an AuditRecordV1), one per line |
| \`proofs.jsonl\` | for line N of records.jsonl: its log, index, tree size and RFC 9162 inclusion proof (base64 hashes) |
| \`checkpoints/<log>.checkpoint\` | the signed checkpoint (C2SP tlog-checkpoint, a signed note) each proof is against |
| \`log.vkey\` | the verifier key the exporter's console used; compare it with the key you were given out of band |
| \`bundles.json\` | the policy bundle revisions and digests that made the decisions |
| \`article12.json\` | EU AI Act Article 12 record-keeping facts: period of use, reference data, input, natural persons |
| \`manifest.json\` | who exported what and when, and the SHA-256 of every other file |

To check it: \`palisade-audit verify-evidence FILE --vkey KEY\`. By hand: for each line, the leaf hash
is SHA-256(0x00 || line bytes without the newline); fold it with the proof as RFC 9162 section
2.1.3.2 says; the result must equal the root hash in the checkpoint, whose signature must verify
with the key you trust. Prompt and answer text is never in the ledger, so it is not in this archive.
`;

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function buildEvidence(folder: LedgerFolder, request: EvidenceRequest): Promise<{ archive: Buffer; records: number }> {
  if (request.locations.length > MAX_EXPORT) throw new ConsoleError('CON_ERR_BAD_REQUEST', { detail: `An export holds at most ${MAX_EXPORT} decisions; narrow the query.` });
  const logs = new Map<string, LedgerLog>();
  const logOf = async (name: string): Promise<LedgerLog> => {
    let log = logs.get(name);
    if (!log) {
      log = await folder.open(name);
      if (!log) throw new ConsoleError('CON_ERR_LEDGER', { detail: `Log ${name} is gone.` });
      logs.set(name, log);
    }
    return log;
  };
  const lines: Buffer[] = [];
  const proofs: ProofLine[] = [];
  const bundles = new Map<string, { bundle: string; revision: string; digest: string; decisions: number }>();
  const persons = new Map<string, { sub: string; iss: string; role: string }>();
  const dataClasses = new Map<string, number>();
  let first = Infinity;
  let last = -Infinity;
  for (const where of request.locations) {
    const entries: [string, number][] = [];
    if (where.log !== null && where.index !== null) entries.push([where.log, where.index]);
    if (where.outLog !== null && where.outIndex !== null) entries.push([where.outLog, where.outIndex]);
    for (const [name, index] of entries) {
      const log = await logOf(name);
      const size = log.published().size;
      if (index >= size) continue; // Not yet under a checkpoint: it cannot be proven yet.
      const entry = await log.readEntry(index);
      const record = JSON.parse(Buffer.from(entry).toString('utf8')) as AuditRecordV1;
      lines.push(Buffer.from(entry));
      proofs.push({ line: lines.length, decision_id: record.decision_id, phase: record.phase, log: name, index, tree_size: size, proof: (await log.proveInclusion(index, size)).map(toBase64), checkpoint: `checkpoints/${name}.checkpoint` });
      const t = Date.parse(record.timestamp);
      first = Math.min(first, t);
      last = Math.max(last, t);
      if (record.policy) {
        const key = `${record.policy.bundle}\n${record.policy.revision}\n${record.policy.digest}`;
        const b = bundles.get(key) ?? { bundle: record.policy.bundle, revision: record.policy.revision, digest: record.policy.digest, decisions: 0 };
        if (record.phase === 'decision') b.decisions++;
        bundles.set(key, b);
      }
      persons.set(`${record.principal.iss}\n${record.principal.sub}`, { sub: record.principal.sub, iss: record.principal.iss, role: 'requester' });
      if (record.phase === 'decision') for (const [type, e] of Object.entries(record.classification?.entities ?? {})) dataClasses.set(type, (dataClasses.get(type) ?? 0) + e.count);
    }
  }
  const files = new Map<string, Uint8Array>();
  files.set('README.md', Buffer.from(README));
  files.set('records.jsonl', Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
  files.set('proofs.jsonl', Buffer.from(proofs.map((p) => `${JSON.stringify(p)}\n`).join('')));
  const vkeys = new Set<string>();
  for (const [name, log] of logs) {
    files.set(`checkpoints/${name}.checkpoint`, Buffer.from(log.published().note));
    vkeys.add((await request.vkey(log)).trim());
  }
  files.set('log.vkey', Buffer.from([...vkeys].map((k) => `${k}\n`).join('')));
  files.set('bundles.json', Buffer.from(`${JSON.stringify([...bundles.values()], null, 2)}\n`));
  const period = lines.length ? { from: new Date(first).toISOString(), to: new Date(last).toISOString() } : null;
  const article12 = {
    period_of_use: period,
    reference_data: { policy_bundles: [...bundles.values()].map(({ bundle, revision, digest }) => ({ bundle, revision, digest })) },
    input: { description: 'Prompts were classified before any decision; the ledger holds the classification and keyed commitments, never the text.', data_classes: Object.fromEntries(dataClasses) },
    natural_persons: { requesters: [...persons.values()].map(({ sub, iss }) => ({ sub, iss })), verified_by: { ...request.exportedBy, role: 'auditor (exported this package)' } },
  };
  files.set('article12.json', Buffer.from(`${JSON.stringify(article12, null, 2)}\n`));
  const manifest = {
    format: EVIDENCE_FORMAT,
    exported_at: new Date(request.nowMs).toISOString(),
    exported_by: request.exportedBy,
    query: request.query,
    records: lines.length,
    files: Object.fromEntries([...files].map(([name, data]) => [name, sha256(data)])),
  };
  files.set('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  return { archive: await packFiles(files, new Date(request.nowMs)), records: lines.length };
}
