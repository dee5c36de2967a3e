// verifyLedger re-derives every entry, tile and checkpoint and names the first thing that is wrong, precisely.
import assert from 'node:assert/strict';
import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { decodeEntryBundle, formatCheckpoint, generateNoteKey, leafHash, signNote } from '@palisade/audit-core';
import { openTileLog, verifyLedger, type VerifyReport } from '@palisade/ledger';
import { scratchDir } from './fixtures.js';
import { buildLedger, entryOffset, testSigner } from './ledger-builder.js';
import { runCli } from '../support/cli.js';

function firstProblem(report: VerifyReport, log: string): string | undefined {
  return report.logs.find((l) => l.name === log)?.problems[0]?.message;
}

async function flipByte(path: string, offset: number): Promise<void> {
  const data = await readFile(path);
  data[offset]! ^= 0x01;
  await writeFile(path, data);
}

describe('verifyLedger', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let ledger: string;
  let entries: Uint8Array[][];

  beforeEach(async () => {
    scratch = await scratchDir();
    ledger = join(scratch.dir, 'ledger');
    entries = await buildLedger(ledger, [600, 40]);
  });
  afterEach(() => scratch.cleanup());

  it('accepts an intact ledger folder and a single log folder', async () => {
    const progress: number[] = [];
    const report = await verifyLedger(ledger, { onProgress: (p) => p.log === '0' && progress.push(p.entries) });
    assert.equal(report.ok, true, JSON.stringify(report.logs.map((l) => l.problems)));
    assert.deepEqual(report.logs.map((l) => [l.name, l.size, l.entriesChecked, l.origin]), [
      ['0', 600, 600, 'audit.test/ledger/0'],
      ['1', 40, 40, 'audit.test/ledger/1'],
    ]);
    assert.deepEqual(progress, [256, 512, 600]);
    const single = await verifyLedger(join(ledger, '1'), { vkey: testSigner.vkey });
    assert.equal(single.ok, true);
    assert.equal(single.logs[0]!.name, '1');
  });

  it('names the entry whose bytes were changed in a full bundle', async () => {
    await flipByte(join(ledger, '0/tile/entries/000'), entryOffset(entries[0]!, 3) + 20);
    const report = await verifyLedger(ledger);
    assert.equal(report.ok, false);
    assert.equal(firstProblem(report, '0'), 'entry 3: leaf hash does not match tile/0/000');
    assert.equal(report.logs.find((l) => l.name === '1')!.ok, true);
    const problem = report.logs[0]!.problems[0]!;
    assert.deepEqual([problem.entry, problem.file], [3, 'tile/0/000']);
    // The tiles above and the checkpoint are intact, so nothing else is blamed for the change.
    assert.ok(report.logs[0]!.problems.every((p) => p.entry === 3), JSON.stringify(report.logs[0]!.problems));
  });

  it('reports the same on worker threads as in one thread (the built command)', async () => {
    await flipByte(join(ledger, '0/tile/entries/001'), entryOffset(entries[0]!.slice(256), 9) + 20);
    const inThread = await runCli('palisade-audit', ['verify', ledger, '--workers', '0']);
    const threaded = await runCli('palisade-audit', ['verify', ledger, '--workers', '2']);
    assert.equal(threaded.code, 1);
    assert.deepEqual(threaded, inThread);
    assert.equal(threaded.stderr, 'FAIL 0: entry 265: leaf hash does not match tile/0/001\n');
  });

  it('names the entry whose bytes were changed in the partial bundle', async () => {
    const partial = entries[0]!.slice(512);
    await flipByte(join(ledger, '0/tile/entries/002.p/88'), entryOffset(partial, 50) + 5);
    const report = await verifyLedger(ledger);
    assert.equal(firstProblem(report, '0'), 'entry 562: leaf hash does not match tile/0/002.p/88');
  });

  it('reports a changed tile hash where it is and in the tile above', async () => {
    await flipByte(join(ledger, '0/tile/0/001'), 32 * 10);
    const report = await verifyLedger(ledger);
    assert.deepEqual(
      report.logs[0]!.problems.map((p) => p.message),
      ['entry 266: leaf hash does not match tile/0/001', 'tile/1/000.p/2: hash 1 does not match tile/0/001'],
    );
  });

  it('detects a tampered checkpoint signature or text', async () => {
    const path = join(ledger, '1/checkpoint');
    const note = await readFile(path, 'utf8');
    const sigAt = note.lastIndexOf(' ') + 10;
    await writeFile(path, note.slice(0, sigAt) + (note[sigAt] === 'A' ? 'B' : 'A') + note.slice(sigAt + 1));
    let report = await verifyLedger(ledger);
    assert.equal(report.ok, false);
    assert.equal(firstProblem(report, '1'), 'checkpoint: signature does not verify with log.vkey');

    await writeFile(path, note.replace('\n40\n', '\n39\n'));
    report = await verifyLedger(ledger);
    assert.equal(firstProblem(report, '1'), 'checkpoint: signature does not verify with log.vkey');
  });

  it('detects a checkpoint signed by another key and a replaced log.vkey', async () => {
    const other = generateNoteKey('audit.test/ledger', Buffer.alloc(32, 10));
    let report = await verifyLedger(join(ledger, '1'), { vkey: other.vkey });
    assert.equal(firstProblem(report, '1'), 'checkpoint: not signed by the given vkey (audit.test/ledger)');
    await writeFile(join(ledger, '1/log.vkey'), 'not a key\n');
    report = await verifyLedger(ledger);
    assert.equal(firstProblem(report, '1'), 'log.vkey: not a valid Ed25519 verifier key');
  });

  it('detects entries rewritten together with their tiles, against the signed root', async () => {
    // Someone who can write files but not sign changes a record (still valid and canonical) and the
    // leaf hash in its tile: only the signed root can tell.
    const bundlePath = join(ledger, '1/tile/entries/000.p/40');
    const text = Buffer.from(entries[1]![7]!).toString('utf8');
    const digit = text.indexOf('"gw-100007"') + 9;
    await flipByte(bundlePath, entryOffset(entries[1]!, 7) + digit);
    const changed = decodeEntryBundle(await readFile(bundlePath))[7]!;
    const tilePathOnDisk = join(ledger, '1/tile/0/000.p/40');
    const tile = await readFile(tilePathOnDisk);
    tile.set(leafHash(changed), 7 * 32);
    await writeFile(tilePathOnDisk, tile);
    const report = await verifyLedger(ledger);
    const problems = report.logs.find((l) => l.name === '1')!.problems.map((p) => p.message);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.ok(Buffer.from(changed).toString('utf8').includes('"gw-100006"'));
    assert.match(problems[0]!, /^checkpoint: root hash does not match the tiles \(tiles give [A-Za-z0-9+/]{43}=\)$/);
  });

  it('detects a correctly signed checkpoint over a root the tiles do not give', async () => {
    const text = formatCheckpoint({ origin: 'audit.test/ledger/1', size: 40, rootHash: leafHash(Buffer.from('x')) });
    await writeFile(join(ledger, '1/checkpoint'), signNote(text, testSigner));
    const report = await verifyLedger(join(ledger, '1'));
    assert.match(firstProblem(report, '1') ?? '', /^checkpoint: root hash does not match the tiles/);
  });

  it('detects truncated tiles and missing files', async () => {
    await truncate(join(ledger, '0/tile/0/001'), 100);
    let report = await verifyLedger(ledger);
    assert.equal(firstProblem(report, '0'), 'tile/0/001: truncated to 100 bytes, expected 8192');

    await rm(join(ledger, '1/tile/entries/000.p/40'));
    report = await verifyLedger(ledger);
    assert.equal(firstProblem(report, '1'), 'tile/entries/000.p/40: missing');

    await truncate(join(ledger, '0/tile/entries/000'), 1000);
    report = await verifyLedger(ledger);
    assert.match(firstProblem(report, '0') ?? '', /^entry \d+: tile\/entries\/000 is cut off there$/);

    await rm(join(ledger, '0/checkpoint'));
    report = await verifyLedger(ledger);
    assert.equal(firstProblem(report, '0'), 'checkpoint: missing');
    assert.equal((await verifyLedger(join(scratch.dir, 'nothing-here'))).ok, false);
  });

  it('checks that every entry is canonical JSON of an AuditRecordV1', async () => {
    const dir = join(scratch.dir, 'content');
    const log = await openTileLog({ dir, origin: 'audit.test/content', signer: testSigner });
    const good = entries[1]![0]!;
    const record = JSON.parse(Buffer.from(good).toString('utf8')) as Record<string, unknown>;
    await log.append([
      good,
      Buffer.from(JSON.stringify(record, null, 1)),
      Buffer.from('{"not json'),
      Buffer.from(JSON.stringify({ ...record, phase: 'maybe' })),
      Buffer.from([0xc3, 0x28]),
    ]);
    await log.close();
    const report = await verifyLedger(dir);
    assert.deepEqual(
      report.logs[0]!.problems.map((p) => p.message),
      [
        'entry 1: not canonical JSON',
        'entry 2: not valid JSON',
        'entry 3: not an AuditRecordV1 (record/phase must be equal to one of the allowed values)',
        'entry 4: not valid UTF-8',
      ],
    );
  });
});
