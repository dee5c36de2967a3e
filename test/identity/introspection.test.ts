// Opaque access tokens checked by RFC 7662 introspection at a real OpenID provider: answers are
// cached by token hash (never longer than configured), inactive tokens are refused, and strings
// shaped like API keys are never shown to the issuer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { ANALYST_KEY, assertPerProcess } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { GATEWAY_CLIENT, startIdp, type TestIdp } from './support/idp.js';
import { chat, errorOf, issuerEntry, recordOf, startIdentityGateway, type IdentityGateway } from './support/setup.js';

const INTROSPECT = '/token/introspection';

describe('opaque tokens by introspection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-introspection-'));
  const secretFile = join(dir, 'client-secret');
  let idp: TestIdp;
  let upstream: FakeOpenAI;
  let cached: IdentityGateway;
  let uncached: IdentityGateway;
  const ids: Record<string, string> = {};

  before(async () => {
    writeFileSync(secretFile, `${GATEWAY_CLIENT.client_secret}\n`, { mode: 0o600 });
    idp = await startIdp({ clients: [{ client_id: 'opaque-app', format: 'opaque', claims: { roles: ['analyst'], tenant: 'acme' } }] });
    upstream = await startFakeOpenAI();
    const introspection = (max: number) => (identity: Record<string, unknown>) => {
      identity['oidc'] = [issuerEntry(idp, { introspection: { client_secret_file: secretFile, cache_max_s: max } })];
    };
    cached = await startIdentityGateway(upstream, introspection(300));
    uncached = await startIdentityGateway(upstream, introspection(0));
  });
  after(async () => {
    await cached?.close();
    await uncached?.close();
    await upstream?.close();
    await idp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves an opaque client-credentials token to the official client, asking the issuer once', async () => {
    const token = await idp.clientToken('opaque-app');
    assert.doesNotMatch(token, /\./, 'the token is opaque, not a JWT');
    const client = new OpenAI({ apiKey: token, baseURL: `${cached.url}/v1`, maxRetries: 0 });
    const before = idp.count(INTROSPECT);
    const { response } = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    ids['served'] = response.headers.get('x-palisade-decision-id') ?? '';
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi again' }] });
    assertPerProcess(idp.count(INTROSPECT) - before, 1, 'later requests were answered from the cache');
  });

  it('refuses a revoked token as not active, and remembers that briefly', async () => {
    const token = await idp.clientToken('opaque-app');
    await idp.revoke(token, 'opaque-app');
    const before = idp.count(INTROSPECT);
    const refused = await chat(cached.url, { authorization: `Bearer ${token}` });
    assert.equal(refused.status, 401);
    assert.equal(errorOf(refused).palisade_code, 'GW_ERR_AUTH_INVALID');
    assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token", error_description="[^"]*not active/);
    ids['revoked'] = refused.headers.get('x-palisade-decision-id') ?? '';
    assert.equal((await chat(cached.url, { authorization: `Bearer ${token}` })).status, 401);
    assertPerProcess(idp.count(INTROSPECT) - before, 1, 'the inactive answer is reused');
  });

  it('with cache_max_s 0 asks every time, so a revocation takes effect at once', async () => {
    const token = await idp.clientToken('opaque-app');
    const before = idp.count(INTROSPECT);
    assert.equal((await chat(uncached.url, { authorization: `Bearer ${token}` })).status, 200);
    assert.equal((await chat(uncached.url, { authorization: `Bearer ${token}` })).status, 200);
    assert.equal(idp.count(INTROSPECT), before + 2);
    await idp.revoke(token, 'opaque-app');
    assert.equal((await chat(uncached.url, { authorization: `Bearer ${token}` })).status, 401);
  });

  it('never sends strings shaped like API keys to the issuer', async () => {
    const before = idp.count(INTROSPECT);
    for (const key of ['sk-proj-not-a-gateway-key-123', 'pal_abcdefghijkl_CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC']) {
      assert.equal((await chat(cached.url, { authorization: `Bearer ${key}` })).status, 401);
    }
    assert.equal(idp.count(INTROSPECT), before);
  });

  it('accepts a person’s opaque token in the user token header behind an API key', async () => {
    const person = await idp.personToken('dr.jones', { roles: ['doctor', 'pii-reader'], tenant: 'acme' }, { clientId: 'opaque-app', format: 'opaque' });
    const answer = await chat(cached.url, { authorization: `Bearer ${ANALYST_KEY}`, 'x-palisade-user-token': person }, 'Patient SSN 536-22-8726: summarise.');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    ids['person'] = answer.headers.get('x-palisade-decision-id') ?? '';
  });

  it('records the introspected principals and the refusal', async () => {
    const records = await cached.stopAndReadLedger();
    const served = recordOf(records, ids['served'] ?? '');
    assert.deepEqual(served?.principal, { sub: 'opaque-app', iss: idp.issuer, roles: ['analyst'], auth: 'introspection', tenant: 'acme', app: 'opaque-app' });
    assert.equal((served?.policy?.input as { principal: { auth: string } }).principal.auth, 'introspection');
    assert.equal(recordOf(records, ids['revoked'] ?? '')?.error?.code, 'GW_ERR_AUTH_INVALID');
    const person = recordOf(records, ids['person'] ?? '');
    assert.equal(person?.principal.sub, 'dr.jones');
    assert.equal(person?.principal.app, 'test-app');
    assert.equal(person?.principal.credential_id, 'analyst');
    assert.equal(person?.policy?.allow, true);
  });
});
