// Sign-in by API key (embedded and demo hosts), the session's state for the pages, and sign-out.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AUDITOR, recordAction, requireAuditor, type ConsoleContext } from './context.js';
import { ConsoleError } from './errors.js';
import { readJsonBody, sendEmpty, sendError, sendJson } from './http-answers.js';
import type { ConsolePerson } from './options.js';
import { ABSOLUTE_MS, sessionCookie, type Session } from './sessions.js';

/** Who a refused sign-in names when the key matched nobody. */
const UNKNOWN_PERSON: ConsolePerson = { sub: 'unknown', iss: 'palisade-console', roles: [], auth: 'api_key' };

export function modes(ctx: ConsoleContext): { api_key: boolean; oidc: boolean } {
  return { api_key: ctx.options.authenticateKey !== undefined, oidc: ctx.options.oidc !== undefined };
}

export function sessionBody(ctx: ConsoleContext, session: Session): Record<string, unknown> {
  return {
    sub: session.person.sub,
    roles: session.person.roles,
    csrf: session.csrf,
    expires_at: new Date(ctx.sessions.expiresAt(session)).toISOString(),
    modes: modes(ctx),
  };
}

/** Opens a session for a person the host vouched for, after the sign-in is in the ledger. */
export async function startSession(ctx: ConsoleContext, req: IncomingMessage, person: ConsolePerson): Promise<{ session: Session; cookie: string }> {
  await recordAction(ctx, req, person, { action: 'sign_in', result: 'ok' });
  const session = ctx.sessions.create(person);
  return { session, cookie: sessionCookie(session.id, ctx.options.secureCookies ?? true, Math.floor(ABSOLUTE_MS / 1000)) };
}

/** Records a refused sign-in; a ledger failure here does not change the answer, which is a refusal anyway. */
export async function recordRefusal(ctx: ConsoleContext, req: IncomingMessage, person: ConsolePerson, reason: string): Promise<void> {
  await recordAction(ctx, req, person, { action: 'sign_in_refused', result: 'refused', reason }).catch((err: unknown) =>
    ctx.logger?.error({ err, code: 'CON_ERR_AUDIT_UNAVAILABLE' }, 'a refused console sign-in could not be recorded'),
  );
}

async function signInWithKey(ctx: ConsoleContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const authenticate = ctx.options.authenticateKey;
  if (!authenticate) throw new ConsoleError('CON_ERR_SIGN_IN_UNAVAILABLE', { detail: 'Sign in with the identity provider.' });
  const body = await readJsonBody(req);
  const key = body['api_key'];
  if (typeof key !== 'string' || key === '' || key.length > 1024) throw new ConsoleError('CON_ERR_BAD_REQUEST', { detail: '"api_key" must be a non-empty string.' });
  const person = authenticate(key);
  if (!person) {
    await recordRefusal(ctx, req, UNKNOWN_PERSON, 'CON_ERR_SIGN_IN_INVALID');
    throw new ConsoleError('CON_ERR_SIGN_IN_INVALID');
  }
  if (!person.roles.includes(AUDITOR)) {
    await recordRefusal(ctx, req, person, 'CON_ERR_NOT_AUDITOR');
    throw new ConsoleError('CON_ERR_NOT_AUDITOR');
  }
  const { session, cookie } = await startSession(ctx, req, person);
  sendJson(res, 200, sessionBody(ctx, session), { 'set-cookie': cookie });
}

/** Routes under /console/api/session; false when the path is another. */
export async function sessionRoutes(ctx: ConsoleContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  if (path === '/console/api/session') {
    if (req.method === 'POST') {
      await signInWithKey(ctx, req, res);
      return true;
    }
    if (req.method === 'GET') {
      try {
        sendJson(res, 200, sessionBody(ctx, requireAuditor(ctx, req)));
      } catch (err) {
        sendError(res, err, ctx.logger, { modes: modes(ctx) });
      }
      return true;
    }
    throw new ConsoleError('CON_ERR_NOT_FOUND', { detail: 'Use GET or POST.' });
  }
  if (path === '/console/api/session/logout' && req.method === 'POST') {
    const session = requireAuditor(ctx, req);
    await recordAction(ctx, req, session.person, { action: 'sign_out', result: 'ok' });
    ctx.sessions.delete(session.id);
    sendEmpty(res, 204, { 'set-cookie': sessionCookie('', ctx.options.secureCookies ?? true, 0) });
    return true;
  }
  return false;
}
