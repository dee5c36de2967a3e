// A damaged journal never loses records quietly: only a torn last append is cut off; any other
// damage keeps the log closed, names the file and byte, and waits for an explicit recovery.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MerkleTree, canonicalBytes, encodeFrames, generateNoteKey, parseSigner, toBase64 } from '@palisade/audit-core';
import { JOURNAL_FILE, RECOVERY_LOG_FILE, openTileLog, recoverJournal, verifyLedger, type TornJournalTail } from '@palisade/ledger';
import { numberedRecord, scratchDir } from './fixtures.js';

const signer = parseSigner(generateNoteKey('audit.test/ledger', Buffer.alloc(32, 4)).skey);

function entries(from: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, k) => canonicalBytes(numberedRecord(from + k)));
}

/** Byte offsets where each frame of a journal starts. */
function frameStarts(journal: Buffer): number[] {
  const starts: number[] = [];
  for (let at = 0; at < journal.length; at += 8 + journal.readUInt32BE(at)) starts.push(at);
  return starts;
}

function journalFrames(firstIndex: number, list: readonly Uint8Array[]): Buffer {
  return encodeFrames(
    list.map((e, k) => {
      const p = Buffer.alloc(8 + e.length);
      p.writeBigUInt64BE(BigInt(firstIndex + k));
      p.set(e, 8);
      return p;
    }),
  );
}

/** A log holding 40 records in its journal only, as a crash leaves it; the writer is never closed. */
async function crashedLog(dir: string, origin: string): Promise<Buffer> {
  const log = await openTileLog({ dir, origin, signer, checkpointEvery: 1000 });
  for (let r = 0; r < 20; r++) await log.append(entries(2 * r, 2));
  return readFile(join(dir, JOURNAL_FILE));
}

describe('a damaged journal', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  before(async () => {
    scratch = await scratchDir();
  });
  after(() => scratch.cleanup());

  it('keeps the log closed, names the file and the byte, keeps a copy, and verify fails', async () => {
    const dir = join(scratch.dir, 'flipped');
    const journal = await crashedLog(dir, 'audit.test/flipped');
    const starts = frameStarts(journal);
    assert.equal(starts.length, 40);
    const middle = Math.floor(journal.length / 2);
    const damagedAt = starts.filter((s) => s <= middle).at(-1)!;
    const flipped = Buffer.from(journal);
    flipped[middle]! ^= 0x01;
    await writeFile(join(dir, JOURNAL_FILE), flipped);

    await assert.rejects(openTileLog({ dir, origin: 'audit.test/flipped', signer, checkpointEvery: 1000 }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'AUD_ERR_JOURNAL_DAMAGED');
      assert.ok(err.message.includes(`${join(dir, JOURNAL_FILE)} is damaged at byte ${damagedAt}`), err.message);
      return true;
    });
    assert.deepEqual(await readFile(join(dir, JOURNAL_FILE)), flipped, 'the damaged journal is not truncated');
    const copies = (await readdir(dir)).filter((n) => n.startsWith(`${JOURNAL_FILE}.damaged-`));
    assert.equal(copies.length, 1);
    assert.deepEqual(await readFile(join(dir, copies[0]!)), flipped);
    // A second attempt keeps the same single copy.
    await assert.rejects(openTileLog({ dir, origin: 'audit.test/flipped', signer }), { code: 'AUD_ERR_JOURNAL_DAMAGED' });
    assert.equal((await readdir(dir)).filter((n) => n.startsWith(`${JOURNAL_FILE}.damaged-`)).length, 1);

    const report = await verifyLedger(dir);
    assert.equal(report.ok, false);
    assert.match(report.logs[0]!.problems[0]!.message, new RegExp(`^journal: damaged at byte ${damagedAt}: `));
    assert.equal(report.logs[0]!.problems[0]!.file, JOURNAL_FILE);
  });

  it('recovers by keeping the intact prefix and recording what was dropped', async () => {
    const dir = join(scratch.dir, 'flipped');
    const damaged = await readFile(join(dir, JOURNAL_FILE));
    const starts = frameStarts(damaged.subarray(0, Math.floor(damaged.length / 2)));
    const kept = starts.length - 1;
    const damagedAt = starts.at(-1)!;

    const record = await recoverJournal(dir);
    assert.ok(record);
    assert.deepEqual(record.kept, { frames: kept, bytes: damagedAt, entries: [0, kept - 1] });
    assert.equal(record.dropped.from_byte, damagedAt);
    assert.equal(record.dropped.bytes, damaged.length - damagedAt);
    assert.equal(record.dropped.intact_frames, 40 - kept - 1, 'the frames after the damaged one are counted');
    assert.deepEqual(record.dropped.entries, [[kept + 1, 39]]);
    assert.deepEqual(await readFile(join(dir, record.damaged_copy)), damaged);
    const lines = (await readFile(join(dir, RECOVERY_LOG_FILE), 'utf8')).trim().split('\n');
    assert.deepEqual(lines.map((l) => JSON.parse(l) as unknown), [JSON.parse(JSON.stringify(record)) as unknown]);
    assert.equal(await recoverJournal(dir), null, 'the recovered journal needs nothing more');

    const log = await openTileLog({ dir, origin: 'audit.test/flipped', signer });
    assert.equal(log.size(), kept);
    const tree = new MerkleTree();
    entries(0, kept).forEach((e) => tree.appendEntry(e));
    assert.equal(toBase64(log.root()), toBase64(tree.root()));
    await log.close();
    assert.equal((await verifyLedger(dir)).ok, true);
  });

  it('still cuts off a torn last append, and says so', async () => {
    const dir = join(scratch.dir, 'torn');
    const journal = await crashedLog(dir, 'audit.test/torn');
    const starts = frameStarts(journal);
    await writeFile(join(dir, JOURNAL_FILE), journal.subarray(0, starts[39]! + 30));
    const torn: TornJournalTail[] = [];
    const log = await openTileLog({ dir, origin: 'audit.test/torn', signer, onTornJournalTail: (t) => torn.push(t) });
    assert.equal(log.size(), 39);
    assert.deepEqual(torn, [{ file: join(dir, JOURNAL_FILE), offset: starts[39]!, bytes: 30 }]);
    await log.close();
  });

  it('refuses a journal whose indexes are out of order', async () => {
    const dir = join(scratch.dir, 'order');
    await crashedLog(dir, 'audit.test/order');
    const list = entries(0, 4);
    const first = journalFrames(0, list.slice(0, 2));
    await writeFile(join(dir, JOURNAL_FILE), Buffer.concat([first, journalFrames(3, list.slice(3))]));
    await assert.rejects(openTileLog({ dir, origin: 'audit.test/order', signer }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'AUD_ERR_JOURNAL_DAMAGED');
      assert.match(err.message, new RegExp(`damaged at byte ${first.length}: the frame at byte ${first.length} holds entry 3 after entry 1`));
      return true;
    });
  });

  it('refuses a journal entry the tiles already hold differently, and verify names it', async () => {
    const dir = join(scratch.dir, 'covered');
    const log = await openTileLog({ dir, origin: 'audit.test/covered', signer });
    await log.append(entries(0, 10));
    await log.close();
    // Entries 5..11 as if publishing had succeeded and emptying the journal had not, but entry 6 is another record.
    const list = entries(5, 7);
    list[1] = canonicalBytes(numberedRecord(600));
    const journal = journalFrames(5, list);
    await writeFile(join(dir, JOURNAL_FILE), journal);
    const at = frameStarts(journal)[1]!;
    await assert.rejects(openTileLog({ dir, origin: 'audit.test/covered', signer }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'AUD_ERR_JOURNAL_DAMAGED');
      assert.match(err.message, new RegExp(`damaged at byte ${at}: entry 6 in the frame at byte ${at} does not match its leaf hash in tile/0/000\\.p/10`));
      return true;
    });
    const report = await verifyLedger(dir);
    assert.equal(report.ok, false);
    assert.equal(report.logs[0]!.problems[0]!.message, `journal: damaged at byte ${at}: entry 6 in the frame at byte ${at} does not match its leaf hash in tile/0/000.p/10`);

    const record = await recoverJournal(dir);
    assert.deepEqual(record?.kept, { frames: 1, bytes: at, entries: [5, 5] });
    const reopened = await openTileLog({ dir, origin: 'audit.test/covered', signer });
    assert.equal(reopened.size(), 10, 'the covered entry it kept adds nothing');
    await reopened.close();
    assert.equal((await verifyLedger(dir)).ok, true);
  });
});
