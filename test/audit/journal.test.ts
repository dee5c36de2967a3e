// Appends are durable before their checkpoint: the journal survives a SIGKILL, is replayed on open, and checkpoints follow by count, timer and close.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MerkleTree, canonicalBytes, encodeFrames, generateNoteKey, openCheckpoint, parseSigner, parseVerifier, scanFrames, toBase64 } from '@palisade/audit-core';
import { JOURNAL_FILE, openTileLog, verifyLedger } from '@palisade/ledger';
import { numberedRecord, scratchDir } from './fixtures.js';

const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const signer = parseSigner(generateNoteKey('audit.test/ledger', Buffer.alloc(32, 3)).skey);

function entries(from: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, k) => canonicalBytes(numberedRecord(from + k)));
}

async function checkpointSize(dir: string): Promise<number> {
  const vkey = (await readFile(join(dir, 'log.vkey'), 'utf8')).trim();
  return openCheckpoint(await readFile(join(dir, 'checkpoint')), [parseVerifier(vkey)]).size;
}

function runWriter(dir: string, batches: number, batch: number, killAfter: number): Promise<{ acked: number; code: number | null; signal: string | null }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'test/audit/helpers/crashing-writer.ts', dir, String(batches), String(batch), String(killAfter)], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 60_000,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', fail);
    child.on('close', (code, signal) => {
      const acks = [...out.matchAll(/^acked (\d+)$/gm)].map((m) => Number(m[1]));
      done({ acked: acks.at(-1) ?? 0, code, signal });
    });
  });
}

describe('frames', () => {
  it('stop at a torn or damaged tail', () => {
    const data = encodeFrames([Buffer.from('one'), Buffer.from('two'), Buffer.from('three')]);
    assert.deepEqual(scanFrames(data).frames.map((f) => Buffer.from(f.payload).toString()), ['one', 'two', 'three']);
    const torn = scanFrames(data.subarray(0, data.length - 2));
    assert.equal(torn.frames.length, 2);
    assert.equal(torn.validEnd, 2 * 8 + 6);
    const flipped = Buffer.from(data);
    flipped[8 + 3 + 8 + 1]! ^= 1;
    assert.equal(scanFrames(flipped).frames.length, 1, 'a checksum mismatch ends the scan');
  });
});

describe('tile log journal', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  before(async () => {
    scratch = await scratchDir();
  });
  after(() => scratch.cleanup());

  it('publishes by count, by timer and on close, and proves only against published checkpoints', async () => {
    const dir = join(scratch.dir, 'count');
    const published: number[] = [];
    const log = await openTileLog({ dir, origin: 'audit.test/count', signer, checkpointEvery: 100, checkpointIntervalMs: 200, onPublish: (p) => published.push(p.size) });
    await log.append(entries(0, 60));
    assert.equal(log.size(), 60);
    assert.equal(log.published().size, 0);
    assert.equal(await checkpointSize(dir), 0, 'not yet checkpointed');
    assert.ok((await stat(join(dir, JOURNAL_FILE))).size > 0, 'but journalled');
    await assert.rejects(log.receipt(10), { code: 'AUD_ERR_NOT_PUBLISHED' });
    await log.append(entries(60, 50));
    assert.deepEqual(published, [110], 'the 100th pending entry triggers a checkpoint');
    assert.equal(await checkpointSize(dir), 110);
    assert.equal((await stat(join(dir, JOURNAL_FILE))).size, 0, 'a checkpoint empties the journal');

    await log.append(entries(110, 5));
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(published, [110, 115], 'the interval publishes what is pending');
    await log.append(entries(115, 3));
    await log.close();
    assert.deepEqual(published, [110, 115, 118], 'close publishes the rest');
    const report = await verifyLedger(dir);
    assert.equal(report.ok, true, JSON.stringify(report.logs[0]?.problems));
    assert.equal(report.logs[0]!.size, 118);
  });

  it('replays journalled entries after a crash and drops a torn tail', async () => {
    const dir = join(scratch.dir, 'replay');
    const tree = new MerkleTree();
    const all = entries(0, 300);
    all.forEach((e) => tree.appendEntry(e));
    const first = await openTileLog({ dir, origin: 'audit.test/replay', signer, checkpointEvery: 1000 });
    await first.append(all.slice(0, 250));
    await first.append(all.slice(250, 300));
    // No close: the process "dies" here, leaving the journal as the only record of the appends.
    const journal = await readFile(join(dir, JOURNAL_FILE));
    await writeFile(join(dir, JOURNAL_FILE), Buffer.concat([journal, Buffer.from([0, 0, 1, 0, 9, 9])]));
    assert.equal(await checkpointSize(dir), 0);

    const reopened = await openTileLog({ dir, origin: 'audit.test/replay', signer, checkpointEvery: 1000 });
    assert.equal(reopened.size(), 300);
    assert.equal(reopened.published().size, 300, 'replayed entries are published at once');
    assert.equal(toBase64(reopened.root()), toBase64(tree.root()));
    assert.equal(await checkpointSize(dir), 300);
    await reopened.close();
    assert.equal((await verifyLedger(dir)).ok, true);
  });

  it('loses no acknowledged append when the writer is killed, again and again', async () => {
    const dir = join(scratch.dir, 'killed');
    let acknowledged = 0;
    for (const killAfter of [3, 1, 5, 2]) {
      const run = await runWriter(dir, 10, 97, killAfter);
      assert.equal(run.signal, 'SIGKILL');
      assert.ok(run.acked >= acknowledged + killAfter * 97);
      acknowledged = run.acked;
      const log = await openTileLog({ dir, origin: 'audit.test/crash', signer, checkpointEvery: 1000 });
      // The append in flight at the kill may or may not have made it, but nothing acknowledged is lost.
      assert.ok(log.size() === acknowledged || log.size() === acknowledged + 97, `size ${log.size()} after ${acknowledged} acknowledged`);
      const tree = new MerkleTree();
      entries(0, log.size()).forEach((e) => tree.appendEntry(e));
      assert.equal(toBase64(log.root()), toBase64(tree.root()), 'the entries are exactly the records in order');
      acknowledged = log.size();
      await log.close();
    }
    const report = await verifyLedger(dir);
    assert.equal(report.ok, true, JSON.stringify(report.logs[0]?.problems));
    assert.equal(report.logs[0]!.size, acknowledged);
  });
});
