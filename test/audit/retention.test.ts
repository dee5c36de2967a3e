// Retention removes old entry bundles, never tiles: the log keeps verifying, old entries stay provable, newer ones stay readable.
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { canonicalBytes, leafHash, openCheckpoint, parseVerifier, verifyInclusion } from '@palisade/audit-core';
import { openTileLog, pruneLog, verifyLedger } from '@palisade/ledger';
import { numberedRecord, scratchDir } from './fixtures.js';
import { testSigner } from './ledger-builder.js';
import { auditCli as cli } from '../support/cli.js';

const ORIGIN = 'audit.test/retention/0';

function entry(i: number): Uint8Array {
  // Entries 0..599 are from 2025, the rest from 2026; entry 300 is the one late straggler.
  const year = i < 600 && i !== 300 ? 2025 : 2026;
  return canonicalBytes(numberedRecord(i, { timestamp: `${year}-01-01T00:00:00.000Z` }));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('retention', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let ledger: string;
  let dir: string;
  before(async () => {
    scratch = await scratchDir();
    ledger = join(scratch.dir, 'ledger');
    dir = join(ledger, '0');
    const log = await openTileLog({ dir, origin: ORIGIN, signer: testSigner });
    await log.append(Array.from({ length: 1000 }, (_, i) => entry(i)));
    await log.close();
  });
  after(() => scratch.cleanup());

  it('prunes whole bundles up to the first one holding a newer record', async () => {
    const result = await pruneLog(dir, Date.parse('2025-06-01T00:00:00Z'));
    // Bundle 0 is all 2025; bundle 1 holds the 2026 straggler at 300, so pruning stops there.
    assert.deepEqual([result.prunedBelow, result.removed], [256, 1]);
    assert.equal(await exists(join(dir, 'tile/entries/000')), false);
    assert.equal(await exists(join(dir, 'tile/0/000')), true, 'tiles are kept');
    assert.equal((await readFile(join(dir, 'pruned'), 'utf8')).trim(), '256');
    assert.equal((await pruneLog(dir, Date.parse('2025-06-01T00:00:00Z'))).removed, 0, 'pruning again changes nothing');
  });

  it('verify passes, counting pruned entries, and still catches tampering in the pruned range', async () => {
    const report = await verifyLedger(ledger);
    assert.equal(report.ok, true, JSON.stringify(report.logs[0]?.problems));
    assert.deepEqual([report.logs[0]!.pruned, report.logs[0]!.entriesChecked], [256, 744]);
    const run = await cli('verify', ledger);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^OK 0 size=1000 root=\S+ pruned=256\n$/);

    const tile = join(dir, 'tile/0/000');
    const original = await readFile(tile);
    const changed = Buffer.from(original);
    changed[40]! ^= 1;
    await writeFile(tile, changed);
    const bad = await verifyLedger(ledger);
    assert.equal(bad.logs[0]!.problems[0]!.message, 'tile/1/000.p/3: hash 0 does not match tile/0/000');
    await writeFile(tile, original);
  });

  it('keeps proofs for pruned entries and refuses to read them', async () => {
    const log = await openTileLog({ dir, origin: ORIGIN, signer: testSigner });
    await assert.rejects(log.readEntry(5), { code: 'AUD_ERR_ENTRY_PRUNED' });
    await assert.rejects(log.receipt(5), { code: 'AUD_ERR_ENTRY_PRUNED' });
    const vkey = parseVerifier((await readFile(join(dir, 'log.vkey'), 'utf8')).trim());
    const cp = openCheckpoint(log.checkpoint(), [vkey]);
    assert.ok(verifyInclusion(5, 1000, leafHash(entry(5)), await log.proveInclusion(5), cp.rootHash));
    assert.deepEqual(Buffer.from(await log.readEntry(300)), Buffer.from(entry(300)));
    await log.append([entry(1000)]);
    await log.close();
    assert.equal((await verifyLedger(ledger)).ok, true);
  });

  it('palisade-audit prune applies a cut-off to every log of a ledger', async () => {
    const run = await cli('prune', ledger, '--before', '2027-01-01T00:00:00Z');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '0: 2 bundle(s) removed, entries below 768 pruned\n');
    assert.equal((await verifyLedger(ledger)).ok, true);
    assert.equal((await cli('prune', ledger, '--before', 'yesterday')).code, 2);
  });
});

