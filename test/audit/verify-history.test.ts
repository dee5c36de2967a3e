// verify remembers what it saw: a log that shrank or rewrote its history since an earlier checkpoint fails, with a clear message.
import assert from 'node:assert/strict';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { canonicalBytes } from '@palisade/audit-core';
import { openTileLog, verifyLedger } from '@palisade/ledger';
import { numberedRecord, scratchDir } from './fixtures.js';
import { testSigner } from './ledger-builder.js';
import { auditCli as cli } from '../support/cli.js';



async function writeLog(dir: string, count: number, change?: number): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  const log = await openTileLog({ dir, origin: 'audit.test/history/0', signer: testSigner });
  const entries = Array.from({ length: count }, (_, i) => canonicalBytes(numberedRecord(i, i === change ? { gateway_id: 'rewritten' } : {})));
  await log.append(entries);
  await log.close();
}

describe('verify against earlier checkpoints', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let dir: string;
  let at300: string;
  before(async () => {
    scratch = await scratchDir();
    dir = join(scratch.dir, 'ledger', '0');
    await writeLog(dir, 300);
    at300 = await readFile(join(dir, 'checkpoint'), 'utf8');
  });
  after(() => scratch.cleanup());

  it('proves a grown log consistent with the earlier checkpoint', async () => {
    const log = await openTileLog({ dir, origin: 'audit.test/history/0', signer: testSigner });
    await log.append(Array.from({ length: 100 }, (_, i) => canonicalBytes(numberedRecord(300 + i))));
    await log.close();
    const report = await verifyLedger(dir, { previous: [at300] });
    assert.equal(report.ok, true, JSON.stringify(report.logs[0]?.problems));
    assert.equal(report.logs[0]!.consistentWith, 300);
    const file = join(scratch.dir, 'prev.checkpoint');
    await writeFile(file, at300);
    const run = await cli('verify', join(scratch.dir, 'ledger'), '--previous', file);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^OK 0 size=400 root=\S+ consistent_with=300\n$/);
    assert.equal(run.stderr, '', 'no progress output when stderr is not a terminal');
  });

  it('fails a log that shrank', async () => {
    const copy = join(scratch.dir, 'shrunk');
    await writeLog(copy, 200);
    const report = await verifyLedger(copy, { previous: [at300] });
    assert.equal(report.ok, false);
    assert.equal(report.logs[0]!.problems[0]!.message, 'checkpoint: the log shrank: size 200 is smaller than the checkpoint of size 300 seen before');
  });

  it('fails a log whose history was rewritten and re-signed', async () => {
    const copy = join(scratch.dir, 'rewritten');
    // Same key, same origin, more entries, all internally consistent, but entry 10 differs.
    await writeLog(copy, 400, 10);
    assert.equal((await verifyLedger(copy)).ok, true, 'on its own the rewritten log looks fine');
    const report = await verifyLedger(copy, { previous: [at300] });
    assert.equal(report.logs[0]!.problems[0]!.message, 'checkpoint: not consistent with the checkpoint of size 300 seen before (history was rewritten)');
  });

  it('keeps a state file between runs and catches a rollback', async () => {
    const state = join(scratch.dir, 'verify-state.json');
    const ledger = join(scratch.dir, 'stateful');
    await writeLog(join(ledger, '0'), 300);
    const first = await cli('verify', ledger, '--state', state);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(Object.keys((JSON.parse(await readFile(state, 'utf8')) as { checkpoints: object }).checkpoints), ['audit.test/history/0']);
    await cp(join(ledger, '0'), join(scratch.dir, 'backup'), { recursive: true });
    await writeLog(join(ledger, '0'), 250);
    const second = await cli('verify', ledger, '--state', state);
    assert.equal(second.code, 1);
    assert.equal(second.stderr, 'FAIL 0: checkpoint: the log shrank: size 250 is smaller than the checkpoint of size 300 seen before\n');
    // The failed run did not overwrite what was remembered.
    await rm(join(ledger, '0'), { recursive: true });
    await cp(join(scratch.dir, 'backup'), join(ledger, '0'), { recursive: true });
    const third = await cli('verify', ledger, '--state', state);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stdout, / consistent_with=300\n$/);
  });
});
