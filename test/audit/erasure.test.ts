// Crypto-shredding: content kept for a subject opens while its key exists; after erase it does not, its commitments cannot be tested, and every proof still verifies.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { canonicalBytes, commitContent, parseVerifier, verifyTlogProof, type AuditRecordV1 } from '@palisade/audit-core';
import { ContentStore, SubjectKeyStore, openLogReader, openTileLog, subjectKeyFileName, verifyLedger } from '@palisade/ledger';
import { numberedRecord, scratchDir } from './fixtures.js';
import { testSigner } from './ledger-builder.js';
import { auditCli as cli } from '../support/cli.js';

const MASTER = Buffer.alloc(32, 0x42);
const PROMPT = '["My SSN is 536-22-8726"]';


describe('erasure', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let keysDir: string;
  let storeDir: string;
  let ledger: string;
  let record: AuditRecordV1;
  let masterFile: string;

  before(async () => {
    scratch = await scratchDir();
    keysDir = join(scratch.dir, 'keys');
    storeDir = join(scratch.dir, 'content');
    ledger = join(scratch.dir, 'ledger');
    masterFile = join(scratch.dir, 'master.key');
    await writeFile(masterFile, `${MASTER.toString('hex')}\n`);
    const keys = new SubjectKeyStore({ dir: keysDir, masterKey: MASTER });
    const key = await keys.getOrCreate('https://idp.example', 'alice');
    record = numberedRecord(1, { decision_id: '3f2504e0-4f89-41d3-9a0c-0000000000aa', content: { mode: 'full', key_id: key.keyId, request: { bytes: PROMPT.length, commitment: commitContent(key.commitKey, PROMPT) } } });
    await new ContentStore(storeDir).write(record.record_id, key, { request: { mode: 'full', text: PROMPT } });
    const log = await openTileLog({ dir: join(ledger, '0'), origin: 'audit.test/erasure/0', signer: testSigner });
    await log.append([canonicalBytes(numberedRecord(0)), canonicalBytes(record), canonicalBytes(numberedRecord(2))]);
    await log.close();
  });
  after(() => scratch.cleanup());

  it('keeps per-subject keys wrapped, in files named by a digest', async () => {
    const names = await readdir(keysDir);
    assert.deepEqual(names, [subjectKeyFileName('https://idp.example', 'alice')]);
    const text = await readFile(join(keysDir, names[0]!), 'utf8');
    assert.ok(!text.includes('alice'), 'the file does not name the subject');
    const wrongMaster = new SubjectKeyStore({ dir: keysDir, masterKey: Buffer.alloc(32, 1) });
    await assert.rejects(wrongMaster.get('https://idp.example', 'alice'), { code: 'AUD_ERR_KEYSTORE' });
    const other = await new SubjectKeyStore({ dir: keysDir, masterKey: MASTER }).getOrCreate('https://idp.example', 'bob');
    assert.notEqual(other.keyId, record.content?.key_id);
    assert.notEqual(commitContent(other.commitKey, PROMPT), record.content?.request?.commitment, 'commitments differ per subject');
    const raw = await readFile(join(storeDir, record.record_id.slice(0, 6), `${record.record_id}.json`), 'utf8');
    assert.ok(!raw.includes('536-22-8726'), 'content is sealed at rest');
  });

  it('opens the kept content while the key exists, and tests a guess against the commitment', async () => {
    const run = await cli('content', '--ledger', ledger, '--decision-id', record.decision_id, '--store', storeDir, '--keys', keysDir, '--master-key', masterFile);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { decision_id: record.decision_id, record_id: record.record_id, request: { mode: 'full', text: PROMPT } });
    const nothingKept = await cli('content', '--ledger', ledger, '--decision-id', numberedRecord(0).decision_id, '--store', storeDir, '--keys', keysDir, '--master-key', masterFile);
    assert.equal(nothingKept.code, 1);
    assert.match(nothingKept.stderr, /^AUD_ERR_CONTENT_UNAVAILABLE/);
    const keys = new SubjectKeyStore({ dir: keysDir, masterKey: MASTER, cacheMs: 0 });
    const opened = await new ContentStore(storeDir).read(record, keys);
    assert.deepEqual(opened, { request: { mode: 'full', text: PROMPT } });
    const key = await keys.get('https://idp.example', 'alice');
    assert.equal(commitContent(key!.commitKey, PROMPT), record.content?.request?.commitment);
  });

  it('erase destroys the key: content is gone, guesses cannot be tested, proofs still verify', async () => {
    const erased = await cli('erase', '--subject', 'alice', '--iss', 'https://idp.example', '--keys', keysDir);
    assert.equal(erased.code, 0, erased.stderr);
    assert.equal(erased.stdout, `erased subject key ${record.content?.key_id}\n`);
    assert.deepEqual(await readdir(keysDir), [subjectKeyFileName('https://idp.example', 'bob')]);
    const again = await cli('erase', '--subject', 'alice', '--iss', 'https://idp.example', '--keys', keysDir);
    assert.equal(again.stdout, 'no key for this subject; nothing to erase\n');

    const keys = new SubjectKeyStore({ dir: keysDir, masterKey: MASTER, cacheMs: 0 });
    await assert.rejects(new ContentStore(storeDir).read(record, keys), { code: 'AUD_ERR_CONTENT_UNAVAILABLE' });
    assert.equal(await keys.get('https://idp.example', 'alice'), null);
    const fresh = await keys.getOrCreate('https://idp.example', 'alice');
    assert.notEqual(fresh.keyId, record.content?.key_id, 'a returning subject gets a new key');
    assert.notEqual(commitContent(fresh.commitKey, PROMPT), record.content?.request?.commitment, 'the old commitment cannot be tested with the new key');
    await assert.rejects(new ContentStore(storeDir).read(record, keys), { code: 'AUD_ERR_CONTENT_UNAVAILABLE' });

    const report = await verifyLedger(ledger);
    assert.equal(report.ok, true);
    const reader = await openLogReader(join(ledger, '0'));
    const afterErase = await cli('content', '--ledger', ledger, '--decision-id', record.decision_id, '--store', storeDir, '--keys', keysDir, '--master-key', masterFile);
    assert.equal(afterErase.code, 1);
    assert.match(afterErase.stderr, /^AUD_ERR_CONTENT_UNAVAILABLE: .*erased/);
    const receipt = await reader.receipt(1);
    assert.equal(verifyTlogProof(receipt, [parseVerifier(testSigner.vkey)], { entry: canonicalBytes(record) }).index, 1);
  });
});
