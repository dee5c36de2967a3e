// Classifies provider failures into catalogue errors that say whether trying again may help and
// how long the provider asked us to wait, so the routing layer can retry and fall back.
import { GatewayError, isGatewayError, type ErrorCode } from '../errors.js';

export interface UpstreamFailure {
  provider: string;
  status?: number;
  /** Worth trying the same target again: connect errors, 429, 5xx, timeouts before the first byte. */
  retryable: boolean;
  /** The wait the provider asked for (Retry-After, retry-after-ms), in milliseconds. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** What reading a header needs: web `Headers` has this shape, and so does the HTTP client's wrapper. */
export interface HeaderReader {
  get(name: string): string | null;
}

export function upstreamError(code: ErrorCode, f: UpstreamFailure): GatewayError {
  const data: Record<string, unknown> = { provider: f.provider, retryable: f.retryable };
  if (f.status !== undefined) data['upstream_status'] = f.status;
  if (f.retryAfterMs !== undefined) data['retry_after_ms'] = f.retryAfterMs;
  return new GatewayError(code, { cause: f.cause, data });
}

export function isRetryable(err: unknown): boolean {
  return isGatewayError(err) && err.data?.['retryable'] === true;
}

export function retryAfterOf(err: unknown): number | undefined {
  if (!isGatewayError(err)) return undefined;
  const v = err.data?.['retry_after_ms'];
  return typeof v === 'number' ? v : undefined;
}

export function upstreamStatusOf(err: unknown): number | undefined {
  if (!isGatewayError(err)) return undefined;
  const v = err.data?.['upstream_status'];
  return typeof v === 'number' ? v : undefined;
}

/**
 * The wait a provider asked for: `retry-after-ms` (OpenAI, Azure) first, then `Retry-After` as
 * seconds or an HTTP date (RFC 9110 section 10.2.3).
 */
export function parseRetryAfter(headers: HeaderReader, now: number): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const ra = headers.get('retry-after');
  if (ra === null) return undefined;
  const text = ra.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** The error code for an upstream HTTP status that is not a success. */
export function statusError(provider: string, status: number, headers: HeaderReader, now: number): GatewayError {
  const retryAfterMs = parseRetryAfter(headers, now);
  const base = { provider, status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  if (status === 429) return upstreamError('GW_ERR_UPSTREAM_RATE_LIMITED', { ...base, retryable: true });
  // 529 is Anthropic's "overloaded"; 408 a proxy's request timeout.
  const retryable = status >= 500 || status === 408;
  return upstreamError('GW_ERR_UPSTREAM_STATUS', { ...base, retryable });
}
