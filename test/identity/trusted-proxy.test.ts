// Identity asserted by an authenticating reverse proxy: believed from the configured proxy
// addresses only, ignored from anyone else, and never forwarded to the provider.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ANALYST_KEY } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { chat, errorOf, recordOf, startIdentityGateway, type IdentityGateway } from './support/setup.js';

const SSN = 'Claim for SSN 536-22-8726, summarise.';

describe('identity headers from a trusted proxy', () => {
  let upstream: FakeOpenAI;
  let trusting: IdentityGateway;
  let distrusting: IdentityGateway;
  const ids: Record<string, string> = {};

  before(async () => {
    upstream = await startFakeOpenAI();
    // Tests connect from 127.0.0.1: one gateway lists it as its proxy, the other only a private range.
    trusting = await startIdentityGateway(upstream, (identity) => {
      identity['trusted_proxy'] = { sources: ['127.0.0.1/32', '::1'] };
    });
    distrusting = await startIdentityGateway(upstream, (identity) => {
      identity['trusted_proxy'] = { sources: ['10.0.0.0/8'] };
    });
  });
  after(async () => {
    await trusting?.close();
    await distrusting?.close();
    await upstream?.close();
  });

  const proxied = { 'x-forwarded-user': 'carol@corp.example', 'x-forwarded-groups': 'analyst, pii-reader', 'x-forwarded-email': 'carol@corp.example' };

  it('believes the proxy: the asserted person is the principal, groups are roles', async () => {
    const answer = await chat(trusting.url, proxied, SSN);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    ids['proxied'] = answer.headers.get('x-palisade-decision-id') ?? '';
    const sent = upstream.received.at(-1)?.headers ?? {};
    for (const h of Object.keys(proxied)) assert.equal(sent[h], undefined, `${h} is not forwarded`);
  });

  it('with an application key too, the person acts through that application', async () => {
    const answer = await chat(trusting.url, { ...proxied, authorization: `Bearer ${ANALYST_KEY}` }, SSN);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    ids['withApp'] = answer.headers.get('x-palisade-decision-id') ?? '';
  });

  it('refuses a user header that came twice', async () => {
    const answer = await chat(trusting.url, { 'x-forwarded-user': 'carol@corp.example, admin@corp.example' });
    assert.equal(answer.status, 401);
    assert.equal(errorOf(answer).palisade_code, 'GW_ERR_AUTH_MALFORMED');
    assert.match(answer.headers.get('www-authenticate') ?? '', /error="invalid_request"/);
  });

  it('ignores the headers from an address that is not a configured proxy', async () => {
    const alone = await chat(distrusting.url, proxied, SSN);
    assert.equal(alone.status, 401);
    assert.equal(errorOf(alone).palisade_code, 'GW_ERR_AUTH_MISSING');
    assert.equal(alone.headers.get('www-authenticate'), 'Bearer realm="palisade"');
    const withKey = await chat(distrusting.url, { ...proxied, authorization: `Bearer ${ANALYST_KEY}` }, SSN);
    assert.equal(withKey.status, 403, 'the key’s own principal (no pii-reader) decides, not the forged headers');
    ids['ignored'] = withKey.headers.get('x-palisade-decision-id') ?? '';
  });

  it('records who the proxy asserted, and who was ignored', async () => {
    const records = await trusting.stopAndReadLedger();
    const proxiedRecord = recordOf(records, ids['proxied'] ?? '');
    assert.deepEqual(proxiedRecord?.principal, { sub: 'carol@corp.example', iss: 'urn:palisade:proxy', roles: ['analyst', 'pii-reader'], auth: 'proxy' });
    const input = (proxiedRecord?.policy?.input as { principal: Record<string, unknown> }).principal;
    assert.equal(input['auth'], 'proxy');
    assert.deepEqual(input['groups'], ['analyst', 'pii-reader']);
    assert.equal(input['email'], 'carol@corp.example');
    const withApp = recordOf(records, ids['withApp'] ?? '');
    assert.equal(withApp?.principal.sub, 'carol@corp.example');
    assert.equal(withApp?.principal.app, 'test-app');
    assert.equal(withApp?.principal.tenant, 'acme', 'the application’s tenant applies to its user');

    const ignored = recordOf(await distrusting.stopAndReadLedger(), ids['ignored'] ?? '');
    assert.equal(ignored?.principal.sub, 'analyst@example.com');
  });
});
