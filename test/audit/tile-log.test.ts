// The file-backed tile log: layout on disk, reopening, proofs against signed checkpoints, and refusals.
import assert from 'node:assert/strict';
import { readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  MerkleTree,
  canonicalBytes,
  generateNoteKey,
  openCheckpoint,
  parseSigner,
  parseVerifier,
  toBase64,
  verifyConsistency,
  verifyInclusion,
  leafHash,
} from '@palisade/audit-core';
import { openTileLog, type TileLog } from '@palisade/ledger';
import { numberedRecord, scratchDir } from './fixtures.js';

const signer = parseSigner(generateNoteKey('audit.test/ledger', Buffer.alloc(32, 3)).skey);
const ORIGIN = 'audit.test/ledger/0';

function entries(from: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, k) => canonicalBytes(numberedRecord(from + k)));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function checkpointOf(dir: string): Promise<{ size: number; rootHash: Uint8Array }> {
  const vkey = (await readFile(join(dir, 'log.vkey'), 'utf8')).trim();
  return openCheckpoint(await readFile(join(dir, 'checkpoint')), [parseVerifier(vkey)]);
}

describe('tile log round trip', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let dir: string;
  const tree = new MerkleTree();
  const all: Uint8Array[] = [];
  before(async () => {
    scratch = await scratchDir();
    dir = join(scratch.dir, '0');
  });
  after(() => scratch.cleanup());

  it('appends batches of odd sizes and signs a checkpoint for each', async () => {
    const log = await openTileLog({ dir, origin: ORIGIN, signer });
    assert.equal(log.size(), 0);
    assert.equal((await checkpointOf(dir)).size, 0);
    assert.equal((await readFile(join(dir, 'log.vkey'), 'utf8')).trim(), signer.vkey);
    for (const count of [1, 2, 3, 250, 1, 255, 513, 7, 100]) {
      const batch = entries(all.length, count);
      const result = await log.append(batch);
      assert.deepEqual(result, { firstIndex: all.length, size: all.length + count });
      for (const e of batch) {
        all.push(e);
        tree.appendEntry(e);
      }
      const cp = await checkpointOf(dir);
      assert.equal(cp.size, all.length);
      assert.equal(toBase64(cp.rootHash), toBase64(tree.root()));
      assert.equal(toBase64(log.root()), toBase64(tree.root()));
    }
    assert.equal(log.size(), 1132);
    await log.close();
  });

  it('lays files out as C2SP tiles, partial tiles included, superseded partials removed', async () => {
    // 1132 = 4 full tiles + 108; level 1 holds 4 hashes.
    for (let n = 0; n < 4; n++) {
      assert.equal((await stat(join(dir, 'tile/0', `00${n}`))).size, 8192);
      assert.ok(await exists(join(dir, 'tile/entries', `00${n}`)));
      assert.equal(await exists(join(dir, 'tile/0', `00${n}.p`)), false, 'partials of full tiles are collected');
      assert.equal(await exists(join(dir, 'tile/entries', `00${n}.p`)), false);
    }
    assert.equal((await stat(join(dir, 'tile/0/004.p/108'))).size, 108 * 32);
    assert.ok(await exists(join(dir, 'tile/entries/004.p/108')));
    assert.equal((await stat(join(dir, 'tile/1/000.p/4'))).size, 4 * 32);
    assert.deepEqual((await readdir(join(dir, 'tile'))).sort(), ['0', '1', 'entries']);
    assert.equal(await exists(join(dir, 'checkpoint.tmp')), false);

    // Every hash in the level-0 tiles is the leaf hash of the matching entry.
    const tile = await readFile(join(dir, 'tile/0/002'));
    assert.equal(toBase64(tile.subarray(32 * 7, 32 * 8)), toBase64(leafHash(all[512 + 7]!)));
  });

  it('reopens to the same state, serves entries and proofs that verify against the checkpoint', async () => {
    const log = await openTileLog({ dir, origin: ORIGIN, signer });
    assert.equal(log.size(), all.length);
    assert.equal(toBase64(log.root()), toBase64(tree.root()));
    const cp = await checkpointOf(dir);
    assert.equal(log.checkpoint(), await readFile(join(dir, 'checkpoint'), 'utf8'));

    for (const i of [0, 1, 255, 256, 700, 1023, 1024, 1100, 1131]) {
      assert.deepEqual(Buffer.from(await log.readEntry(i)), Buffer.from(all[i]!));
      const proof = await log.proveInclusion(i);
      assert.deepEqual(proof.map(toBase64), tree.proveInclusion(i).map(toBase64));
      assert.ok(verifyInclusion(i, cp.size, leafHash(all[i]!), proof, cp.rootHash), `inclusion ${i}`);
    }
    for (const [m, n] of [[1, 1132], [256, 1132], [300, 1025], [1000, 1131], [1132, 1132]] as const) {
      const proof = await log.proveConsistency(m, n);
      assert.ok(verifyConsistency(m, n, tree.root(m), tree.root(n), proof), `consistency ${m}->${n}`);
    }
    const older = await log.proveInclusion(5, 300);
    assert.ok(verifyInclusion(5, 300, leafHash(all[5]!), older, tree.root(300)));

    const read: number[] = [];
    for await (const { index, entry } of log.entries(250, 520)) {
      assert.deepEqual(Buffer.from(entry), Buffer.from(all[index]!));
      read.push(index);
    }
    assert.deepEqual(read, Array.from({ length: 270 }, (_, k) => 250 + k));

    // Appending after reopening continues the same tree.
    const more = entries(all.length, 20);
    await log.append(more);
    for (const e of more) {
      all.push(e);
      tree.appendEntry(e);
    }
    assert.equal(toBase64((await checkpointOf(dir)).rootHash), toBase64(tree.root()));
    await log.close();
    await assert.rejects(log.append(more), { code: 'AUD_ERR_LOG_CLOSED' });
  });

  it('serialises concurrent appends', async () => {
    const log = await openTileLog({ dir, origin: ORIGIN, signer });
    const start = log.size();
    const results = await Promise.all([3, 1, 4, 1, 5, 9, 2, 6].map((n, k) => log.append(entries(10_000 + k * 10, n))));
    const firsts = results.map((r) => r.firstIndex);
    assert.deepEqual(firsts, [0, 3, 4, 8, 9, 14, 23, 25].map((x) => start + x));
    assert.equal(log.size(), start + 31);
    assert.equal((await checkpointOf(dir)).size, start + 31);
    await log.close();
  });
});

describe('tile log refusals', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  before(async () => {
    scratch = await scratchDir();
  });
  after(() => scratch.cleanup());

  async function fresh(name: string, size: number): Promise<{ dir: string; log: TileLog }> {
    const dir = join(scratch.dir, name);
    const log = await openTileLog({ dir, origin: `audit.test/${name}`, signer });
    if (size > 0) await log.append(entries(0, size));
    return { dir, log };
  }

  it('refuses entries over 65535 bytes without writing anything', async () => {
    const { dir, log } = await fresh('big', 3);
    await assert.rejects(log.append([Buffer.alloc(10), Buffer.alloc(65536)]), { code: 'AUD_ERR_ENTRY_TOO_LARGE', data: { entry: 1, bytes: 65536 } });
    assert.equal(log.size(), 3);
    assert.equal((await checkpointOf(dir)).size, 3);
    await log.append([Buffer.alloc(65535, 0x61)]);
    assert.equal(log.size(), 4);
    await log.close();
  });

  it('refuses another key, another origin and a forged checkpoint', async () => {
    const { dir, log } = await fresh('keys', 10);
    await log.close();
    const other = parseSigner(generateNoteKey('audit.test/ledger', Buffer.alloc(32, 4)).skey);
    await assert.rejects(openTileLog({ dir, origin: 'audit.test/keys', signer: other }), { code: 'AUD_ERR_KEY_MISMATCH' });
    await assert.rejects(openTileLog({ dir, origin: 'audit.test/elsewhere', signer }), { code: 'AUD_ERR_ORIGIN_MISMATCH' });
    const note = await readFile(join(dir, 'checkpoint'), 'utf8');
    await writeFile(join(dir, 'checkpoint'), note.replace('\n10\n', '\n11\n'));
    await assert.rejects(openTileLog({ dir, origin: 'audit.test/keys', signer }), { code: 'AUD_ERR_CHECKPOINT_INVALID' });
  });

  it('refuses tiles that do not match the signed checkpoint', async () => {
    const { dir, log } = await fresh('tampered', 300);
    await log.close();
    const path = join(dir, 'tile/0/001.p/44');
    const tile = await readFile(path);
    tile[5]! ^= 1;
    await writeFile(path, tile);
    await assert.rejects(openTileLog({ dir, origin: 'audit.test/tampered', signer }), { code: 'AUD_ERR_LOG_MISMATCH' });
    tile[5]! ^= 1;
    await writeFile(path, tile);

    const bundlePath = join(dir, 'tile/entries/001.p/44');
    const bundle = await readFile(bundlePath);
    bundle[bundle.length - 3]! ^= 1;
    await writeFile(bundlePath, bundle);
    await assert.rejects(openTileLog({ dir, origin: 'audit.test/tampered', signer }), { code: 'AUD_ERR_LOG_MISMATCH' });

    await rm(join(dir, 'checkpoint'));
    await assert.rejects(openTileLog({ dir, origin: 'audit.test/tampered', signer }), { code: 'AUD_ERR_LOG_CORRUPT' });
  });

  it('ignores files left beyond the checkpoint by an interrupted append', async () => {
    const { dir, log } = await fresh('interrupted', 10);
    await log.close();
    // An append that died before its checkpoint leaves tiles the checkpoint does not cover.
    await writeFile(join(dir, 'tile/0/000.p/12'), Buffer.alloc(12 * 32, 1));
    await writeFile(join(dir, 'tile/entries/000.p/12'), Buffer.alloc(30, 1));
    const reopened = await openTileLog({ dir, origin: 'audit.test/interrupted', signer });
    assert.equal(reopened.size(), 10);
    await reopened.append(entries(10, 2));
    const tree = new MerkleTree();
    for (const e of entries(0, 12)) tree.appendEntry(e);
    assert.equal(toBase64((await checkpointOf(dir)).rootHash), toBase64(tree.root()));
    assert.deepEqual([...(await readFile(join(dir, 'tile/0/000.p/12')))].slice(0, 32), [...leafHash(entries(0, 1)[0]!)]);
    await reopened.close();
  });

  it('checks proof arguments', async () => {
    const { log } = await fresh('ranges', 5);
    await assert.rejects(async () => log.proveInclusion(5), { code: 'AUD_ERR_INDEX_RANGE' });
    await assert.rejects(async () => log.proveInclusion(0, 6), { code: 'AUD_ERR_INDEX_RANGE' });
    await assert.rejects(async () => log.proveConsistency(0, 5), { code: 'AUD_ERR_INDEX_RANGE' });
    await assert.rejects(async () => log.readEntry(5), { code: 'AUD_ERR_INDEX_RANGE' });
    assert.equal(log.status().ok, true);
    await log.close();
    assert.equal(log.status().ok, false);
  });
});

describe('tile log beyond two tile levels', () => {
  it('handles 70,000 entries (three tile levels) and proves across them', async () => {
    const scratch = await scratchDir();
    try {
      const dir = join(scratch.dir, 'big');
      const log = await openTileLog({ dir, origin: 'audit.test/big', signer });
      const tree = new MerkleTree();
      const small = (i: number): Uint8Array => Buffer.from(`{"n":${i}}`);
      for (let start = 0; start < 70_000; start += 7_000) {
        const batch = Array.from({ length: 7_000 }, (_, k) => small(start + k));
        await log.append(batch);
        for (const e of batch) tree.appendEntry(e);
      }
      assert.equal(toBase64(log.root()), toBase64(tree.root()));
      assert.ok(await exists(join(dir, 'tile/2/000.p/1')));
      assert.ok(await exists(join(dir, 'tile/1/001.p/17')));
      assert.ok(await exists(join(dir, 'tile/1/000')));
      assert.ok(await exists(join(dir, 'tile/0/272')));
      assert.ok(await exists(join(dir, 'tile/0/273.p/112')));
      for (const i of [0, 65_535, 65_536, 69_999]) {
        const proof = await log.proveInclusion(i);
        assert.ok(verifyInclusion(i, 70_000, leafHash(small(i)), proof, tree.root()), `inclusion ${i}`);
      }
      assert.ok(verifyConsistency(65_537, 70_000, tree.root(65_537), tree.root(), await log.proveConsistency(65_537)));
      await log.close();
      const reopened = await openTileLog({ dir, origin: 'audit.test/big', signer });
      assert.equal(toBase64(reopened.root()), toBase64(tree.root()));
      await reopened.close();
    } finally {
      await scratch.cleanup();
    }
  });
});
