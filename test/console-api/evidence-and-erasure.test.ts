// Exports that an examiner checks offline with palisade-audit verify-evidence, and erasing a data subject from the console: content reads "erased", every record still verifies.
// Not with workers: the gateway serves its embedded audit console only as one process (docs/workers.md).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { generateNoteKey } from '@palisade/audit-core';
import { PRIVILEGED_KEY, readGatewayRecords, type TestGateway } from '../support/gateway.js';
import { ALLOW_RESPONSE_REGO, buildSignedFixtureBundle, devPublicKeyPath, makeTarGz } from '../policy/support.js';
import { AUDITOR_KEY, READER_KEY, call, chat, eventually, signIn, startConsoleGateway, type ConsoleSession } from './support.js';
import { auditCli as cli } from '../support/cli.js';
import { buildVerifier, goMissing, runVerifier } from '../interop/go-verifier.js';

// Keeps every prompt and answer, so the console has content to show and erasure has something to destroy.
const KEEP_ALL_REGO = `package palisade.request

decision := {"allow": true, "reasons": [], "audit": {"content": "full"}}
`;
const PROMPT = 'Summarise the claim of Jane, phone 555-0100.';


async function untar(gz: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const parts: Buffer[] = [];
      stream.on('data', (c: unknown) => parts.push(c as Buffer));
      stream.on('end', () => {
        files.set(header.name, Buffer.concat(parts));
        next();
      });
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  Readable.from([gunzipSync(gz)]).pipe(ex);
  await done;
  return files;
}

describe('evidence export and subject erasure in the console', () => {
  const work = mkdtempSync(join(tmpdir(), 'palisade-console-evidence-'));
  let gw: TestGateway;
  let auditor: ConsoleSession;
  let reader: ConsoleSession;
  let decisionId: string;
  let archive: Buffer;
  const archiveFile = join(work, 'evidence.tar.gz');
  const vkeyFile = (): string => join(gw.ledgerDir, 'default/log.vkey');

  before(async () => {
    const bundle = join(work, 'keep-all.tar.gz');
    writeFileSync(bundle, await buildSignedFixtureBundle({ 'request.rego': KEEP_ALL_REGO, 'response.rego': ALLOW_RESPONSE_REGO }));
    gw = await startConsoleGateway((c) => {
      c['policy'] = { bundle, verification: { public_key_file: devPublicKeyPath, key_id: 'palisade-dev', scope: 'development' } };
    });
    const answered = await chat(gw.url, PRIVILEGED_KEY, PROMPT);
    assert.equal(answered.status, 200);
    decisionId = answered.decisionId;
    auditor = await signIn(gw.url, AUDITOR_KEY);
    reader = await signIn(gw.url, READER_KEY);
    await eventually(async () => {
      const found = await call(gw.url, `/console/api/decisions?decision_id=${decisionId}`, { session: auditor });
      const item = (found.body as { items: { log: string | null }[] }).items[0];
      // Both records under a checkpoint: the export then carries both.
      const opened = item ? ((await call(gw.url, `/console/api/decisions/${decisionId}`, { session: auditor })).body as { outcome_entry: unknown }) : undefined;
      return opened?.outcome_entry ? true : undefined;
    }, 'the decision and its outcome in the index');
    const exported = await call(gw.url, '/console/api/export', { session: auditor, body: { decision_ids: [decisionId] } });
    assert.equal(exported.status, 200, exported.bytes.toString('utf8'));
    archive = exported.bytes;
    writeFileSync(archiveFile, archive);
  });
  after(async () => {
    await gw?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('exports a gzip tar with the records, proofs, checkpoint, key, bundles, Article 12 facts and a README', async () => {
    const files = await untar(archive);
    assert.deepEqual([...files.keys()].sort(), ['README.md', 'article12.json', 'bundles.json', 'checkpoints/default.checkpoint', 'log.vkey', 'manifest.json', 'proofs.jsonl', 'records.jsonl']);
  });

  it('puts both records of the decision in the export, and no prompt text', async () => {
    const files = await untar(archive);
    const lines = files.get('records.jsonl')!.toString('utf8').trim().split('\n');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { phase: string }).phase), ['decision', 'outcome']);
    assert.equal(files.get('records.jsonl')!.toString('utf8').includes('555-0100'), false);
  });

  it('names the period, the bundle and the people in article12.json', async () => {
    const facts = JSON.parse((await untar(archive)).get('article12.json')!.toString('utf8')) as {
      period_of_use: { from: string; to: string };
      reference_data: { policy_bundles: { digest: string }[] };
      natural_persons: { requesters: { sub: string }[]; verified_by: { sub: string } };
    };
    assert.deepEqual(
      [facts.natural_persons.requesters.map((p) => p.sub), facts.natural_persons.verified_by.sub, facts.reference_data.policy_bundles.length],
      [['privileged@example.com'], 'auditor@example.com', 1],
    );
  });

  it('verifies with palisade-audit verify-evidence and the ledger key', async () => {
    const run = await cli('verify-evidence', archiveFile, '--vkey', vkeyFile());
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^OK 2 records verify/);
  });

  it("verifies with Go's sumdb/tlog and sumdb/note, independently of our code", { skip: goMissing }, async () => {
    const unpacked = join(work, 'evidence');
    for (const [name, data] of await untar(archive)) {
      mkdirSync(dirname(join(unpacked, name)), { recursive: true });
      writeFileSync(join(unpacked, name), data);
    }
    const run = await runVerifier(await buildVerifier(), ['evidence', unpacked, readFileSync(vkeyFile(), 'utf8')]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'OK evidence: 2 records included in signed checkpoints');
  });

  it("fails Go's check on an altered record", { skip: goMissing }, async () => {
    const unpacked = join(work, 'evidence-altered');
    for (const [name, data] of await untar(archive)) {
      mkdirSync(dirname(join(unpacked, name)), { recursive: true });
      writeFileSync(join(unpacked, name), name === 'records.jsonl' ? Buffer.from(data.toString('utf8').replace('"phase":"decision"', '"phase":"outcome"')) : data);
    }
    const run = await runVerifier(await buildVerifier(), ['evidence', unpacked, readFileSync(vkeyFile(), 'utf8')]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /FAIL line 1 \(log default, index \d+\)/);
  });

  it('fails verify-evidence on an altered record, naming its line', async () => {
    const files = await untar(archive);
    const altered = files.get('records.jsonl')!.toString('utf8').replace('privileged@example.com', 'someone-else@example.com');
    files.set('records.jsonl', Buffer.from(altered));
    const tampered = join(work, 'tampered.tar.gz');
    writeFileSync(tampered, await makeTarGz([...files].map(([name, body]) => ({ name, body }))));
    const run = await cli('verify-evidence', tampered, '--vkey', vkeyFile());
    assert.equal(run.code, 1);
    assert.match(run.stderr, /records\.jsonl line 1 .*not the entry the signed checkpoint commits to/);
  });

  it('fails verify-evidence under a key that did not sign the checkpoints', async () => {
    const other = join(work, 'other.vkey');
    writeFileSync(other, `${generateNoteKey('test.palisade/gateway').vkey}\n`);
    const run = await cli('verify-evidence', archiveFile, '--vkey', other);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /checkpoints\/default\.checkpoint: its signature does not verify/);
  });

  it('shows the kept prompt to a content reader', async () => {
    const answer = await call(gw.url, `/console/api/decisions/${decisionId}`, { session: reader });
    const content = (answer.body as { content: { request: string | null } }).content;
    assert.match(content.request ?? '', /555-0100/);
  });

  it('refuses an erasure whose confirmation does not name the subject, with 409', async () => {
    const answer = await call(gw.url, '/console/api/subjects/privileged%40example.com/erase', { session: auditor, body: { confirm: 'someone' } });
    assert.equal(answer.status, 409);
    assert.equal((answer.body as { error: { code: string } }).error.code, 'CON_ERR_CONFIRMATION');
  });

  it('refuses an erasure without the CSRF header', async () => {
    const answer = await call(gw.url, '/console/api/subjects/privileged%40example.com/erase', { session: auditor, body: { confirm: 'privileged@example.com' }, csrf: null });
    assert.equal(answer.status, 403);
  });

  it('erases a subject: content then reads "erased" and the subject shows as erased', async () => {
    const erased = await call(gw.url, '/console/api/subjects/privileged%40example.com/erase', { session: auditor, body: { confirm: 'privileged@example.com' } });
    assert.deepEqual([erased.status, erased.body], [200, { erased: true }]);
    const opened = await call(gw.url, `/console/api/decisions/${decisionId}`, { session: reader });
    const subject = await call(gw.url, '/console/api/subjects/privileged%40example.com', { session: auditor });
    assert.deepEqual([(opened.body as { content: unknown }).content, (subject.body as { erased: boolean }).erased], ['erased', true]);
  });

  it('records the export and the erasure in the ledger, naming the auditor', async () => {
    const actions = await eventually(async () => {
      const records = readGatewayRecords(gw).filter((r) => r.phase === 'console');
      return records.some((r) => r.console?.action === 'erase') ? records : undefined;
    }, 'the erasure record');
    const seen = actions.filter((r) => r.principal.sub === 'auditor@example.com').map((r) => `${r.console?.action}:${r.console?.subject ?? r.console?.decision_ids?.join(',') ?? ''}`);
    assert.ok(seen.includes(`export:${decisionId}`) && seen.includes('erase:privileged@example.com'), seen.join(' | '));
  });

  it('keeps the ledger verifiable after the erasure', async () => {
    const run = await cli('verify', gw.ledgerDir);
    assert.equal(run.code, 0, run.stderr);
  });

  it('keeps the exported records verifiable after the erasure', async () => {
    const run = await cli('verify-evidence', archiveFile, '--vkey', vkeyFile());
    assert.equal(run.code, 0, run.stderr);
  });
});
