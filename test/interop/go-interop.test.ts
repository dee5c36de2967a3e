// Independent verification: a Go program using golang.org/x/mod/sumdb/tlog and sumdb/note checks
// ledgers our code wrote (checkpoints, tiles, entries, pruned bundles) and the inclusion proofs,
// consistency proofs and receipts our code produced. Any disagreement fails this test.
import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { canonicalBytes, generateNoteKey, parseSigner, toBase64, type AuditRecordV1 } from '@palisade/audit-core';
import { openTileLog, pruneLog, type TileLog } from '@palisade/ledger';
import { numberedRecord, scratchDir } from '../audit/fixtures.js';
import { buildVerifier, goMissing, runVerifier } from './go-verifier.js';

const signer = parseSigner(generateNoteKey('interop.palisade/ledger', Buffer.alloc(32, 11)).skey);

interface Fixture {
  vkey: string;
  logs: string[];
  checkpoints: string[];
  inclusion: { origin: string; index: number; size: number; proof: string[] }[];
  consistency: { origin: string; old_size: number; new_size: number; proof: string[] }[];
  receipts: string[];
}

function record(n: number): AuditRecordV1 {
  return numberedRecord(n, { decision_id: `3f2504e0-4f89-41d3-9a0c-${n.toString(16).padStart(12, '0')}` });
}

/** Appends to `size`, collecting the checkpoint signed at each step. */
async function growTo(log: TileLog, sizes: readonly number[], from: number): Promise<{ size: number; note: string }[]> {
  const seen: { size: number; note: string }[] = [];
  let n = log.size();
  for (const size of sizes) {
    await log.append(Array.from({ length: size - n }, (_, k) => canonicalBytes(record(from + n + k))));
    n = size;
    seen.push({ size, note: log.checkpoint() });
  }
  return seen;
}

describe('Go sumdb/tlog and sumdb/note verify our ledgers', { skip: goMissing }, () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let bin: string;
  let fixture: Fixture;
  let fixtureFile: string;

  before(async () => {
    scratch = await scratchDir();
    bin = await buildVerifier();
    fixture = { vkey: signer.vkey, logs: [], checkpoints: [], inclusion: [], consistency: [], receipts: [] };
    const specs = [
      { name: '0', sizes: [1, 2, 3, 7, 8, 9, 255, 256, 257, 999, 1000], from: 0 },
      // Three tile levels: 65,536 entries fill a level-1 tile.
      { name: '1', sizes: [30_000, 65_536, 66_000], from: 1_000_000 },
    ];
    for (const spec of specs) {
      const dir = join(scratch.dir, 'ledger', spec.name);
      const origin = `interop.palisade/ledger/${spec.name}`;
      const log = await openTileLog({ dir, origin, signer });
      const seen = await growTo(log, spec.sizes, spec.from);
      fixture.logs.push(dir);
      fixture.checkpoints.push(...seen.map((s) => s.note));
      for (const { size } of seen) {
        for (const index of new Set([0, size - 1, Math.floor(size / 2), Math.floor(size / 3)])) {
          fixture.inclusion.push({ origin, index, size, proof: (await log.proveInclusion(index, size)).map(toBase64) });
        }
      }
      for (const a of seen) {
        for (const b of seen) {
          if (a.size <= b.size) fixture.consistency.push({ origin, old_size: a.size, new_size: b.size, proof: (await log.proveConsistency(a.size, b.size)).map(toBase64) });
        }
      }
      const last = seen[seen.length - 1]!.size;
      for (const index of [0, 1, 255, 256, Math.floor(last / 2), last - 1]) fixture.receipts.push(await log.receipt(index));
      await log.close();
    }
    // Retention on log 0: Go must rebuild the pruned part of the tree from the level-0 tiles.
    const pruned = await pruneLog(join(scratch.dir, 'ledger', '0'), Date.parse('2027-01-01T00:00:00Z'));
    assert.equal(pruned.prunedBelow, 768);
    fixtureFile = join(scratch.dir, 'fixture.json');
    await writeFile(fixtureFile, JSON.stringify(fixture));
  });
  after(() => scratch?.cleanup());

  it('accepts every checkpoint, proof and receipt, and proves the same proofs byte for byte', async () => {
    const run = await runVerifier(bin, [fixtureFile]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), `OK 2 logs, 14 checkpoints, ${fixture.inclusion.length} inclusion proofs, ${fixture.consistency.length} consistency proofs, 12 receipts`);
    assert.ok(fixture.consistency.length > 60 && fixture.inclusion.length > 40);
  });

  it('fails on a changed entry, a changed proof and a forged receipt', async () => {
    const copy = join(scratch.dir, 'tampered');
    await cp(join(scratch.dir, 'ledger', '1'), copy, { recursive: true });
    const bundle = join(copy, 'tile/entries/100');
    const data = await readFile(bundle);
    data[100]! ^= 0x01;
    await writeFile(bundle, data);
    const badLog = join(scratch.dir, 'bad-log.json');
    await writeFile(badLog, JSON.stringify({ ...fixture, logs: [fixture.logs[0], copy] }));
    const run = await runVerifier(bin, [badLog]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /FAIL log .*tampered: the entries give root/);

    const badProof = structuredClone(fixture);
    const proof = badProof.inclusion[20]!.proof;
    proof[0] = proof[0]!.startsWith('A') ? `B${proof[0]!.slice(1)}` : `A${proof[0]!.slice(1)}`;
    badProof.receipts[3] = badProof.receipts[3]!.replace(/\nindex (\d+)\n/, (_, i: string) => `\nindex ${Number(i) + 1}\n`);
    const badFile = join(scratch.dir, 'bad-proof.json');
    await writeFile(badFile, JSON.stringify(badProof));
    const run2 = await runVerifier(bin, [badFile]);
    assert.equal(run2.code, 1);
    assert.match(run2.stderr, /FAIL inclusion 20 .*/);
    assert.match(run2.stderr, /FAIL receipt 3: /);
  });
});
