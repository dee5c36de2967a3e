// Forged and unacceptable bearer tokens, sent through the official OpenAI client: each gets 401
// with an RFC 6750 challenge, nothing reaches the provider, and the refusal is in the ledger.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import OpenAI from 'openai';
import { SignJWT, importPKCS8 } from 'jose';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { AUDIENCE, startIdp, type TestIdp } from './support/idp.js';
import { assertPerProcess } from '../support/gateway.js';
import { issuerEntry, recordOf, startIdentityGateway, type IdentityGateway } from './support/setup.js';

const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

describe('forged and unacceptable tokens', () => {
  let idp: TestIdp;
  let upstream: FakeOpenAI;
  let gw: IdentityGateway;
  const refusals: { name: string; decisionId: string; code: string }[] = [];
  const now = (): number => Math.floor(Date.now() / 1000);
  const claims = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    iss: idp.issuer,
    aud: AUDIENCE,
    sub: 'mallory',
    client_id: 'app-1',
    roles: ['analyst', 'pii-reader'],
    iat: now(),
    exp: now() + 600,
    ...over,
  });

  before(async () => {
    idp = await startIdp({ clients: [{ client_id: 'app-1', claims: { roles: ['analyst'], tenant: 'acme' } }] });
    upstream = await startFakeOpenAI();
    gw = await startIdentityGateway(upstream, (identity) => {
      identity['oidc'] = [issuerEntry(idp, { algorithms: ['RS256'] })];
    });
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
    await idp?.close();
  });

  async function refused(name: string, token: string, code: string, challenge: RegExp): Promise<void> {
    const client = new OpenAI({ apiKey: token, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const forwarded = upstream.received.length;
    await assert.rejects(client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hello' }] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.AuthenticationError, `${name}: ${String(err)}`);
      assert.equal(err.status, 401);
      const body = err.error as { palisade_code?: string; decision_id?: string };
      assert.equal(body.palisade_code, code, name);
      const header = err.headers?.get('www-authenticate') ?? '';
      assert.match(header, /^Bearer realm="palisade"/, name);
      assert.match(header, challenge, name);
      assert.ok(!header.includes(token.slice(0, 40)), `${name}: the challenge does not quote the token`);
      assert.ok(body.decision_id, name);
      refusals.push({ name, decisionId: body.decision_id, code });
      return true;
    });
    assert.equal(upstream.received.length, forwarded, `${name}: nothing was forwarded`);
  }

  it('accepts a genuine client-credentials token (the control case)', async () => {
    const client = new OpenAI({ apiKey: await idp.clientToken('app-1'), baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hello' }] });
    assert.match(res.choices[0]?.message.content ?? '', /fake upstream/);
  });

  it('refuses alg "none"', async () => {
    await refused('alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`, 'GW_ERR_AUTH_INVALID', /error="invalid_token", error_description="[^"]*algorithm/);
  });

  it('refuses HS256 signed with the issuer public key as the HMAC secret', async () => {
    const pem = await idp.publicKeyPem();
    const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: idp.key().kid })}.${b64(claims())}`;
    const token = `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
    await refused('HS256 with the public key', token, 'GW_ERR_AUTH_INVALID', /error="invalid_token".*algorithm/);
  });

  it('refuses an expired token', async () => {
    await refused('expired', await idp.sign(claims({ iat: now() - 7200, exp: now() - 3600 })), 'GW_ERR_AUTH_EXPIRED', /error="invalid_token", error_description="[^"]*expired/);
  });

  it('refuses a token that is not valid yet', async () => {
    await refused('not yet valid', await idp.sign(claims({ nbf: now() + 3600 })), 'GW_ERR_AUTH_INVALID', /error="invalid_token".*not valid yet/);
  });

  it('refuses a token issued in the future', async () => {
    await refused('future iat', await idp.sign(claims({ iat: now() + 3600, exp: now() + 7200 })), 'GW_ERR_AUTH_INVALID', /error="invalid_token".*future/);
  });

  it('refuses a token for another audience', async () => {
    await refused('wrong audience', await idp.sign(claims({ aud: 'urn:some:other:api' })), 'GW_ERR_AUTH_INVALID', /error="invalid_token".*audience/);
  });

  it('refuses a token from an issuer the gateway does not trust, without contacting it', async () => {
    await refused('wrong issuer', await idp.sign(claims({ iss: 'https://evil.example' })), 'GW_ERR_AUTH_INVALID', /error="invalid_token".*not trusted/);
  });

  it('refuses a token without the required exp claim', async () => {
    const { exp: _exp, ...noExp } = claims();
    await refused('no exp', await idp.sign(noExp), 'GW_ERR_AUTH_INVALID', /error="invalid_token".*lacks the required exp claim/);
  });

  it('refuses a token signed with a key the issuer does not publish (unknown kid)', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = await importPKCS8(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'RS256');
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: 'attacker-key' }).sign(key);
    await refused('unknown kid', token, 'GW_ERR_AUTH_INVALID', /error="invalid_token".*key the issuer does not publish/);
  });

  it('refuses a token whose signature was altered', async () => {
    const [h, p] = (await idp.sign(claims())).split('.');
    await refused('bad signature', `${h}.${p}.${b64('not the signature')}`, 'GW_ERR_AUTH_INVALID', /error="invalid_token".*signature/);
  });

  it('refuses a token whose claims were altered after signing', async () => {
    const [h, , s] = (await idp.sign(claims())).split('.');
    await refused('altered claims', `${h}.${b64(claims({ roles: ['admin'] }))}.${s}`, 'GW_ERR_AUTH_INVALID', /error="invalid_token".*signature/);
  });

  it('refuses malformed base64 in a token', async () => {
    await refused('malformed base64', 'eyJhbGciOiJSUzI1NiJ9.@@@not-base64@@@.c2ln', 'GW_ERR_AUTH_MALFORMED', /error="invalid_request"/);
    await refused('undecodable segments', 'aaaa.bbbb.cccc', 'GW_ERR_AUTH_INVALID', /error="invalid_token".*malformed/);
  });

  it('refuses an oversized token before parsing it', async () => {
    // Over the default 8 KiB limit, under Node's 16 KiB header limit (beyond which Node itself answers 431).
    const big = `${b64({ alg: 'RS256', kid: idp.key().kid })}.${b64({ ...claims(), pad: 'x'.repeat(9_000) })}.${b64('sig')}`;
    await refused('oversized', big, 'GW_ERR_AUTH_MALFORMED', /error="invalid_request".*longer/);
  });

  it('fetched the issuer keys once: refused tokens caused no key fetch', () => {
    // Warm-up fetches the JWKS; the unknown kid falls inside the refetch cooldown, and alg none / HS256 never ask.
    assertPerProcess(idp.count('/jwks'), 1, idp.requests.join(' '));
  });

  it('audits every refusal with its code and no principal, and the ledger holds no token', async () => {
    const records = await gw.stopAndReadLedger();
    for (const r of refusals) {
      const record = recordOf(records, r.decisionId);
      assert.ok(record, `${r.name} is audited`);
      assert.equal(record.error?.code, r.code, r.name);
      assert.deepEqual(record.principal, { sub: '', iss: '', roles: [], auth: 'none' }, r.name);
      assert.equal(record.request.route, '/v1/chat/completions');
      assert.equal(record.policy, undefined, `${r.name}: refused before any policy`);
    }
    const text = JSON.stringify(records);
    assert.ok(!text.includes('mallory'), 'claims of refused tokens are not recorded');
  });
});
