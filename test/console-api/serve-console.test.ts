// The console on the ledger side of the trust boundary: palisade-audit serve --console over a ledger the gateway wrote, with its actions in the ledger folder's own console log, which verify covers.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ANALYST_KEY, REPO, gatewayLogDirs, sha256, type TestGateway } from '../support/gateway.js';
import { fromBase64Strict, leafHash, openCheckpoint, parseVerifier, verifyInclusion } from '@palisade/audit-core';
import { entryBundleFiles, readLedgerRecords } from '../support/ledger.js';
import { AUDITOR_KEY, call, chat, signIn, startConsoleGateway, type ConsoleSession } from './support.js';
import { auditCli as cli } from '../support/cli.js';

const TSX = ['--conditions=development', '--import', 'tsx', 'audit-consumer/src/cli.ts'];


/** Starts `palisade-audit serve`; resolves with its base URL once it prints it. */
function serve(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...TSX, 'serve', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(http:\/\/[^\s]+)\n/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

describe('palisade-audit serve --console', () => {
  let gw: TestGateway;
  let server: { child: ChildProcess; url: string };
  let auditor: ConsoleSession;
  let denied: string;

  before(async () => {
    gw = await startConsoleGateway();
    denied = (await chat(gw.url, ANALYST_KEY, 'My SSN is 536-22-8726')).decisionId;
    // Closing publishes every record under a checkpoint; the ledger is then served read-only.
    await gw.gateway.close();
    const keys = join(gw.dir, 'console-keys.json');
    writeFileSync(keys, JSON.stringify([{ id: 'auditor', key_sha256: sha256(AUDITOR_KEY), sub: 'auditor@example.com', roles: ['auditor'] }]));
    server = await serve([
      gw.ledgerDir,
      '--port', '0',
      '--console',
      '--console-signing-key', join(gw.dir, 'keys/ledger.key'),
      '--console-keys', keys,
      '--console-index', join(gw.dir, 'serve-index.sqlite'),
    ]);
    auditor = await signIn(server.url, AUDITOR_KEY);
  });
  after(async () => {
    server?.child.kill('SIGTERM');
    if (server) await new Promise((r) => server.child.once('exit', r));
    await gw?.close();
  });

  it('finds the gateway\'s denial', async () => {
    const answer = await call(server.url, `/console/api/decisions?decision_id=${denied}`, { session: auditor });
    assert.deepEqual((answer.body as { items: { outcome: string }[] }).items.map((i) => i.outcome), ['denied']);
  });

  it('still serves the ledger API beside the console', async () => {
    const res = await fetch(`${server.url}/api/v1/logs`);
    assert.equal(res.status, 200);
  });

  it('lists its own console log beside the gateway\'s, with the same key', async () => {
    const logs = (await call(server.url, '/console/api/logs', { session: auditor })).body as { log: string; vkey: string }[];
    assert.deepEqual(logs.map((l) => l.log), ['console', ...gatewayLogDirs(gw).map((dir) => basename(dir))]);
  });

  it('writes its actions to the console log, naming the person', () => {
    const actions = readLedgerRecords(join(gw.ledgerDir, 'console'));
    assert.deepEqual(actions.slice(0, 2).map((r) => [r.phase, r.console?.action, r.principal.sub]), [
      ['console', 'sign_in', 'auditor@example.com'],
      ['console', 'search', 'auditor@example.com'],
    ]);
  });

  it('leaves a ledger that palisade-audit verify accepts, console log included', async () => {
    const run = await cli('verify', gw.ledgerDir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^OK console size=\d+/m);
  });

  it('refuses content reading and erasure it was given no key store for', async () => {
    const answer = await call(server.url, '/console/api/subjects/analyst%40example.com/erase', { session: auditor, body: { confirm: 'analyst@example.com' } });
    assert.equal(answer.status, 404);
  });

  it('rebuilds the index with palisade-audit index rebuild', async () => {
    const index = join(gw.dir, 'rebuilt.sqlite');
    const run = await cli('index', 'rebuild', gw.ledgerDir, '--index', index);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^indexed [1-9]\\d* records from \\d+ entries of ${1 + gatewayLogDirs(gw).length} logs`));
    assert.equal(existsSync(index), true);
  });

  it('shows a byte flipped in the ledger as a proof that no longer verifies (read from disk, not the index)', async () => {
    const opened = (await call(server.url, `/console/api/decisions/${denied}`, { session: auditor })).body as { decision_entry: { log: string; index: number } };
    const log = opened.decision_entry.log;
    const file = entryBundleFiles(join(gw.ledgerDir, log)).at(-1)!;
    const bytes = readFileSync(file);
    const at = bytes.indexOf(Buffer.from(denied));
    bytes[at] = bytes[at] === 0x30 ? 0x31 : 0x30;
    writeFileSync(file, bytes);
    const proof = (await call(server.url, `/console/api/proof/${log}/${opened.decision_entry.index}`, { session: auditor })).body as { entry: string; index: number; tree_size: number; proof: string[]; checkpoint: string };
    const vkey = readFileSync(join(gw.ledgerDir, log, 'log.vkey'), 'utf8');
    const root = openCheckpoint(proof.checkpoint, [parseVerifier(vkey)]).rootHash;
    const ok = verifyInclusion(proof.index, proof.tree_size, leafHash(fromBase64Strict(proof.entry)!), proof.proof.map((h) => fromBase64Strict(h)!), root);
    assert.equal(ok, false);
  });
});
