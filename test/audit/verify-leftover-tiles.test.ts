// Verify checks every file serve would hand out, partial tiles and bundles of older checkpoints
// included, and serve answers those from the tiles verify checked, never from a leftover file.
import assert from 'node:assert/strict';
import { runCli, type CliResult } from '../support/cli.js';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { canonicalBytes, decodeEntryBundle, generateNoteKey, leafHash, parseSigner } from '@palisade/audit-core';
import { openLogReader, openTileLog, verifyLedger } from '@palisade/ledger';
import { startLedgerServer } from '@palisade/audit-consumer';
import { numberedRecord, scratchDir } from './fixtures.js';

const signer = parseSigner(generateNoteKey('audit.test/leftover', Buffer.alloc(32, 5)).skey);
const records = Array.from({ length: 17 }, (_, n) => canonicalBytes(numberedRecord(n)));

function cliVerify(dir: string): Promise<CliResult> {
  return runCli('palisade-audit', ['verify', dir]);
}

describe('files left over from older checkpoints', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let pristine: string;
  before(async () => {
    scratch = await scratchDir();
    pristine = join(scratch.dir, 'pristine');
    // Checkpoints at 5 and 17 entries: tile/0/000.p/5 and tile/entries/000.p/5 stay behind.
    const log = await openTileLog({ dir: pristine, origin: 'audit.test/leftover', signer });
    await log.append(records.slice(0, 5));
    await log.append(records.slice(5));
    await log.close();
    assert.ok(await readFile(join(pristine, 'tile/0/000.p/5')));
    assert.equal((await verifyLedger(pristine)).ok, true);
  });
  after(() => scratch.cleanup());

  async function copyWith(name: string, path: string, change: (data: Buffer) => Buffer): Promise<string> {
    const dir = join(scratch.dir, name);
    await cp(pristine, dir, { recursive: true });
    await writeFile(join(dir, path), change(await readFile(join(dir, path))));
    return dir;
  }

  it('a leftover partial tile whose hashes do not match the tree fails verify, named', async () => {
    const dir = await copyWith('tile-flip', 'tile/0/000.p/5', (d) => {
      d[70]! ^= 0x01;
      return d;
    });
    const report = await verifyLedger(dir);
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.logs[0]!.problems.map((p) => [p.file, p.message]),
      [['tile/0/000.p/5', 'tile/0/000.p/5: a leftover partial tile whose hashes do not match tile/0/000.p/17']],
    );
    const run = await cliVerify(dir);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'FAIL tile-flip: tile/0/000.p/5: a leftover partial tile whose hashes do not match tile/0/000.p/17\n');
  });

  it('a leftover partial tile of the wrong length fails verify, named', async () => {
    const dir = await copyWith('tile-short', 'tile/0/000.p/5', (d) => d.subarray(0, 100));
    const report = await verifyLedger(dir);
    assert.deepEqual(report.logs[0]!.problems.map((p) => p.message), ['tile/0/000.p/5: has 100 bytes, expected 160']);
  });

  it('a leftover partial bundle with another entry fails verify, named', async () => {
    const dir = await copyWith('bundle-flip', 'tile/entries/000.p/5', (d) => {
      d[2 + 40]! ^= 0x01;
      return d;
    });
    const report = await verifyLedger(dir);
    assert.equal(report.ok, false);
    assert.deepEqual(report.logs[0]!.problems.map((p) => p.message), ['tile/entries/000.p/5: entry 0 does not match tile/0/000.p/17 (a leftover partial bundle of tile/entries/000)']);
  });

  it('serve answers an older width from the checked tile, not from the leftover file', async () => {
    const dir = await copyWith('served', 'tile/0/000.p/5', (d) => {
      d[70]! ^= 0x01;
      return d;
    });
    await writeFile(join(dir, 'tile/entries/000.p/5'), Buffer.from([0, 2, 0x7b, 0x7d]));
    const log = await openLogReader(dir, { name: '0' });
    const server = await startLedgerServer({ host: '127.0.0.1', port: 0, logs: () => [log] });
    try {
      const tile = await fetch(`${server.url}/logs/0/tile/0/000.p/5`);
      assert.equal(tile.status, 200);
      const hashes = Buffer.from(await tile.arrayBuffer());
      assert.deepEqual(hashes, Buffer.concat(records.slice(0, 5).map((e) => leafHash(e))));
      const bundle = await fetch(`${server.url}/logs/0/tile/entries/000.p/5`);
      assert.equal(bundle.status, 200);
      assert.deepEqual(decodeEntryBundle(new Uint8Array(await bundle.arrayBuffer())).map((e) => Buffer.from(e).toString()), records.slice(0, 5).map((e) => Buffer.from(e).toString()));
    } finally {
      await server.close();
    }
  });
});
