// Signing in to the console through a real OpenID provider (npm oidc-provider on loopback): authorization code with PKCE, roles from a claim, refusal without the auditor role.
// Not with workers: the gateway serves its embedded audit console only as one process (docs/workers.md).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Provider from 'oidc-provider';
import { generateNoteKey, parseSigner } from '@palisade/audit-core';
import { createConsole, openActionLog, type ActionLog, type AuditConsole } from '@palisade/console';
import { readLedgerRecords } from '../support/ledger.js';
import { call } from './support.js';

const CLIENT = { client_id: 'palisade-console', client_secret: 'console-secret-long-enough-for-oidc-provider-01' };
/** The people the provider knows, with the groups its `groups` claim carries. */
const PEOPLE: Record<string, string[]> = { 'alice@idp.example': ['audit-team'], 'bob@idp.example': ['sales'] };

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Name=value pairs of every Set-Cookie, merged into a jar. */
function remember(jar: Map<string, string>, res: Response): void {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const eq = pair!.indexOf('=');
    jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }
}

function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

describe('console sign-in through an OpenID provider', () => {
  const work = mkdtempSync(join(tmpdir(), 'palisade-console-oidc-'));
  const idpServer = createServer();
  const consoleServer = createServer();
  let issuer: string;
  let base: string;
  let provider: Provider;
  let auditConsole: AuditConsole;
  let actions: ActionLog;
  /** Who the provider signs in at the next interaction (a real login form would ask). */
  let nextPerson = 'alice@idp.example';

  /** Follows the browser's redirects from the console's login to its callback; answers the callback's answer. */
  async function browserSignIn(): Promise<Response> {
    const consoleJar = new Map<string, string>();
    const idpJar = new Map<string, string>();
    let res = await fetch(`${base}/console/oidc/login`, { redirect: 'manual' });
    remember(consoleJar, res);
    let location = res.headers.get('location')!;
    for (let hop = 0; hop < 10 && location.startsWith(issuer); hop++) {
      res = await fetch(location, { redirect: 'manual', headers: { cookie: cookieHeader(idpJar) } });
      remember(idpJar, res);
      location = new URL(res.headers.get('location')!, location).href;
    }
    res = await fetch(location, { redirect: 'manual', headers: { cookie: cookieHeader(consoleJar) } });
    return res;
  }

  before(async () => {
    issuer = await listen(idpServer);
    base = await listen(consoleServer);
    provider = new Provider(issuer, {
      clients: [{ ...CLIENT, redirect_uris: [`${base}/console/oidc/callback`], grant_types: ['authorization_code'], response_types: ['code'] }],
      claims: { openid: ['sub'], groups: ['groups'] },
      scopes: ['openid', 'groups'],
      conformIdTokenClaims: false,
      features: { devInteractions: { enabled: false } },
      pkce: { required: () => true },
      findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, groups: PEOPLE[id] ?? [] }) }),
    });
    const callback = provider.callback();
    idpServer.on('request', (req, res) => {
      if (!req.url?.startsWith('/interaction/')) return void callback(req, res);
      void (async () => {
        const details = await provider.interactionDetails(req, res);
        const grant = new provider.Grant({ accountId: nextPerson, clientId: String(details.params['client_id']) });
        grant.addOIDCScope(String(details.params['scope']));
        const grantId = await grant.save();
        await provider.interactionFinished(req, res, { login: { accountId: nextPerson }, consent: { grantId } }, { mergeWithLastSubmission: false });
      })();
    });
    const signer = parseSigner(generateNoteKey('test.palisade/console').skey);
    actions = await openActionLog({ ledgerDir: join(work, 'ledger'), origin: 'test.palisade/console', signer });
    auditConsole = await createConsole({
      ledgerDir: join(work, 'ledger'),
      indexPath: join(work, 'index.sqlite'),
      oidc: { issuer, ...CLIENT, redirect_uri: `${base}/console/oidc/callback`, scopes: ['openid', 'groups'], roles_claim: 'groups', role_map: { 'audit-team': 'auditor' } },
      recordAction: (record) => actions.append(record),
      hostId: `test-${randomUUID().slice(0, 8)}`,
      secureCookies: false,
      tailIntervalMs: 0,
    });
    consoleServer.on('request', (req, res) => {
      void auditConsole.handle(req, res).then((handled) => {
        if (!handled) res.writeHead(404).end();
      });
    });
  });
  after(async () => {
    await auditConsole?.close();
    await actions?.close();
    idpServer.close();
    consoleServer.close();
    idpServer.closeAllConnections();
    consoleServer.closeAllConnections();
    rmSync(work, { recursive: true, force: true });
  });

  it('says OIDC is offered and key sign-in is not', async () => {
    const answer = await call(base, '/console/api/session');
    assert.deepEqual((answer.body as { modes: unknown }).modes, { api_key: false, oidc: true });
  });

  it('sends the browser to the provider with PKCE S256, state and nonce', async () => {
    const res = await fetch(`${base}/console/oidc/login`, { redirect: 'manual' });
    const target = new URL(res.headers.get('location')!);
    assert.deepEqual(
      [target.origin, target.searchParams.get('code_challenge_method'), Boolean(target.searchParams.get('state')), Boolean(target.searchParams.get('nonce'))],
      [issuer, 'S256', true, true],
    );
  });

  it('signs in a person whose mapped role is auditor and sends them to the console', async () => {
    nextPerson = 'alice@idp.example';
    const res = await browserSignIn();
    assert.deepEqual([res.status, res.headers.get('location')], [302, '/console/']);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('palisade_console='))!;
    const session = await call(base, '/console/api/session', { headers: { cookie: cookie.split(';')[0]! } });
    assert.deepEqual([(session.body as { sub: string }).sub, (session.body as { roles: string[] }).roles], ['alice@idp.example', ['auditor']]);
  });

  it('refuses a person without the auditor role with a 403 page and no session', async () => {
    nextPerson = 'bob@idp.example';
    const res = await browserSignIn();
    assert.equal(res.status, 403);
    assert.equal(res.headers.getSetCookie().some((c) => c.startsWith('palisade_console=')), false);
  });

  it('refuses a callback that was not started from this browser', async () => {
    const res = await fetch(`${base}/console/oidc/callback?code=abc&state=made-up`, { redirect: 'manual' });
    assert.equal(res.status, 400);
  });

  it('records both sign-ins in the console log, naming the people', () => {
    const records = readLedgerRecords(join(work, 'ledger', 'console'));
    const seen = records.map((r) => `${r.console?.action}:${r.principal.sub}:${r.principal.auth}`);
    assert.ok(seen.includes('sign_in:alice@idp.example:oidc') && seen.includes('sign_in_refused:bob@idp.example:oidc'), seen.join(' | '));
  });
});
