// Sign-in through the organisation's identity provider: authorization code with PKCE, state and nonce (openid-client), roles read from a claim.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as oidc from 'openid-client';
import { AUDITOR, type ConsoleContext } from './context.js';
import { ConsoleError } from './errors.js';
import { SECURITY_HEADERS } from './http-answers.js';
import type { ConsolePerson, OidcSettings } from './options.js';
import { recordRefusal, startSession } from './session-routes.js';

const FLOW_COOKIE = 'palisade_console_oidc';
const FLOW_MS = 10 * 60_000;
const MAX_FLOWS = 10_000;

interface Flow {
  verifier: string;
  nonce: string;
  createdMs: number;
}

export interface OidcSignIn {
  settings: OidcSettings;
  configuration(): Promise<oidc.Configuration>;
  flows: Map<string, Flow>;
}

export function createOidcSignIn(settings: OidcSettings): OidcSignIn {
  let discovered: Promise<oidc.Configuration> | undefined;
  return {
    settings,
    flows: new Map(),
    configuration() {
      discovered ??= (async () => {
        const issuer = new URL(settings.issuer);
        const auth = settings.client_secret === undefined ? oidc.None() : oidc.ClientSecretBasic(settings.client_secret);
        // Plain http only for an identity provider on loopback (development and tests).
        const loopback = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
        return oidc.discovery(issuer, settings.client_id, undefined, auth, loopback ? { execute: [oidc.allowInsecureRequests] } : {});
      })().catch((cause: unknown) => {
        discovered = undefined;
        throw new ConsoleError('CON_ERR_OIDC_FAILED', { cause, detail: 'The identity provider could not be reached.' });
      });
      return discovered;
    },
  };
}

/** Reads a dotted claim path; own properties only, so a claim cannot reach prototypes. */
function claimAt(claims: unknown, path: string): unknown {
  let cur: unknown = claims;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function rolesFrom(claims: Record<string, unknown>, settings: Pick<OidcSettings, 'roles_claim' | 'role_map'>): string[] {
  const value = claimAt(claims, settings.roles_claim);
  const raw = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? value.split(' ').filter(Boolean) : [];
  const map = settings.role_map;
  return [...new Set(raw.map((r) => (map && Object.prototype.hasOwnProperty.call(map, r) ? map[r]! : r)))];
}

function flowCookie(state: string, maxAgeS: number, secure: boolean): string {
  // Lax, not Strict: the browser comes back from the identity provider's site.
  return `${FLOW_COOKIE}=${state}; Path=/console/oidc; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function refusedPage(res: ServerResponse, message: string): void {
  res.writeHead(403, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not signed in</title></head><body><h1>Not signed in</h1><p>${message}</p><p><a href="/console/">Back to the console</a></p></body></html>\n`);
}

async function login(ctx: ConsoleContext, sign: OidcSignIn, res: ServerResponse): Promise<void> {
  const configuration = await sign.configuration();
  const now = ctx.clock();
  for (const [k, f] of sign.flows) if (now - f.createdMs > FLOW_MS || sign.flows.size > MAX_FLOWS) sign.flows.delete(k);
  const state = oidc.randomState();
  const flow: Flow = { verifier: oidc.randomPKCECodeVerifier(), nonce: oidc.randomNonce(), createdMs: now };
  sign.flows.set(state, flow);
  const target = oidc.buildAuthorizationUrl(configuration, {
    redirect_uri: sign.settings.redirect_uri,
    scope: (sign.settings.scopes ?? ['openid', 'profile']).join(' '),
    code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: 'S256',
    state,
    nonce: flow.nonce,
  });
  res.writeHead(302, { ...SECURITY_HEADERS, location: target.href, 'cache-control': 'no-store', 'set-cookie': flowCookie(state, FLOW_MS / 1000, ctx.options.secureCookies ?? true) });
  res.end();
}

async function callback(ctx: ConsoleContext, sign: OidcSignIn, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const state = url.searchParams.get('state') ?? '';
  const bound = cookieValue(req.headers.cookie, FLOW_COOKIE);
  const flow = state !== '' && bound === state ? sign.flows.get(state) : undefined;
  if (!flow || ctx.clock() - flow.createdMs > FLOW_MS) throw new ConsoleError('CON_ERR_OIDC_FAILED', { detail: 'The sign-in was not started from this browser, or took too long; start again.' });
  sign.flows.delete(state);
  const configuration = await sign.configuration();
  // The callback URL as the provider sent the browser to it: the registered redirect URI plus the query.
  const current = new URL(sign.settings.redirect_uri);
  current.search = url.search;
  let claims: Record<string, unknown>;
  try {
    const tokens = await oidc.authorizationCodeGrant(configuration, current, { pkceCodeVerifier: flow.verifier, expectedState: state, expectedNonce: flow.nonce, idTokenExpected: true });
    claims = (tokens.claims() ?? {}) as Record<string, unknown>;
  } catch (cause) {
    throw new ConsoleError('CON_ERR_OIDC_FAILED', { cause, detail: 'The authorization code was not accepted.' });
  }
  const sub = typeof claims['sub'] === 'string' ? claims['sub'] : '';
  const person: ConsolePerson = { sub, iss: typeof claims['iss'] === 'string' ? claims['iss'] : sign.settings.issuer, roles: rolesFrom(claims, sign.settings), auth: 'oidc' };
  if (!person.roles.includes(AUDITOR)) {
    await recordRefusal(ctx, req, person, 'CON_ERR_NOT_AUDITOR');
    refusedPage(res, 'Your account does not have the auditor role.');
    return;
  }
  const { cookie } = await startSession(ctx, req, person);
  res.writeHead(302, { ...SECURITY_HEADERS, location: '/console/', 'cache-control': 'no-store', 'set-cookie': [cookie, flowCookie('', 0, ctx.options.secureCookies ?? true)] });
  res.end();
}

export async function oidcRoutes(ctx: ConsoleContext, sign: OidcSignIn, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (req.method !== 'GET') throw new ConsoleError('CON_ERR_NOT_FOUND', { detail: 'Use GET.' });
  if (url.pathname === '/console/oidc/login') await login(ctx, sign, res);
  else if (url.pathname === '/console/oidc/callback') await callback(ctx, sign, req, res, url);
  else throw new ConsoleError('CON_ERR_NOT_FOUND');
}
