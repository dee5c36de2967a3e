// What the gateway keeps of prompts and answers, as the policy's `audit.content` decides: never the
// text in a leaf; salted commitments under the subject's key; sealed copies for "full" and
// "redacted". Erasing the subject makes the copies unreadable and keeps every proof. A record too
// large for a ledger entry refuses its request (413) rather than being cut down.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { commitContent, parseVerifier, verifyTlogProof, canonicalBytes, type AuditRecordV1 } from '@palisade/audit-core';
import { ContentStore, SubjectKeyStore, openLogReader } from '@palisade/ledger';
import { ALLOW_RESPONSE_REGO, buildSignedFixtureBundle, devPublicKeyPath } from '../policy/support.js';
import { PRIVILEGED_KEY, gatewayLogDirs, readGatewayRecords, sha256, startTestGateway, type TestGateway } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { runCli } from '../support/cli.js';
import { entryBundleFiles } from '../support/ledger.js';

// The test policy keeps content according to the request's temperature, so one caller can ask for each mode.
const CONTENT_REGO = `package palisade.request

modes := {"0.1": "full", "0.2": "redacted", "0.3": "none"}

mode := m if {
  m := modes[sprintf("%v", [input.request.params.temperature])]
} else := "hash"

decision := {"allow": true, "reasons": [], "audit": {"content": mode}}
`;

const PROMPT = 'File the claim for John, SSN 536-22-8726, by Friday.';
const BIG_KEY = 'sk-test-many-roles-0123456789';

describe('content kept by policy, and erasure, through the gateway', () => {
  const work = mkdtempSync(join(tmpdir(), 'palisade-content-'));
  let gw: TestGateway;
  let upstream: FakeOpenAI;
  const ids = new Map<string, string>();

  before(async () => {
    const bundle = join(work, 'content.tar.gz');
    writeFileSync(bundle, await buildSignedFixtureBundle({ 'request.rego': CONTENT_REGO, 'response.rego': ALLOW_RESPONSE_REGO }));
    upstream = await startFakeOpenAI({ answer: () => 'Done. Reference for SSN 536-22-8726 filed.' });
    gw = await startTestGateway((c) => {
      c['policy'] = { bundle, verification: { public_key_file: devPublicKeyPath, key_id: 'palisade-dev', scope: 'development' } };
      (c['providers'] as unknown[]).push({ name: 'upstream', type: 'openai', base_url: upstream.baseUrl, timeout_ms: 5000 });
      (c['models'] as unknown[]).push({ name: 'gpt-test', provider: 'upstream' });
      // A caller whose group claims alone would make a record larger than a ledger entry.
      const roles = Array.from({ length: 3000 }, (_, i) => `department-group-${String(i).padStart(5, '0')}`);
      (c['identity'] as { api_keys: unknown[] }).api_keys.push({ id: 'many-roles', key_sha256: sha256(BIG_KEY), sub: 'big@example.com', roles });
    });
  });
  after(async () => {
    await gw?.gateway.close().catch(() => undefined);
    await upstream?.close();
    rmSync(gw?.dir ?? work, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('answers every mode, and streams', async () => {
    const client = new OpenAI({ apiKey: PRIVILEGED_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    for (const [mode, temperature] of [['full', 0.1], ['redacted', 0.2], ['none', 0.3], ['hash', 0.7]] as const) {
      const { data, response } = await client.chat.completions.create({ model: 'gpt-test', temperature, messages: [{ role: 'user', content: PROMPT }] }).withResponse();
      assert.match(data.choices[0]?.message.content ?? '', /^Done\./);
      ids.set(mode, response.headers.get('x-palisade-decision-id') ?? '');
    }
    const stream = await client.chat.completions.create({ model: 'gpt-test', temperature: 0.1, stream: true, messages: [{ role: 'user', content: PROMPT }] }).withResponse();
    let text = '';
    for await (const chunk of stream.data) text += chunk.choices[0]?.delta.content ?? '';
    assert.match(text, /^Done\./);
    ids.set('streamed', stream.response.headers.get('x-palisade-decision-id') ?? '');
  });

  it('refuses with 413, forwarding nothing, a request whose record would not fit a ledger entry', async () => {
    const before = upstream.received.length;
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BIG_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hello' }] }),
    });
    assert.equal(res.status, 413);
    const body = (await res.json()) as { error: { palisade_code: string; decision_id?: string } };
    assert.equal(body.error.palisade_code, 'GW_ERR_AUDIT_RECORD_TOO_LARGE');
    assert.equal(upstream.received.length, before, 'nothing was forwarded');
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    assert.match(metrics, /palisade_audit_failures_total\{phase="decision"\} 1\b/);
  });

  it('keeps commitments under the subject key and sealed copies as the policy said, never text in the ledger', async () => {
    await gw.gateway.close();
    const records = readGatewayRecords(gw);
    const raw = gatewayLogDirs(gw).flatMap((log) => entryBundleFiles(log)).map((f) => readFileSync(f, 'latin1')).join('');
    assert.ok(!raw.includes('536-22-8726') && !raw.includes('File the claim'), 'no prompt or answer text in any leaf');
    // The oversized decision record was not written, not even cut down; its refusal is, naming the person without the roles.
    const big = records.filter((r) => r.principal.sub === 'big@example.com');
    assert.equal(big.length, 1);
    assert.equal(big[0]?.error?.code, 'GW_ERR_AUDIT_RECORD_TOO_LARGE');
    assert.deepEqual(big[0]?.principal.roles, []);
    assert.equal(big[0]?.policy, undefined);

    const masterKey = Buffer.from(readFileSync(join(gw.dir, 'keys/commitment.key'), 'utf8').trim(), 'hex');
    const keys = new SubjectKeyStore({ dir: join(gw.dir, 'keys/subject-keys'), masterKey, cacheMs: 0 });
    const store = new ContentStore(join(gw.dir, 'keys/content'));
    const key = await keys.get('urn:palisade:api-key', 'privileged@example.com');
    assert.ok(key);
    const of = (mode: string, phase: 'decision' | 'outcome'): AuditRecordV1 => records.find((r) => r.decision_id === ids.get(mode) && r.phase === phase)!;
    const requestText = JSON.stringify([PROMPT]);
    const answer = 'Done. Reference for SSN 536-22-8726 filed.';

    for (const mode of ['full', 'redacted', 'hash']) {
      const decision = of(mode, 'decision');
      const outcome = of(mode, 'outcome');
      assert.equal(decision.content?.mode, mode);
      assert.equal(decision.content?.key_id, key.keyId);
      assert.deepEqual(decision.content?.request, { bytes: Buffer.byteLength(requestText), commitment: commitContent(key.commitKey, requestText) });
      assert.deepEqual(outcome.content?.response, { bytes: Buffer.byteLength(answer), commitment: commitContent(key.commitKey, answer) });
    }
    assert.deepEqual(of('none', 'decision').content, { mode: 'none' });
    assert.deepEqual(of('none', 'outcome').content, { mode: 'none' });

    assert.deepEqual(await store.read(of('full', 'decision'), keys), { request: { mode: 'full', text: requestText } });
    assert.deepEqual(await store.read(of('full', 'outcome'), keys), { response: { mode: 'full', text: answer } });
    assert.deepEqual(await store.read(of('streamed', 'outcome'), keys), { response: { mode: 'full', text: answer } });
    const redacted = await store.read(of('redacted', 'decision'), keys);
    assert.equal(redacted.request?.text, JSON.stringify(['File the claim for John, SSN <US_SSN_1>, by Friday.']));
    assert.match((await store.read(of('redacted', 'outcome'), keys)).response?.text ?? '', /^Done\. Reference for SSN <US_SSN_1> filed\.$/);
    await assert.rejects(store.read(of('hash', 'decision'), keys), { code: 'AUD_ERR_CONTENT_UNAVAILABLE' });
  });

  it('erasing the subject leaves the content unreadable and every proof valid', async () => {
    const keysDir = join(gw.dir, 'keys/subject-keys');
    const erased = await runCli('palisade-audit', ['erase', '--subject', 'privileged@example.com', '--iss', 'urn:palisade:api-key', '--keys', keysDir]);
    assert.equal(erased.code, 0, erased.stderr);
    assert.match(erased.stdout, /^erased subject key [0-9a-f]{32}\n$/);
    const content = await runCli('palisade-audit', [
      'content', '--ledger', gw.ledgerDir, '--decision-id', ids.get('full')!, '--store', join(gw.dir, 'keys/content'), '--keys', keysDir, '--master-key', join(gw.dir, 'keys/commitment.key'),
    ]);
    assert.equal(content.code, 1);
    assert.match(content.stderr, /^AUD_ERR_CONTENT_UNAVAILABLE/);

    const verified = await runCli('palisade-audit', ['verify', gw.ledgerDir]);
    assert.equal(verified.code, 0, verified.stderr);
    // Both records of a request are in the log of the process that answered it.
    const logs = await Promise.all(gatewayLogDirs(gw).map(async (dir) => ({ dir, reader: await openLogReader(dir) })));
    const holding = await Promise.all(logs.map(async (l) => ({ ...l, found: await l.reader.findDecision(ids.get('full')!) })));
    const hit = holding.find((l) => l.found.length > 0);
    assert.ok(hit, 'a log holds the request');
    const { dir, reader, found } = hit;
    const vkey = parseVerifier(readFileSync(join(dir, 'log.vkey'), 'utf8'));
    assert.equal(found.length, 2);
    for (const f of found) {
      const record = JSON.parse(Buffer.from(await reader.readEntry(f.index)).toString('utf8')) as AuditRecordV1;
      assert.equal(verifyTlogProof(await reader.receipt(f.index), [vkey], { entry: canonicalBytes(record) }).index, f.index);
    }
  });
});
