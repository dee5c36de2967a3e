// The palisade-audit command as a user runs it: output lines and exit codes of verify, and config errors of consume.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateNoteKey } from '@palisade/audit-core';
import { scratchDir } from './fixtures.js';
import { buildLedger, entryOffset } from './ledger-builder.js';
import { auditCli as cli } from '../support/cli.js';

const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');



describe('palisade-audit', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let ledger: string;
  let entries: Uint8Array[][];
  before(async () => {
    scratch = await scratchDir();
    ledger = join(scratch.dir, 'ledger');
    entries = await buildLedger(ledger, [300, 5]);
  });
  after(() => scratch.cleanup());

  it('verify prints one OK line per log and exits 0', async () => {
    const run = await cli('verify', ledger);
    assert.equal(run.code, 0, run.stderr);
    const root0 = (await readFile(join(ledger, '0/checkpoint'), 'utf8')).split('\n')[2];
    const root1 = (await readFile(join(ledger, '1/checkpoint'), 'utf8')).split('\n')[2];
    assert.equal(run.stdout, `OK 0 size=300 root=${root0}\nOK 1 size=5 root=${root1}\n`);
    assert.equal(run.stderr, '');
  });

  it('verify names the first problem on stderr and exits 1', async () => {
    const wrongKey = generateNoteKey('audit.test/ledger', Buffer.alloc(32, 1)).vkey;
    const run = await cli('verify', join(ledger, '1'), '--vkey', wrongKey);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'FAIL 1: checkpoint: not signed by the given vkey (audit.test/ledger)\n');

    const bundle = join(ledger, '0/tile/entries/000');
    const data = await readFile(bundle);
    data[entryOffset(entries[0]!, 3) + 30]! ^= 0x02;
    await writeFile(bundle, data);
    const tampered = await cli('verify', ledger);
    assert.equal(tampered.code, 1);
    assert.equal(tampered.stderr, 'FAIL 0: entry 3: leaf hash does not match tile/0/000\n');
    assert.match(tampered.stdout, /^OK 1 size=5 root=/);
  });

  it('serve publishes a ledger folder over HTTP until stopped', async () => {
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'audit-consumer/src/cli.ts', 'serve', ledger, '--port', '0'], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    try {
      const url = await new Promise<string>((done, fail) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const line = /^(http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
          if (line) done(line[1]!);
        });
        child.once('exit', (code) => fail(new Error(`serve exited with ${code}`)));
      });
      const served = await (await fetch(`${url}/logs/0/checkpoint`)).text();
      assert.equal(served, await readFile(join(ledger, '0/checkpoint'), 'utf8'));
      const logs = (await (await fetch(`${url}/api/v1/logs`)).json()) as { logs: { name: string; size: number }[] };
      assert.deepEqual(logs.logs.map((l) => [l.name, l.size]), [['0', 300], ['1', 5]]);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('exits 2 on usage errors', async () => {
    for (const args of [[], ['verify'], ['verify', 'a', 'b'], ['verify', ledger, '--nope'], ['frobnicate'], ['consume'], ['serve', ledger], ['erase', '--subject', 'a'], ['verify-receipt', 'x']]) {
      const run = await cli(...args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /Usage:/);
    }
  });

  it('consume reports every configuration problem with its path and exits 2', async () => {
    const file = join(scratch.dir, 'bad-config.json');
    await writeFile(
      file,
      JSON.stringify({ kafka: { brokers: 'localhost', topic: 'audit', groupId: 'g' }, ledger: { dir: 'x', origin_prefix: 'has space', checkpoint_every: 0 }, http: { port: 'x' }, extra: 1 }),
    );
    const run = await cli('consume', '--config', file);
    assert.equal(run.code, 2);
    for (const problem of [
      '/: unknown property "extra"',
      '/kafka: missing property "group_id"',
      '/kafka: unknown property "groupId"',
      '/kafka/brokers: must be array',
      '/ledger: missing property "signing_key_file"',
      '/ledger/origin_prefix: must match pattern',
      '/ledger/checkpoint_every: must be >= 1',
      '/http/port: must be integer',
    ]) {
      assert.ok(run.stderr.includes(problem), `${problem} in:\n${run.stderr}`);
    }
    const missing = await cli('consume', '--config', join(scratch.dir, 'nope.json'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.json: cannot be read/);
  });
});
