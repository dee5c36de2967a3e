// Errors raised by Express, its router and body-parser (not by our code) that a caller caused:
// each becomes one of our coded 4xx errors, so it is answered in the caller's shape, recorded,
// and logged without a stack trace.
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../errors.js';

interface LibraryError {
  type?: unknown;
  status?: unknown;
  statusCode?: unknown;
}

function statusOf(err: LibraryError): number | undefined {
  const status = typeof err.status === 'number' ? err.status : err.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function encoded(headers: IncomingHttpHeaders): boolean {
  const encoding = headers['content-encoding'];
  return encoding !== undefined && encoding.trim().toLowerCase() !== 'identity' && encoding.trim() !== '';
}

/**
 * Our error for a library error the caller caused, or undefined when the error is not one (it is
 * then internal). body-parser's `type` strings are stable in its documentation; the router marks
 * a malformed percent-encoding in the path with status 400; a decompression failure carries only
 * the 400 body-parser gave it, so it is told apart by the request's Content-Encoding.
 */
export function callerErrorOf(err: unknown, headers: IncomingHttpHeaders): GatewayError | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const e = err as LibraryError;
  switch (e.type) {
    case 'entity.too.large':
      return new GatewayError('GW_ERR_BODY_TOO_LARGE', { cause: err });
    case 'entity.parse.failed':
      return new GatewayError('GW_ERR_BAD_JSON', { cause: err });
    case 'encoding.unsupported':
      return new GatewayError('GW_ERR_UNSUPPORTED_MEDIA_TYPE', { cause: err, detail: 'The Content-Encoding is not one of gzip, deflate or br.' });
    case 'charset.unsupported':
      return new GatewayError('GW_ERR_UNSUPPORTED_MEDIA_TYPE', { cause: err, detail: 'The charset is not one of utf-8, utf-16 or utf-32.' });
    case 'request.aborted':
      return new GatewayError('GW_ERR_BAD_REQUEST', { cause: err, detail: 'The connection closed before the body was complete.' });
    case 'request.size.invalid':
      return new GatewayError('GW_ERR_BAD_REQUEST', { cause: err, detail: 'The body is not as long as its Content-Length says.' });
    default:
      break;
  }
  const status = statusOf(e);
  if (status === undefined || status < 400 || status >= 500) return undefined;
  if (err instanceof URIError) return new GatewayError('GW_ERR_BAD_HTTP', { cause: err, detail: 'The path holds a malformed percent-encoding.' });
  if (status === 413) return new GatewayError('GW_ERR_BODY_TOO_LARGE', { cause: err });
  if (status === 415) return new GatewayError('GW_ERR_UNSUPPORTED_MEDIA_TYPE', { cause: err });
  if (e.type === undefined && encoded(headers)) return new GatewayError('GW_ERR_BAD_CONTENT_ENCODING', { cause: err });
  return new GatewayError('GW_ERR_BAD_REQUEST', { cause: err });
}
