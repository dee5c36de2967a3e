// Renders errors in the caller's API shape, with the decision id, and never with internals.
import type { Response } from 'express';
import { ERRORS, GatewayError, type ErrorCode, type ErrorShape } from '../errors.js';
import { challengeFor } from '../identity/auth-failure.js';
import { retryHeaders } from '../limits/rate-limit-headers.js';

/** OpenAI-style `error.code` values callers and SDKs already know, where one exists. */
const OPENAI_CODES: Partial<Record<GatewayError['code'], string>> = {
  GW_ERR_MODEL_NOT_FOUND: 'model_not_found',
  GW_ERR_AUTH_MISSING: 'missing_api_key',
  GW_ERR_AUTH_INVALID: 'invalid_api_key',
  GW_ERR_AUTH_MALFORMED: 'invalid_api_key',
  GW_ERR_AUTH_EXPIRED: 'invalid_api_key',
  GW_ERR_AUTH_REVOKED: 'invalid_api_key',
  GW_ERR_POLICY_DENIED: 'policy_denied',
  GW_ERR_BODY_TOO_LARGE: 'request_too_large',
  GW_ERR_BAD_JSON: 'invalid_json',
  GW_ERR_RATE_LIMITED: 'rate_limit_exceeded',
  GW_ERR_BUDGET_EXCEEDED: 'insufficient_quota',
};

/**
 * Anthropic `error.type` by what went wrong, not by status: a 415 is still a malformed request and
 * a policy's deny is a permission refusal whatever status the policy chose. Codes not listed fall
 * back by status (see anthropicType).
 */
const ANTHROPIC_TYPES: Partial<Record<ErrorCode, string>> = {
  GW_ERR_AUTH_MISSING: 'authentication_error',
  GW_ERR_AUTH_INVALID: 'authentication_error',
  GW_ERR_AUTH_MALFORMED: 'authentication_error',
  GW_ERR_AUTH_EXPIRED: 'authentication_error',
  GW_ERR_AUTH_REVOKED: 'authentication_error',
  GW_ERR_POLICY_DENIED: 'permission_error',
  GW_ERR_RESPONSE_BLOCKED: 'permission_error',
  GW_ERR_POLICY_ROUTE_INVALID: 'permission_error',
  GW_ERR_POLICY_UNDEFINED: 'permission_error',
  GW_ERR_POLICY_EVAL: 'permission_error',
  GW_ERR_POLICY_OUTPUT_INVALID: 'permission_error',
  GW_ERR_POLICY_ENTRYPOINT_MISSING: 'permission_error',
  GW_ERR_POLICY_TIMEOUT: 'permission_error',
  GW_ERR_POLICY_INPUT_TOO_LARGE: 'permission_error',
  GW_ERR_BUDGET_UNPRICED: 'permission_error',
  GW_ERR_NOT_FOUND: 'not_found_error',
  GW_ERR_MODEL_NOT_FOUND: 'not_found_error',
  GW_ERR_BODY_TOO_LARGE: 'request_too_large',
  GW_ERR_AUDIT_RECORD_TOO_LARGE: 'request_too_large',
  GW_ERR_RATE_LIMITED: 'rate_limit_error',
  GW_ERR_BUDGET_EXCEEDED: 'rate_limit_error',
  GW_ERR_UPSTREAM_RATE_LIMITED: 'rate_limit_error',
  // Load: every target resting, or this instance draining; another try (or instance) later helps.
  GW_ERR_UPSTREAM_UNAVAILABLE: 'overloaded_error',
  GW_ERR_SHUTTING_DOWN: 'overloaded_error',
  GW_ERR_OVERLOADED: 'overloaded_error',
};

function anthropicType(err: GatewayError): string {
  const byCode = ANTHROPIC_TYPES[err.code];
  if (byCode !== undefined) return byCode;
  if (err.status === 429) return 'rate_limit_error';
  if (err.status >= 400 && err.status < 500) return 'invalid_request_error';
  return 'api_error';
}

/**
 * The wait before a retry for refusals that carry none of their own: these clear when the
 * gateway's dependencies recover, not by anything the caller changes, so a short fixed wait.
 */
const FIXED_RETRY_MS = 1000;

function retryAfterMsOf(err: GatewayError): number {
  const v = err.data?.['retry_after_ms'];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : FIXED_RETRY_MS;
}

/**
 * Every 429 and 503 says when to come back (Retry-After in seconds, retry-after-ms), so SDKs pace
 * their retries by it. For answers written without Express (a request unreadable as HTTP).
 */
export function retryHeadersFor(err: GatewayError): Record<string, string> {
  return err.status === 429 || err.status === 503 ? retryHeaders(retryAfterMsOf(err), true) : {};
}

/**
 * Headers a stage already set (the limiter's) are kept; a refusal the limiter marked as never
 * worth retrying (x-should-retry: false without a wait) gets no wait.
 */
function setRetryHeaders(res: Response, err: GatewayError): void {
  if (res.hasHeader('retry-after') || res.getHeader('x-should-retry') === 'false') return;
  for (const [name, value] of Object.entries(retryHeadersFor(err))) res.setHeader(name, value);
}

export interface ErrorExtras {
  decisionId?: string;
  reasons?: readonly { code: string; message: string }[];
}

export function errorBody(err: GatewayError, shape: ErrorShape, extras: ErrorExtras = {}): Record<string, unknown> {
  // 5xx messages come only from the catalogue: causes may name hosts, files or library internals.
  const message = err.status >= 500 ? ERRORS[err.code].message : err.message;
  if (shape === 'anthropic') {
    const error: Record<string, unknown> = { type: anthropicType(err), message, code: err.code };
    if (extras.decisionId) error['decision_id'] = extras.decisionId;
    if (extras.reasons) error['reasons'] = extras.reasons;
    return { type: 'error', error };
  }
  const error: Record<string, unknown> = {
    message,
    type: err.type,
    param: null,
    code: OPENAI_CODES[err.code] ?? err.code.toLowerCase().replace(/^gw_err_/, ''),
    palisade_code: err.code,
  };
  if (extras.decisionId) error['decision_id'] = extras.decisionId;
  if (extras.reasons) error['reasons'] = extras.reasons;
  return { error };
}

export function sendError(res: Response, err: GatewayError, shape: ErrorShape, extras: ErrorExtras = {}): void {
  if (res.headersSent) return;
  const challenge = challengeFor(err);
  if (challenge !== undefined) res.setHeader('WWW-Authenticate', challenge);
  setRetryHeaders(res, err);
  if (extras.decisionId) res.setHeader('x-palisade-decision-id', extras.decisionId);
  res.status(err.status).json(errorBody(err, shape, extras));
}
