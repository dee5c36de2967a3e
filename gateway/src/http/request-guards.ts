// Checks at the gateway's edge that refuse a request before its body or credentials are used:
// a body that is not JSON, credentials sent twice, and the shape of answers to unknown routes.
import type { NextFunction, Request, Response } from 'express';
import { GatewayError, type ErrorShape } from '../errors.js';

/** application/json, or any application/…+json type (RFC 6839); parameters such as charset are allowed. */
const JSON_MEDIA_TYPE = /^application\/(?:json|[!#$%&'*.^_`|~0-9a-z-]+\+json)$/;

/**
 * Refuses a body declared as anything but JSON with 415. Without a Content-Type the body is read
 * as JSON: nothing else was claimed, and raw HTTP clients often omit the header. curl's `-d`
 * declares a form, which is refused, so the mistake is named instead of surfacing later.
 */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const declared = req.headers['content-type'];
  if (declared === undefined) {
    next();
    return;
  }
  const media = (declared.split(';')[0] ?? '').trim().toLowerCase();
  if (JSON_MEDIA_TYPE.test(media)) {
    next();
    return;
  }
  next(new GatewayError('GW_ERR_UNSUPPORTED_MEDIA_TYPE', { detail: "Send it with 'Content-Type: application/json'." }));
}

/**
 * The first credential header that appears more than once. Node keeps only the first
 * Authorization and joins other repeated headers, so the raw header list is the only place a
 * second credential can be seen; the gateway must not pick one of two for the caller.
 */
export function repeatedHeader(rawHeaders: readonly string[], names: readonly string[]): string | undefined {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const seen = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    if (!wanted.has(name)) continue;
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

const ANTHROPIC_PREFIX = '/v1/messages';

/** Anthropic's SDK sends anthropic-version on every call; its routes live under /v1/messages. */
export function shapeOfRequest(req: Request): ErrorShape {
  const path = req.path;
  if (path === ANTHROPIC_PREFIX || path.startsWith(`${ANTHROPIC_PREFIX}/`)) return 'anthropic';
  return req.headers['anthropic-version'] !== undefined ? 'anthropic' : 'openai';
}
