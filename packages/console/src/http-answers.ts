// How the console answers: security headers on everything, no-store JSON for the API, coded errors, bounded JSON bodies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConsoleError, isConsoleError } from './errors.js';
import type { ConsoleLogger } from './options.js';

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'cache-control': 'no-store', ...headers });
  res.end();
}

/** A coded error as JSON; anything else is a 500 that says nothing of its cause to the caller. */
export function sendError(res: ServerResponse, err: unknown, logger?: ConsoleLogger, extra: Record<string, unknown> = {}): void {
  if (isConsoleError(err)) {
    if (err.status >= 500) logger?.error({ err: err.cause ?? err, code: err.code }, 'console request failed');
    sendJson(res, err.status, { error: { code: err.code, message: err.status >= 500 ? messageOnly(err) : err.message }, ...extra });
    return;
  }
  logger?.error({ err }, 'console request failed');
  sendJson(res, 500, { error: { code: 'CON_ERR_LEDGER', message: 'The console could not answer.' } });
}

/** A server-side failure's catalogue message only: its detail may name files. */
function messageOnly(err: ConsoleError): string {
  return err.detail ? err.message.slice(0, err.message.length - err.detail.length - 1) : err.message;
}

const MAX_BODY = 64 * 1024;

/** Reads a JSON object body; anything else is the caller's mistake. */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = String(req.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type)) throw new ConsoleError('CON_ERR_BAD_REQUEST', { detail: 'Send the body as application/json.' });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ConsoleError('CON_ERR_BAD_REQUEST', { detail: `The body is larger than ${MAX_BODY} bytes.` });
    chunks.push(chunk as Buffer);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (cause) {
    throw new ConsoleError('CON_ERR_BAD_REQUEST', { cause, detail: 'The body is not JSON.' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConsoleError('CON_ERR_BAD_REQUEST', { detail: 'The body must be a JSON object.' });
  return value as Record<string, unknown>;
}
