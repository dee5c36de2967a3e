// The console's in-browser verifier (WebCrypto, no Node APIs) agrees with the ledger's own code:
// proofs and checkpoints made by @palisade/audit-core verify, and any altered byte is refused with
// a reason a person can read. Runs under Node's WebCrypto, which implements the same API.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MerkleTree, formatCheckpoint, generateNoteKey, parseSigner, signNote, toBase64, verifyConsistency as coreConsistency } from '@palisade/audit-core';
import { parseVerifierKey, KeyTextError } from '../../packages/console/web/src/verify/note-key.js';
import { openNote } from '../../packages/console/web/src/verify/signed-note.js';
import { verifyConsistency, verifyInclusion, leafHash } from '../../packages/console/web/src/verify/merkle.js';
import { checkInclusion, type ProofData } from '../../packages/console/web/src/verify/inclusion-check.js';
import { checkAppendOnly, seen, type ConsistencyData } from '../../packages/console/web/src/verify/append-only.js';
import { parseCheckpoint } from '../../packages/console/web/src/verify/checkpoint.js';

const ORIGIN = 'test.palisade/console';
const key = generateNoteKey(ORIGIN, new Uint8Array(32).fill(7));
const signer = parseSigner(key.skey);
const otherKey = generateNoteKey(ORIGIN, new Uint8Array(32).fill(9));

function record(i: number): Record<string, unknown> {
  return { decision_id: `d-${i}`, phase: 'decision', principal: { sub: `user${i % 3}@example.com` }, n: i };
}

/** A ledger-like log in memory: entries, a tree, and signed checkpoints at any size. */
function buildLog(count: number): { entries: Uint8Array[]; tree: MerkleTree; checkpoint(size?: number): string } {
  const tree = new MerkleTree();
  const entries: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = new TextEncoder().encode(JSON.stringify(record(i)));
    entries.push(bytes);
    tree.appendEntry(bytes);
  }
  return {
    entries,
    tree,
    checkpoint: (size = tree.size) => signNote(formatCheckpoint({ origin: ORIGIN, size, rootHash: tree.root(size) }), signer),
  };
}

function proofFor(log: ReturnType<typeof buildLog>, index: number, size = log.tree.size): ProofData {
  return {
    log: 'default',
    index,
    entry: toBase64(log.entries[index]!),
    tree_size: size,
    proof: log.tree.proveInclusion(index, size).map(toBase64),
    checkpoint: log.checkpoint(size),
  };
}

describe('verifier keys in the browser', () => {
  it('reads the key the ledger publishes, with the same key hash', async () => {
    const parsed = await parseVerifierKey(`${key.vkey}\n`);
    assert.deepEqual([parsed.name, parsed.keyHash], [signer.name, signer.keyHash]);
  });

  it('refuses a key whose key hash does not match its name and public key', async () => {
    const altered = key.vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+');
    await assert.rejects(parseVerifierKey(altered), (e: unknown) => e instanceof KeyTextError && /does not match/.test(e.message));
  });

  it('refuses text that is not a key', async () => {
    await assert.rejects(parseVerifierKey('hello'), KeyTextError);
  });
});

describe('signed notes in the browser', () => {
  it('opens a checkpoint the ledger signed', async () => {
    const note = buildLog(3).checkpoint();
    const opened = await openNote(note, [await parseVerifierKey(key.vkey)]);
    assert.equal(opened.ok, true);
  });

  it('refuses a checkpoint whose text was changed after signing', async () => {
    const note = buildLog(3).checkpoint().replace('\n3\n', '\n4\n');
    const opened = await openNote(note, [await parseVerifierKey(key.vkey)]);
    assert.equal(opened.ok ? 'ok' : opened.kind, 'bad_signature');
  });

  it('says who signed a checkpoint when no pinned key did', async () => {
    const note = buildLog(3).checkpoint();
    const opened = await openNote(note, [await parseVerifierKey(otherKey.vkey)]);
    assert.deepEqual(opened.ok ? [] : opened, { ok: false, kind: 'unverified', signers: [`${ORIGIN}+${signer.keyHash.toString(16).padStart(8, '0')}`] });
  });
});

describe('Merkle proofs in the browser', () => {
  const log = buildLog(23);

  it('verifies every inclusion proof of every tree size up to 23', async () => {
    let checked = 0;
    for (let size = 1; size <= 23; size++) {
      for (let i = 0; i < size; i++) {
        const ok = await verifyInclusion(i, size, await leafHash(log.entries[i]!), log.tree.proveInclusion(i, size), log.tree.root(size));
        assert.equal(ok, true, `leaf ${i} of ${size}`);
        checked++;
      }
    }
    assert.equal(checked, 276);
  });

  it('refuses an inclusion proof for another leaf', async () => {
    assert.equal(await verifyInclusion(5, 23, await leafHash(log.entries[6]!), log.tree.proveInclusion(5), log.tree.root()), false);
  });

  it('agrees with the ledger on every consistency proof up to size 23', async () => {
    for (let m = 1; m <= 23; m++) {
      for (let n = m; n <= 23; n++) {
        const proof = log.tree.proveConsistency(m, n);
        const mine = await verifyConsistency(m, n, log.tree.root(m), log.tree.root(n), proof);
        assert.equal(mine, coreConsistency(m, n, log.tree.root(m), log.tree.root(n), proof), `${m} -> ${n}`);
        assert.equal(mine, true, `${m} -> ${n}`);
      }
    }
  });

  it('refuses a consistency proof between unrelated trees', async () => {
    const other = buildLog(30);
    other.entries[2]![0] = 0x20;
    const forked = new MerkleTree();
    for (const e of other.entries) forked.appendEntry(e);
    assert.equal(await verifyConsistency(7, 23, forked.root(7), log.tree.root(23), log.tree.proveConsistency(7, 23)), false);
  });
});

describe('checking a record end to end', () => {
  const log = buildLog(10);

  it('verifies an entry against the signed checkpoint and the record shown', async () => {
    const result = await checkInclusion(proofFor(log, 4), [await parseVerifierKey(key.vkey)], record(4));
    assert.deepEqual([result.ok, result.checkpoint?.size], [true, 10]);
  });

  it('fails with "not included" when one byte of the entry changed', async () => {
    const data = proofFor(log, 4);
    const bytes = new Uint8Array(log.entries[4]!);
    bytes[bytes.length - 3] ^= 0x01;
    const result = await checkInclusion({ ...data, entry: toBase64(bytes) }, [await parseVerifierKey(key.vkey)], record(4));
    assert.match(result.failure ?? '', /^Entry 4 of log default is not included in checkpoint 10/);
  });

  it('fails when the verified entry is not the record shown', async () => {
    const result = await checkInclusion(proofFor(log, 4), [await parseVerifierKey(key.vkey)], record(5));
    assert.equal(result.failure, 'The verified ledger entry differs from the record shown on this page.');
  });

  it('fails when the checkpoint is signed by a key that is not pinned', async () => {
    const result = await checkInclusion(proofFor(log, 4), [await parseVerifierKey(otherKey.vkey)], record(4));
    assert.match(result.failure ?? '', /not signed by any pinned key/);
  });
});

describe('append-only since the checkpoint seen last time', () => {
  const log = buildLog(40);
  const keys = async () => [await parseVerifierKey(key.vkey)];
  const cp = (size: number) => {
    const parsed = parseCheckpoint(formatCheckpoint({ origin: ORIGIN, size, rootHash: log.tree.root(size) }));
    assert.ok(typeof parsed !== 'string');
    return parsed;
  };
  const server = (latest: number) => async (from: number): Promise<ConsistencyData> => ({
    old_size: from,
    new_size: latest,
    proof: log.tree.proveConsistency(from, latest).map(toBase64),
    checkpoint: log.checkpoint(latest),
  });
  const now = new Date('2026-01-02T03:04:05Z');

  it('proves the log only grew from the size seen before', async () => {
    const result = await checkAppendOnly(seen(cp(13), now), cp(40), server(40), await keys(), now);
    assert.deepEqual([result.status, result.status === 'ok' ? result.since.size : -1], ['ok', 13]);
  });

  it('detects a history rewritten since the size seen before', async () => {
    const forked = new MerkleTree();
    log.entries.forEach((e, i) => forked.appendEntry(i === 3 ? new TextEncoder().encode('rewritten') : e));
    const old = seen(parseCheckpoint(formatCheckpoint({ origin: ORIGIN, size: 13, rootHash: forked.root(13) })) as ReturnType<typeof cp>, now);
    const result = await checkAppendOnly(old, cp(40), server(40), await keys(), now);
    assert.match(result.status === 'failed' ? result.failure : result.status, /history was rewritten/);
  });

  it('detects two different checkpoints of the same size', async () => {
    const old = { ...seen(cp(40), now), root: toBase64(new Uint8Array(32)) };
    const result = await checkAppendOnly(old, cp(40), server(40), await keys(), now);
    assert.match(result.status === 'failed' ? result.failure : result.status, /forked/);
  });

  it('starts remembering on the first visit', async () => {
    const result = await checkAppendOnly(undefined, cp(40), server(40), await keys(), now);
    assert.deepEqual(result, { status: 'first', newest: seen(cp(40), now) });
  });
});
