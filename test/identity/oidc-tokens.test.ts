// OIDC bearer JWTs from a real OpenID provider: discovery, client credentials, two issuers (RS256
// and ES256), claim mapping into the policy input, and an unreachable issuer failing closed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { AUDIENCE, startIdp, type TestIdp } from './support/idp.js';
import { assertPerProcess } from '../support/gateway.js';
import { chat, errorOf, issuerEntry, recordOf, startIdentityGateway, type IdentityGateway } from './support/setup.js';

describe('OIDC bearer tokens', () => {
  let rsa: TestIdp;
  let ec: TestIdp;
  let upstream: FakeOpenAI;
  let gw: IdentityGateway;
  const ids: Record<string, string> = {};
  const deadIssuer = 'http://127.0.0.1:1/realms/gone';

  before(async () => {
    rsa = await startIdp({
      clients: [
        { client_id: 'reporting-app', claims: { roles: ['analyst'], tenant: 'acme' } },
        {
          client_id: 'keycloak-shaped',
          claims: {
            realm_access: { roles: ['analyst', 'pii-reader'] },
            resource_access: { palisade: { roles: ['summariser'] } },
            groups: ['/clinical/oncology'],
            department: 'oncology',
            clearance: 'confidential',
            tenant: 'acme',
            'https://palisade.example/cost_center': 'cc-42',
          },
        },
      ],
    });
    ec = await startIdp({ alg: 'ES256', clients: [{ client_id: 'ec-app', claims: { roles: ['analyst'], tenant: 'globex' } }] });
    upstream = await startFakeOpenAI();
    gw = await startIdentityGateway(upstream, (identity) => {
      identity['oidc'] = [
        issuerEntry(rsa, {
          claims: {
            roles: ['roles', 'realm_access.roles', 'resource_access.palisade.roles'],
            department: 'department',
            clearance: 'clearance',
            attributes: { cost_center: 'https://palisade.example/cost_center' },
          },
        }),
        issuerEntry(ec, { algorithms: ['ES256'] }),
        { issuer: deadIssuer, client_id: 'palisade-gateway', audience: AUDIENCE, allow_insecure_http: true, timeout_ms: 500 },
      ];
    });
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
    await rsa?.close();
    await ec?.close();
  });

  const client = (token: string): OpenAI => new OpenAI({ apiKey: token, baseURL: `${gw.url}/v1`, maxRetries: 0 });

  it('serves a client-credentials token, found by discovery, to the official client', async () => {
    const { data, response } = await client(await rsa.clientToken('reporting-app'))
      .chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Summarise the report.' }] })
      .withResponse();
    assert.match(data.choices[0]?.message.content ?? '', /fake upstream/);
    ids['rsa'] = response.headers.get('x-palisade-decision-id') ?? '';
    assertPerProcess(rsa.count('/.well-known/openid-configuration'), 1);
  });

  it('fetches the keys once, not per request', async () => {
    const token = await rsa.clientToken('reporting-app');
    for (let i = 0; i < 5; i++) await client(token).chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] });
    assertPerProcess(rsa.count('/jwks'), 1, rsa.requests.join(' '));
  });

  it('trusts a second issuer signing with ES256', async () => {
    const { response } = await client(await ec.clientToken('ec-app')).chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    ids['ec'] = response.headers.get('x-palisade-decision-id') ?? '';
  });

  it('maps Keycloak-shaped claims (realm and client roles, groups, department, clearance, a namespaced claim)', async () => {
    const { response } = await client(await rsa.clientToken('keycloak-shaped'))
      .chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Patient SSN 536-22-8726, summarise.' }] })
      .withResponse();
    ids['mapped'] = response.headers.get('x-palisade-decision-id') ?? '';
  });

  it('refuses with 503 when the issuer cannot be reached, forwarding nothing', async () => {
    const token = await rsa.sign({ iss: deadIssuer, aud: AUDIENCE, sub: 'someone', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 });
    const forwarded = upstream.received.length;
    const answer = await chat(gw.url, { authorization: `Bearer ${token}` });
    assert.equal(answer.status, 503);
    assert.equal(errorOf(answer).palisade_code, 'GW_ERR_IDENTITY_UNAVAILABLE');
    assert.doesNotMatch(errorOf(answer).message ?? '', /127\.0\.0\.1|ECONNREFUSED/, 'no internals in the answer');
    assert.equal(upstream.received.length, forwarded);
    ids['dead'] = answer.headers.get('x-palisade-decision-id') ?? '';
    const ready = (await (await fetch(`${gw.url}/readyz`)).json()) as { components: { identity: { ready: boolean; detail?: string } } };
    assert.match(ready.components.identity.detail ?? '', /discovery of http:\/\/127\.0\.0\.1:1\/realms\/gone failed/);
  });

  it('binds every record to the caller, and gives policies the mapped attributes', async () => {
    const records = await gw.stopAndReadLedger();
    const rsaRecord = recordOf(records, ids['rsa'] ?? '');
    assert.deepEqual(rsaRecord?.principal, { sub: 'reporting-app', iss: rsa.issuer, roles: ['analyst'], auth: 'oidc', tenant: 'acme', app: 'reporting-app' });
    assert.equal(recordOf(records, ids['ec'] ?? '')?.principal.iss, ec.issuer);

    const mapped = recordOf(records, ids['mapped'] ?? '');
    assert.equal(mapped?.policy?.allow, true, 'pii-reader from realm_access.roles lets the SSN through');
    const input = mapped?.policy?.input as { principal: Record<string, unknown> } | undefined;
    assert.deepEqual(input?.principal, {
      sub: 'keycloak-shaped',
      iss: rsa.issuer,
      roles: ['analyst', 'pii-reader', 'summariser'],
      auth: 'oidc',
      tenant: 'acme',
      groups: ['/clinical/oncology'],
      department: 'oncology',
      clearance: 'confidential',
      attributes: { cost_center: 'cc-42' },
      app: 'keycloak-shaped',
    });

    const dead = recordOf(records, ids['dead'] ?? '');
    assert.equal(dead?.error?.code, 'GW_ERR_IDENTITY_UNAVAILABLE');
    assert.equal(dead?.principal.auth, 'none');
  });
});
