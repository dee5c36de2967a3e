// Receipts (C2SP tlog-proof) for a decision: from a live log, from a ledger folder, from the CLI, and checked offline with the verifier key alone.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  canonicalBytes,
  formatTlogProof,
  generateNoteKey,
  parseSigner,
  parseTlogProof,
  parseVerifier,
  verifyTlogProof,
  type AuditRecordV1,
} from '@palisade/audit-core';
import { openLogReader, openTileLog } from '@palisade/ledger';
import { numberedRecord, scratchDir } from './fixtures.js';
import { auditCli as cli } from '../support/cli.js';

const signer = parseSigner(generateNoteKey('audit.test/receipts', Buffer.alloc(32, 5)).skey);
const verifier = parseVerifier(signer.vkey);


/** Decision n has id …-0000000000nn; its outcome follows it. */
function decisionPair(n: number): AuditRecordV1[] {
  const decisionId = `3f2504e0-4f89-41d3-9a0c-${n.toString(16).padStart(12, '0')}`;
  return [
    numberedRecord(2 * n, { decision_id: decisionId }),
    numberedRecord(2 * n + 1, { decision_id: decisionId, phase: 'outcome', outcome: { status: 200, latency_ms: 3 } }),
  ];
}

const decisionIdOf = (n: number): string => decisionPair(n)[0]!.decision_id;

describe('receipts', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let dir: string;
  const records: AuditRecordV1[] = [];
  before(async () => {
    scratch = await scratchDir();
    dir = join(scratch.dir, 'ledger', '0');
    const log = await openTileLog({ dir, origin: 'audit.test/receipts/0', signer, checkpointEvery: 10_000 });
    for (let n = 0; n < 300; n++) records.push(...decisionPair(n));
    await log.append(records.map((r) => canonicalBytes(r)));
    await log.close();
  });
  after(() => scratch.cleanup());

  it('proves a record with index, audit path and checkpoint, and carries the record', async () => {
    const reader = await openLogReader(dir);
    const found = await reader.findDecision(decisionIdOf(150));
    assert.deepEqual(found, [
      { index: 300, phase: 'decision' },
      { index: 301, phase: 'outcome' },
    ]);
    const receipt = await reader.receipt(300);
    assert.match(receipt, /^c2sp\.org\/tlog-proof@v1\nextra [A-Za-z0-9+/=]+\nindex 300\n([A-Za-z0-9+/]{43}=\n){10}\naudit\.test\/receipts\/0\n600\n/);
    const ok = verifyTlogProof(receipt, [verifier], { origin: 'audit.test/receipts/0' });
    assert.equal(ok.index, 300);
    assert.equal(ok.checkpoint.size, 600);
    assert.deepEqual(JSON.parse(Buffer.from(ok.entry).toString('utf8')), records[300]);
    assert.equal(verifyTlogProof(receipt, [verifier], { entry: canonicalBytes(records[300]) }).index, 300);
    assert.equal(formatTlogProof(parseTlogProof(receipt)), receipt, 'parse and format are inverse');
  });

  it('refuses receipts that do not prove what they claim', async () => {
    const reader = await openLogReader(dir);
    const receipt = await reader.receipt(300);
    const other = parseSigner(generateNoteKey('audit.test/receipts', Buffer.alloc(32, 6)).skey);
    assert.throws(() => verifyTlogProof(receipt, [other.verifier()]), { code: 'CORE_ERR_NOTE_UNVERIFIED' });
    assert.throws(() => verifyTlogProof(receipt, [verifier], { entry: canonicalBytes(records[302]) }), { code: 'CORE_ERR_PROOF_INVALID' });
    assert.throws(() => verifyTlogProof(receipt.replace('\nindex 300\n', '\nindex 301\n'), [verifier]), { code: 'CORE_ERR_PROOF_INVALID' });
    assert.throws(() => verifyTlogProof(receipt.replace('\n600\n', '\n601\n'), [verifier]), { code: 'CORE_ERR_NOTE_BAD_SIGNATURE' });
    assert.throws(() => verifyTlogProof(receipt, [verifier], { origin: 'elsewhere' }), { code: 'CORE_ERR_PROOF_INVALID' });
    const lines = receipt.split('\n');
    lines[3] = lines[3]!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    assert.throws(() => verifyTlogProof(lines.join('\n'), [verifier]), { code: 'CORE_ERR_PROOF_INVALID' });
    assert.throws(() => parseTlogProof(receipt.replace('c2sp.org/tlog-proof@v1', 'c2sp.org/tlog-proof@v2')), { code: 'CORE_ERR_PROOF_MALFORMED' });
    assert.throws(() => parseTlogProof(receipt.replace('\nindex 300\n', '\nindex 0300\n')), { code: 'CORE_ERR_PROOF_MALFORMED' });
  });

  it('palisade-audit receipt and verify-receipt work from files with only the verifier key', async () => {
    const out = join(scratch.dir, 'r.tlog-proof');
    const made = await cli('receipt', '--ledger', join(scratch.dir, 'ledger'), '--decision-id', decisionIdOf(7), '--phase', 'outcome', '--out', out);
    assert.equal(made.code, 0, made.stderr);
    assert.equal(made.stdout, `${out}: audit.test/receipts/0 index 15\n`);
    const vkeyFile = join(scratch.dir, 'log.vkey');
    await writeFile(vkeyFile, `${signer.vkey}\n`);
    const ok = await cli('verify-receipt', out, '--vkey', vkeyFile);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, `OK audit.test/receipts/0 index=15 size=600 root=${(await readFile(join(dir, 'checkpoint'), 'utf8')).split('\n')[2]} decision_id=${decisionIdOf(7)} phase=outcome\n`);

    const recordFile = join(scratch.dir, 'record.json');
    await writeFile(recordFile, canonicalBytes(records[15]));
    assert.equal((await cli('verify-receipt', out, '--vkey', signer.vkey, '--record', recordFile)).code, 0);
    await writeFile(recordFile, canonicalBytes(records[14]));
    const wrong = await cli('verify-receipt', out, '--vkey', signer.vkey, '--record', recordFile);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^AUD_ERR_RECEIPT_INVALID: .*not included at index 15/);

    const missing = await cli('receipt', '--ledger', join(scratch.dir, 'ledger'), '--decision-id', '3f2504e0-4f89-41d3-9a0c-ffffffffffff');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^AUD_ERR_NOT_FOUND/);
    assert.equal((await cli('receipt', '--ledger', scratch.dir)).code, 2);
  });
});
