// Renders errors in the caller's API shape, with the decision id, and never with internals.
import type { Response } from 'express';
import { ERRORS, GatewayError, type ErrorShape } from '../errors.js';

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

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  415: 'invalid_request_error',
  431: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'overloaded_error',
  504: 'api_error',
};

export interface ErrorExtras {
  decisionId?: string;
  reasons?: readonly { code: string; message: string }[];
}

export function errorBody(err: GatewayError, shape: ErrorShape, extras: ErrorExtras = {}): Record<string, unknown> {
  // 5xx messages come only from the catalogue: causes may name hosts, files or library internals.
  const message = err.status >= 500 ? ERRORS[err.code].message : err.message;
  if (shape === 'anthropic') {
    const error: Record<string, unknown> = { type: ANTHROPIC_TYPES[err.status] ?? 'api_error', message, code: err.code };
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
  if (err.status === 401) {
    const code = err.code === 'GW_ERR_AUTH_MISSING' ? '' : ', error="invalid_token"';
    res.setHeader('WWW-Authenticate', `Bearer realm="palisade"${code}`);
  }
  if (extras.decisionId) res.setHeader('x-palisade-decision-id', extras.decisionId);
  res.status(err.status).json(errorBody(err, shape, extras));
}
