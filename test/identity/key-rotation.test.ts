// Signing-key rotation at the issuer while the gateway runs: a new kid is fetched and accepted
// without a restart, both keys work while both are published, and the old one is refused once
// the issuer stops publishing it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { startIdp, type TestIdp } from './support/idp.js';
import { chat, errorOf, issuerEntry, startIdentityGateway, type IdentityGateway } from './support/setup.js';

describe('signing-key rotation', () => {
  let idp: TestIdp;
  let upstream: FakeOpenAI;
  let gw: IdentityGateway;
  const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

  before(async () => {
    idp = await startIdp({ clients: [{ client_id: 'app-1', claims: { roles: ['analyst'] } }] });
    upstream = await startFakeOpenAI();
    // No refetch cooldown, so that the test need not wait; production keeps the 30 s default.
    gw = await startIdentityGateway(upstream, (identity) => {
      identity['oidc'] = [issuerEntry(idp, { jwks_cooldown_s: 0 })];
    });
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
    await idp?.close();
  });

  it('accepts tokens of a new key without a restart, and of the old one while it is published', async () => {
    const first = await idp.clientToken('app-1');
    assert.equal((await chat(gw.url, bearer(first))).status, 200);
    const fetchesBefore = idp.count('/jwks');

    const next = await idp.rotate({ keepOld: true });
    const second = await idp.clientToken('app-1');
    assert.equal(JSON.parse(Buffer.from(second.split('.')[0] ?? '', 'base64url').toString()).kid, next.kid);
    assert.equal((await chat(gw.url, bearer(second))).status, 200, 'the new kid is accepted');
    assert.equal(idp.count('/jwks'), fetchesBefore + 1, 'the unknown kid caused exactly one key fetch');
    assert.equal((await chat(gw.url, bearer(first))).status, 200, 'the old kid is still published, so still accepted');
  });

  it('refuses the retired key once the issuer no longer publishes it', async () => {
    const old = await idp.clientToken('app-1');
    await idp.rotate({ keepOld: false });
    const fresh = await idp.clientToken('app-1');
    assert.equal((await chat(gw.url, bearer(fresh))).status, 200);
    const refused = await chat(gw.url, bearer(old));
    assert.equal(refused.status, 401);
    assert.equal(errorOf(refused).palisade_code, 'GW_ERR_AUTH_INVALID');
    assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token".*key the issuer does not publish/);
  });
});
