// Applications calling for people, and agents acting for people: the policy sees the person as
// the principal (with `app` and the RFC 8693 `actor` chain), and a policy compiled by the real opa
// requires a human with the right role behind an agent. Records bind person, application, agents.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { ANALYST_KEY } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { ALLOW_RESPONSE_REGO, buildSignedFixtureBundle } from '../policy/support.js';
import { startIdp, type TestIdp } from './support/idp.js';
import { chat, errorOf, issuerEntry, recordOf, startIdentityGateway, type IdentityGateway } from './support/setup.js';

const DELEGATION_REGO = `package palisade.request

# Agents may act only for a person who holds the role the agent needs.
agents := {"expense-bot": "finance"}

default actors := []

actors := input.principal.actor

default roles := []

roles := input.principal.roles

deny contains {"code": "agent_not_registered", "message": "The agent is not registered."} if {
	count(actors) > 0
	not agents[object.get(actors[0], "client_id", actors[0].sub)]
}

deny contains {"code": "agent_requires_role", "message": "The agent acts for a person without the role it needs."} if {
	need := agents[object.get(actors[0], "client_id", actors[0].sub)]
	not need in roles
}

decision := {"allow": count(deny) == 0, "reasons": [r | some r in deny]}
`;

describe('people behind applications and agents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-delegation-'));
  let idp: TestIdp;
  let upstream: FakeOpenAI;
  let gw: IdentityGateway;
  const ids: Record<string, string> = {};

  before(async () => {
    const bundle = join(dir, 'delegation.tar.gz');
    writeFileSync(bundle, await buildSignedFixtureBundle({ 'request.rego': DELEGATION_REGO, 'response.rego': ALLOW_RESPONSE_REGO }));
    idp = await startIdp({ clients: [{ client_id: 'hr-app' }, { client_id: 'expense-bot' }, { client_id: 'orchestrator' }] });
    upstream = await startFakeOpenAI();
    gw = await startIdentityGateway(
      upstream,
      (identity) => {
        identity['oidc'] = [issuerEntry(idp)];
      },
      bundle,
    );
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
    await idp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const alice = (): Promise<string> => idp.personToken('alice', { roles: ['finance'], tenant: 'acme', email: 'alice@acme.example' }, { clientId: 'hr-app' });
  const bob = (): Promise<string> => idp.personToken('bob', { roles: ['sales'], tenant: 'acme' }, { clientId: 'hr-app' });
  const id = (a: { headers: Headers }): string => a.headers.get('x-palisade-decision-id') ?? '';

  it('an application passes its user: the person is the principal, the application its app', async () => {
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0, defaultHeaders: { 'x-palisade-user-token': await alice() } });
    const { response } = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Book my travel.' }] }).withResponse();
    ids['user'] = response.headers.get('x-palisade-decision-id') ?? '';
    assert.equal(upstream.received.at(-1)?.headers['x-palisade-user-token'], undefined, 'the person’s token is not forwarded');
  });

  it('an agent acting for a person with the role it needs is allowed', async () => {
    const answer = await chat(gw.url, { authorization: `Bearer ${await idp.exchange('expense-bot', await alice())}` }, 'File my expenses.');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    ids['agent'] = id(answer);
  });

  it('the same agent acting for a person without that role is denied by the policy', async () => {
    const answer = await chat(gw.url, { authorization: `Bearer ${await idp.exchange('expense-bot', await bob())}` }, 'File my expenses.');
    assert.equal(answer.status, 403);
    assert.deepEqual((answer.body['error'] as { reasons: { code: string }[] }).reasons.map((r) => r.code), ['agent_requires_role']);
    ids['denied'] = id(answer);
  });

  it('a chain of agents reaches the policy outermost first', async () => {
    const viaBot = await idp.exchange('expense-bot', await alice());
    const answer = await chat(gw.url, { authorization: `Bearer ${await idp.exchange('orchestrator', viaBot)}` }, 'File my expenses.');
    assert.equal(answer.status, 403);
    assert.deepEqual((answer.body['error'] as { reasons: { code: string }[] }).reasons.map((r) => r.code), ['agent_not_registered']);
    ids['chain'] = id(answer);
  });

  it('a bad user token is refused, and the record names the application that sent it', async () => {
    const [h, p] = (await alice()).split('.');
    const answer = await chat(gw.url, { authorization: `Bearer ${ANALYST_KEY}`, 'x-palisade-user-token': `${h}.${p}.AAAA` });
    assert.equal(answer.status, 401);
    assert.match(answer.headers.get('www-authenticate') ?? '', /error="invalid_token", error_description="User token \(x-palisade-user-token\): The token signature is not valid/);
    ids['badUser'] = id(answer);
  });

  it('a user token needs the application’s own credential', async () => {
    const answer = await chat(gw.url, { 'x-palisade-user-token': await alice() });
    assert.equal(answer.status, 401);
    assert.equal(errorOf(answer).palisade_code, 'GW_ERR_AUTH_MALFORMED');
    assert.match(answer.headers.get('www-authenticate') ?? '', /error="invalid_request"/);
  });

  it('a person of another tenant than the application is refused', async () => {
    const outsider = await idp.personToken('eve', { roles: ['finance'], tenant: 'globex' }, { clientId: 'hr-app' });
    const answer = await chat(gw.url, { authorization: `Bearer ${ANALYST_KEY}`, 'x-palisade-user-token': outsider });
    assert.equal(answer.status, 401);
    assert.match(errorOf(answer).message ?? '', /another tenant/);
  });

  it('records bind the person, the application and the agents', async () => {
    const records = await gw.stopAndReadLedger();
    const user = recordOf(records, ids['user'] ?? '');
    assert.deepEqual(user?.principal, { sub: 'alice', iss: idp.issuer, roles: ['finance'], auth: 'oidc', tenant: 'acme', app: 'test-app', credential_id: 'analyst' });
    const userInput = (user?.policy?.input as { principal: Record<string, unknown> }).principal;
    assert.equal(userInput['email'], 'alice@acme.example');
    assert.equal(userInput['app'], 'test-app');

    const agent = recordOf(records, ids['agent'] ?? '');
    assert.equal(agent?.principal.sub, 'alice');
    assert.equal(agent?.principal.app, 'expense-bot');
    assert.deepEqual(agent?.principal.actor, [{ sub: 'expense-bot', client_id: 'expense-bot' }]);
    assert.equal(recordOf(records, ids['denied'] ?? '')?.principal.sub, 'bob');

    const chain = recordOf(records, ids['chain'] ?? '');
    assert.deepEqual(chain?.principal.actor, [
      { sub: 'orchestrator', client_id: 'orchestrator' },
      { sub: 'expense-bot', client_id: 'expense-bot' },
    ]);
    assert.deepEqual((chain?.policy?.input as { principal: { actor: unknown } }).principal.actor, chain?.principal.actor);

    const badUser = recordOf(records, ids['badUser'] ?? '');
    assert.equal(badUser?.error?.code, 'GW_ERR_AUTH_INVALID');
    assert.equal(badUser?.principal.sub, 'analyst@example.com', 'the verified application is on record');
    assert.equal(badUser?.principal.credential_id, 'analyst');
  });
});
