// The OpenID provider's key endpoint goes down: tokens signed with keys the gateway already holds
// keep working; a token with a new key id cannot be checked and is refused with 503
// GW_ERR_IDENTITY_UNAVAILABLE (as docs/identity.md says), forwarding nothing; once the endpoint is
// back the new key is fetched and accepted without a restart.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { startTestGateway, readGatewayRecords, type TestGateway } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { assertNothingUnaudited, assertVerifies, duplicates, reportFault } from './support.js';

const FILE = 'test/faults/jwks.test.ts';
const AUDIENCE = 'urn:palisade:gateway';

interface Key {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function newKey(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** A minimal OpenID issuer: discovery and a key set, whose key endpoint can be switched off (503 or connections cut). */
async function startIssuer(): Promise<{ issuer: string; keys: Key[]; jwksDown: 'no' | 'status' | 'cut'; jwksFetches(): number; sign(key: Key, sub: string): Promise<string>; close(): Promise<void> }> {
  const state = { keys: [] as Key[], jwksDown: 'no' as 'no' | 'status' | 'cut', fetches: 0 };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] }),
      );
      return;
    }
    if (path === '/jwks') {
      state.fetches++;
      if (state.jwksDown === 'cut') return void req.socket.destroy();
      if (state.jwksDown === 'status') return void res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys.map((k) => k.jwk) }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    get keys() {
      return state.keys;
    },
    set keys(k: Key[]) {
      state.keys = k;
    },
    get jwksDown() {
      return state.jwksDown;
    },
    set jwksDown(d: 'no' | 'status' | 'cut') {
      state.jwksDown = d;
    },
    jwksFetches: () => state.fetches,
    sign: (key, sub) =>
      new SignJWT({ roles: ['analyst'], tenant: 'acme' })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(AUDIENCE)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(key.privateKey),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('the OpenID provider’s key endpoint down', () => {
  let idp: Awaited<ReturnType<typeof startIssuer>>;
  let upstream: FakeOpenAI;
  let gw: TestGateway;
  let first: Key;
  let second: Key;
  const answers: { status: number; code?: string; decisionId: string }[] = [];

  before(async () => {
    idp = await startIssuer();
    first = await newKey('key-1');
    second = await newKey('key-2');
    idp.keys = [first];
    upstream = await startFakeOpenAI();
    gw = await startTestGateway((c) => {
      // No refetch cooldown, so the test need not wait 30 s for the endpoint's return to be noticed.
      (c['identity'] as { oidc: unknown[] }).oidc = [{ issuer: idp.issuer, client_id: 'palisade-gateway', audience: AUDIENCE, allow_insecure_http: true, clock_tolerance_s: 5, jwks_cooldown_s: 0 }];
      (c['providers'] as unknown[]).push({ name: 'upstream', type: 'openai', base_url: upstream.baseUrl, timeout_ms: 5000 });
      (c['models'] as unknown[]).push({ name: 'gpt-test', provider: 'upstream' });
    });
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
    await idp?.close();
  });

  async function ask(token: string): Promise<{ status: number; code?: string; decisionId: string }> {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'Draft a memo.' }] }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await res.json()) as { error?: { palisade_code?: string; decision_id?: string } };
    const a = { status: res.status, code: body.error?.palisade_code, decisionId: res.headers.get('x-palisade-decision-id') ?? body.error?.decision_id ?? '' };
    answers.push(a);
    return a;
  }

  it('keeps accepting tokens signed with a key it already holds', async () => {
    assert.equal((await ask(await idp.sign(first, 'alice'))).status, 200);
    idp.jwksDown = 'status';
    assert.equal((await ask(await idp.sign(first, 'bob'))).status, 200, 'a new token, a cached key');
    idp.jwksDown = 'cut';
    assert.equal((await ask(await idp.sign(first, 'carol'))).status, 200);
  });

  it('refuses a token with a new key id with 503 while the keys cannot be fetched, forwarding nothing', async () => {
    idp.keys = [second, first];
    const forwarded = upstream.received.length;
    for (const down of ['status', 'cut'] as const) {
      idp.jwksDown = down;
      const before = idp.jwksFetches();
      const a = await ask(await idp.sign(second, `dave-${down}`));
      assert.equal(a.status, 503, `key endpoint ${down}`);
      assert.equal(a.code, 'GW_ERR_IDENTITY_UNAVAILABLE');
      assert.ok(idp.jwksFetches() > before, 'the gateway tried to fetch the keys');
    }
    assert.equal(upstream.received.length, forwarded, 'nothing was forwarded');
    assert.equal((await ask(await idp.sign(first, 'erin'))).status, 200, 'the known key still works');
  });

  it('accepts the new key once the endpoint is back, without a restart', async (t) => {
    idp.jwksDown = 'no';
    assert.equal((await ask(await idp.sign(second, 'frank'))).status, 200);

    await gw.gateway.close();
    const records = readGatewayRecords(gw);
    assert.deepEqual(duplicates(records), []);
    for (const a of answers) {
      const rs = records.filter((r) => r.decision_id === a.decisionId);
      assert.equal(rs.filter((r) => r.phase === 'decision').length, 1, `request ${a.decisionId} (${a.status}) has one decision record`);
      assert.equal(rs.filter((r) => r.phase === 'outcome').length, a.status === 200 ? 1 : 0);
      if (a.status === 503) assert.equal(rs[0]?.error?.code, 'GW_ERR_IDENTITY_UNAVAILABLE');
    }
    assertNothingUnaudited(upstream.received.length, records);
    const verify = await assertVerifies(gw.ledgerDir);
    reportFault(t, {
      fault: 'OpenID provider’s JWKS endpoint down (503 or connections cut)',
      callerSees: 'tokens signed with keys already fetched: 200; a new kid: 503 GW_ERR_IDENTITY_UNAVAILABLE, nothing forwarded; the new kid accepted once the endpoint is back, no restart',
      ledgerHolds: `${records.length} records: each request's decision once (the refusals with GW_ERR_IDENTITY_UNAVAILABLE), an outcome for each answer`,
      verify,
      test: FILE,
    });
  });
});
