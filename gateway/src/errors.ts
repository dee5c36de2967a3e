// The gateway's single error catalogue: every error a caller, an operator or a log can see has a
// stable code here. docs/errors.md is kept in sync with this table by a test.
import { CodedError } from '@palisade/audit-core';

/** The API family whose error shape the caller expects. */
export type ErrorShape = 'openai' | 'anthropic';

export interface ErrorSpec {
  /** HTTP status the caller receives. */
  readonly status: number;
  /** OpenAI `error.type`; the Anthropic shape maps it in http/error-body.ts. */
  readonly type: string;
  /** Message shown to callers. Never includes internal details for 5xx. */
  readonly message: string;
}

export const ERRORS = {
  // Request shape
  GW_ERR_BAD_JSON: { status: 400, type: 'invalid_request_error', message: 'The request body is not valid JSON.' },
  GW_ERR_BAD_REQUEST: { status: 400, type: 'invalid_request_error', message: 'The request body does not match the API.' },
  GW_ERR_BODY_TOO_LARGE: { status: 413, type: 'invalid_request_error', message: 'The request body is larger than this gateway accepts.' },
  GW_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, type: 'invalid_request_error', message: 'The request body must be application/json.' },
  GW_ERR_NOT_FOUND: { status: 404, type: 'invalid_request_error', message: 'No such endpoint.' },
  GW_ERR_MODEL_NOT_FOUND: { status: 404, type: 'invalid_request_error', message: 'The model does not exist or you do not have access to it.' },
  GW_ERR_FEATURE_UNSUPPORTED: { status: 400, type: 'invalid_request_error', message: "The request uses a feature the model's provider cannot receive." },
  GW_ERR_REDACTION_FAILED: { status: 400, type: 'invalid_request_error', message: 'The prompt cannot be redacted as the policy requires, so it was not forwarded.' },
  GW_ERR_CLASSIFY_INPUT_INVALID: { status: 400, type: 'invalid_request_error', message: 'The input to classify is not a JSON object with a string "text".' },
  GW_ERR_UNKNOWN_FIELD: { status: 400, type: 'invalid_request_error', message: 'The request has a field the gateway does not know or does not allow.' },
  GW_ERR_PARAM_OUT_OF_RANGE: { status: 400, type: 'invalid_request_error', message: 'A request parameter is outside the range the gateway accepts.' },
  GW_ERR_BAD_CONTENT_ENCODING: { status: 400, type: 'invalid_request_error', message: 'The request body cannot be decoded as its Content-Encoding says.' },
  GW_ERR_BAD_HTTP: { status: 400, type: 'invalid_request_error', message: 'The request is not well-formed HTTP: its request line, URL or headers cannot be read.' },
  GW_ERR_HEADERS_TOO_LARGE: { status: 431, type: 'invalid_request_error', message: 'The request headers are larger than this gateway accepts.' },

  // Identity
  GW_ERR_AUTH_MISSING: { status: 401, type: 'authentication_error', message: 'No credentials were sent. Send an API key or a bearer token in the Authorization header.' },
  GW_ERR_AUTH_INVALID: { status: 401, type: 'authentication_error', message: 'The credentials are not valid.' },
  GW_ERR_AUTH_MALFORMED: { status: 401, type: 'authentication_error', message: 'The credentials are malformed.' },
  GW_ERR_AUTH_EXPIRED: { status: 401, type: 'authentication_error', message: 'The credentials have expired.' },
  GW_ERR_AUTH_REVOKED: { status: 401, type: 'authentication_error', message: 'The API key has been revoked.' },
  GW_ERR_AUTH_AMBIGUOUS: { status: 400, type: 'invalid_request_error', message: 'A credential header was sent more than once; send each at most once.' },
  GW_ERR_IDENTITY_UNAVAILABLE: { status: 503, type: 'server_error', message: 'The identity provider could not be reached to check the credentials, so the request was not forwarded. Try again later.' },

  // Policy
  GW_ERR_POLICY_DENIED: { status: 403, type: 'permission_denied', message: 'The request was denied by policy.' },
  GW_ERR_RESPONSE_BLOCKED: { status: 403, type: 'permission_denied', message: "The model's answer was withheld by policy." },
  GW_ERR_POLICY_ROUTE_INVALID: { status: 403, type: 'permission_denied', message: 'The policy routed the request to no model this gateway can use; it is denied.' },
  GW_ERR_POLICY_NOT_LOADED: { status: 503, type: 'server_error', message: 'No verified policy bundle is loaded; requests are refused.' },
  GW_ERR_POLICY_UNDEFINED: { status: 403, type: 'permission_denied', message: 'The policy gave no decision; the request is denied.' },
  GW_ERR_POLICY_EVAL: { status: 403, type: 'permission_denied', message: 'The policy could not be evaluated; the request is denied.' },
  GW_ERR_POLICY_OUTPUT_INVALID: { status: 403, type: 'permission_denied', message: 'The policy returned a decision of the wrong shape; the request is denied.' },
  GW_ERR_POLICY_ENTRYPOINT_MISSING: { status: 403, type: 'permission_denied', message: 'The policy bundle has no such entrypoint; the request is denied.' },
  GW_ERR_BUNDLE_INVALID: { status: 503, type: 'server_error', message: 'The policy bundle is not valid.' },
  GW_ERR_POLICY_TIMEOUT: { status: 403, type: 'permission_denied', message: 'The policy did not reach a decision in time; the request is denied.' },
  GW_ERR_POLICY_INPUT_TOO_LARGE: { status: 403, type: 'permission_denied', message: 'The request is too large for the policy to evaluate; it is denied.' },
  GW_ERR_BUNDLE_UNSIGNED: { status: 503, type: 'server_error', message: 'The policy bundle is not signed.' },
  GW_ERR_BUNDLE_SIGNATURE_INVALID: { status: 503, type: 'server_error', message: 'The policy bundle signature is not valid.' },
  GW_ERR_BUNDLE_KEY_UNKNOWN: { status: 503, type: 'server_error', message: 'The policy bundle is signed with a key this gateway does not trust.' },
  GW_ERR_BUNDLE_SCOPE_MISMATCH: { status: 503, type: 'server_error', message: 'The policy bundle is signed for another scope.' },
  GW_ERR_BUNDLE_TAMPERED: { status: 503, type: 'server_error', message: 'The policy bundle does not match its signature.' },
  GW_ERR_BUNDLE_UNAVAILABLE: { status: 503, type: 'server_error', message: 'The policy bundle could not be fetched.' },

  // Audit
  GW_ERR_AUDIT_UNAVAILABLE: { status: 503, type: 'server_error', message: 'The audit log cannot record this request, so it was not forwarded. Try again later.' },
  GW_ERR_LEDGER_UNREADABLE: { status: 500, type: 'server_error', message: 'The audit ledger cannot be read.' },
  GW_ERR_AUDIT_RECORD_TOO_LARGE: { status: 413, type: 'invalid_request_error', message: 'The audit record of this request would exceed the ledger entry limit of 65535 bytes, so it was not forwarded. Send fewer or smaller messages or parameters.' },

  // Limits and budgets
  GW_ERR_RATE_LIMITED: { status: 429, type: 'rate_limit_error', message: 'A rate limit was reached; the request was not forwarded.' },
  GW_ERR_BUDGET_EXCEEDED: { status: 429, type: 'insufficient_quota', message: 'The spend budget is used up for this period; the request was not forwarded.' },
  GW_ERR_BUDGET_UNPRICED: { status: 403, type: 'permission_denied', message: 'A spend budget applies to this request but the model has no price, so the request was not forwarded.' },
  GW_ERR_LIMITS_UNAVAILABLE: { status: 503, type: 'server_error', message: 'Rate limits and budgets cannot be checked right now, so the request was not forwarded. Try again later.' },

  // Upstream
  GW_ERR_UPSTREAM_UNREACHABLE: { status: 502, type: 'server_error', message: 'The model provider could not be reached.' },
  GW_ERR_UPSTREAM_TIMEOUT: { status: 504, type: 'server_error', message: 'The model provider did not answer in time.' },
  GW_ERR_UPSTREAM_BAD_RESPONSE: { status: 502, type: 'server_error', message: 'The model provider sent an answer the gateway cannot read.' },
  GW_ERR_UPSTREAM_STATUS: { status: 502, type: 'server_error', message: 'The model provider answered with an error.' },
  GW_ERR_UPSTREAM_RATE_LIMITED: { status: 429, type: 'rate_limit_error', message: 'The model provider is limiting requests; try again later.' },
  GW_ERR_UPSTREAM_UNAVAILABLE: { status: 503, type: 'server_error', message: 'Every provider for this model is failing and is resting; try again later.' },

  // Gateway itself
  GW_ERR_SHUTTING_DOWN: { status: 503, type: 'server_error', message: 'The gateway is shutting down.' },
  GW_ERR_OVERLOADED: { status: 503, type: 'server_error', message: 'The gateway is at capacity and did not accept the request; it was not forwarded. Retry after the time in Retry-After.' },
  GW_ERR_BODY_TOO_SLOW: { status: 408, type: 'invalid_request_error', message: 'The request body arrived slower than this gateway accepts; it was not forwarded.' },
  GW_ERR_INTERNAL: { status: 500, type: 'server_error', message: 'The gateway failed to handle the request.' },
  GW_ERR_UNEXAMINED_CONTENT: { status: 500, type: 'server_error', message: 'The gateway refused to send content it had not classified.' },
  GW_ERR_CONFIG_INVALID: { status: 500, type: 'server_error', message: 'The configuration is not valid.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export interface GatewayErrorOptions {
  cause?: unknown;
  /** Caller-safe detail appended to the catalogue message (never for 5xx internals). */
  detail?: string;
  /** Extra fields for logs and audit records; never sent to callers unless a handler chooses to. */
  data?: Record<string, unknown>;
  /** A 4xx status chosen by a policy for its deny, in place of the catalogue's. */
  status?: number;
}

export class GatewayError extends CodedError<ErrorCode> {
  readonly status: number;
  readonly type: string;

  constructor(code: ErrorCode, options: GatewayErrorOptions = {}) {
    const spec: ErrorSpec = ERRORS[code];
    super('GatewayError', code, spec.message, options);
    this.status = options.status !== undefined && options.status >= 400 && options.status < 500 ? options.status : spec.status;
    this.type = spec.type;
  }
}

export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError;
}

/** The error itself when it is one of ours, else an internal error that keeps it as its cause. */
export function toGatewayError(err: unknown): GatewayError {
  return isGatewayError(err) ? err : new GatewayError('GW_ERR_INTERNAL', { cause: err });
}
