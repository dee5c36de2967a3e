// API keys managed with `palisade keys` in a keys file the gateway watches: created keys work at
// once, revoked and expired keys are refused without a restart, and only hashes are ever stored.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { runCli } from '../support/cli.js';
import { ANALYST_KEY } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { chat, errorOf, recordOf, startIdentityGateway, type IdentityGateway } from './support/setup.js';

const KEY_RE = /^pal_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/;

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('API keys from a keys file managed with palisade keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-keys-'));
  const file = join(dir, 'keys.json');
  let upstream: FakeOpenAI;
  let gw: IdentityGateway;
  let key = '';
  let keyId = '';
  const decisions: { id: string; code?: string }[] = [];

  before(async () => {
    upstream = await startFakeOpenAI();
    gw = await startIdentityGateway(upstream, (identity) => {
      identity['api_keys_file'] = file;
      identity['api_keys_file_poll_ms'] = 100;
    });
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a key: printed once, stored only as its hash', async () => {
    const created = await runCli('palisade', ['keys', 'create', '--file', file, '--sub', 'billing@corp.example', '--tenant', 'corp', '--roles', 'analyst,pii-reader', '--app', 'billing', '--expires', '30d']);
    assert.equal(created.code, 0, created.stderr);
    key = created.stdout.trim();
    assert.match(key, KEY_RE);
    keyId = key.split('_')[1] ?? '';
    assert.match(created.stderr, new RegExp(`Created API key ${keyId} for billing@corp.example`));
    const stored = readFileSync(file, 'utf8');
    assert.ok(!stored.includes(key.split('_')[2] ?? key), 'the secret is not in the file');
    const entry = (JSON.parse(stored) as { keys: Record<string, unknown>[] }).keys[0];
    assert.equal(entry?.['id'], keyId);
    assert.match(String(entry?.['key_sha256']), /^[0-9a-f]{64}$/);
  });

  it('serves the new key without a restart, as its principal and tenant', async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    await until('the gateway has read the new key', async () => (await chat(gw.url, { authorization: `Bearer ${key}` })).status === 200);
    const { response } = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'My SSN is 536-22-8726' }] }).withResponse();
    decisions.push({ id: response.headers.get('x-palisade-decision-id') ?? '' });
  });

  it('lists keys without hashes or secrets', async () => {
    const listed = await runCli('palisade', ['keys', 'list', '--file', file]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^ID\s+SUB\s+TENANT\s+ROLES\s+APP\s+CREATED\s+EXPIRES\s+REVOKED$/m);
    assert.match(listed.stdout, new RegExp(`^${keyId}\\s+billing@corp\\.example\\s+corp\\s+analyst,pii-reader\\s+billing\\s`, 'm'));
    assert.ok(!/[0-9a-f]{64}/.test(listed.stdout), 'no hash printed');
    assert.ok(!listed.stdout.includes(key), 'no key printed');
  });

  it('rotates: a second key for the same principal works beside the first', async () => {
    const second = await runCli('palisade', ['keys', 'create', '--file', file, '--sub', 'billing@corp.example', '--tenant', 'corp', '--roles', 'analyst', '--app', 'billing']);
    assert.equal(second.code, 0, second.stderr);
    const key2 = second.stdout.trim();
    await until('the second key is served', async () => (await chat(gw.url, { authorization: `Bearer ${key2}` })).status === 200);
    assert.equal((await chat(gw.url, { authorization: `Bearer ${key}` })).status, 200, 'the first key still works');
  });

  it('revokes a key: refused without a restart, and the refusal is audited', async () => {
    const revoked = await runCli('palisade', ['keys', 'revoke', '--file', file, '--id', keyId]);
    assert.equal(revoked.code, 0, revoked.stderr);
    let last = await chat(gw.url, { authorization: `Bearer ${key}` });
    await until('the revocation takes effect', async () => {
      last = await chat(gw.url, { authorization: `Bearer ${key}` });
      return last.status === 401;
    });
    assert.equal(errorOf(last).palisade_code, 'GW_ERR_AUTH_REVOKED');
    assert.match(last.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    decisions.push({ id: last.headers.get('x-palisade-decision-id') ?? '', code: 'GW_ERR_AUTH_REVOKED' });
    const listed = await runCli('palisade', ['keys', 'list', '--file', file, '--json']);
    const rows = JSON.parse(listed.stdout) as { id: string; revoked_at?: string; key_sha256?: string }[];
    assert.ok(rows.find((r) => r.id === keyId)?.revoked_at);
    assert.ok(rows.every((r) => r.key_sha256 === undefined));
  });

  it('refuses an expired key', async () => {
    const content = JSON.parse(readFileSync(file, 'utf8')) as { keys: Record<string, unknown>[] };
    const expired = 'pal_expiredkey01_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    content.keys.push({ id: 'expiredkey01', key_sha256: createHash('sha256').update(expired).digest('hex'), sub: 'old@corp.example', roles: [], created_at: '2025-01-01T00:00:00Z', expires_at: '2025-02-01T00:00:00Z' });
    writeFileSync(file, JSON.stringify(content));
    let last = await chat(gw.url, { authorization: `Bearer ${expired}` });
    await until('the expired key is known', async () => {
      last = await chat(gw.url, { authorization: `Bearer ${expired}` });
      return errorOf(last).palisade_code === 'GW_ERR_AUTH_EXPIRED';
    });
    assert.equal(last.status, 401);
  });

  it('keeps the last good keys when the file is broken, and says so in /readyz', async () => {
    writeFileSync(file, '{"version": 1, "keys": [');
    await until('readiness reports the broken file', async () => {
      const ready = (await (await fetch(`${gw.url}/readyz`)).json()) as { components: { identity: { detail?: string } } };
      return /API keys file not loaded/.test(ready.components.identity.detail ?? '');
    });
    assert.equal((await chat(gw.url, { authorization: `Bearer ${key}` })).status, 401, 'the revoked key stays revoked');
  });

  it('still accepts keys from the config, and refuses an unknown pal_ key', async () => {
    assert.equal((await chat(gw.url, { authorization: `Bearer ${ANALYST_KEY}` })).status, 200);
    const unknown = await chat(gw.url, { 'x-api-key': 'pal_unknownkey0_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' });
    assert.equal(unknown.status, 401);
    assert.equal(errorOf(unknown).palisade_code, 'GW_ERR_AUTH_INVALID');
  });

  it('records the key id and principal, never the key', async () => {
    const records = await gw.stopAndReadLedger();
    const served = recordOf(records, decisions[0]?.id ?? '');
    assert.equal(served?.principal.sub, 'billing@corp.example');
    assert.equal(served?.principal.tenant, 'corp');
    assert.equal(served?.principal.app, 'billing');
    assert.equal(served?.principal.credential_id, keyId);
    assert.equal(served?.policy?.allow, true, 'pii-reader from the key lets the SSN through');
    const refused = recordOf(records, decisions[1]?.id ?? '');
    assert.equal(refused?.error?.code, 'GW_ERR_AUTH_REVOKED');
    assert.ok(!JSON.stringify(records).includes(key));
  });
});

describe('palisade keys usage errors', () => {
  it('requires the subject, tenant and roles, and a sensible expiry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-keys-usage-'));
    try {
      const file = join(dir, 'keys.json');
      const missing = await runCli('palisade', ['keys', 'create', '--file', file, '--sub', 'x', '--roles', 'a']);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /--tenant is required/);
      const badExpiry = await runCli('palisade', ['keys', 'create', '--file', file, '--sub', 'x', '--tenant', 't', '--roles', 'a', '--expires', 'soon']);
      assert.equal(badExpiry.code, 2);
      assert.match(badExpiry.stderr, /--expires "soon"/);
      const unknownId = await runCli('palisade', ['keys', 'revoke', '--file', file, '--id', 'nope']);
      assert.equal(unknownId.code, 1);
      assert.match(unknownId.stderr, /no key with id "nope"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
