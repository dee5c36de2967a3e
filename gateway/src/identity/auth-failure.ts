// Why a request could not be authenticated, and the RFC 6750 challenge that tells the caller so.
import { GatewayError, type ErrorCode } from '../errors.js';
import type { Principal } from './principal.js';

/** RFC 6750 §3.1 error codes; absent when no credentials were sent at all. */
export type ChallengeError = 'invalid_request' | 'invalid_token';

export type IdentityErrorCode = Extract<
  ErrorCode,
  'GW_ERR_AUTH_MISSING' | 'GW_ERR_AUTH_INVALID' | 'GW_ERR_AUTH_MALFORMED' | 'GW_ERR_AUTH_EXPIRED' | 'GW_ERR_AUTH_REVOKED' | 'GW_ERR_IDENTITY_UNAVAILABLE'
>;

const CHALLENGES: Record<IdentityErrorCode, ChallengeError | undefined> = {
  GW_ERR_AUTH_MISSING: undefined,
  GW_ERR_AUTH_MALFORMED: 'invalid_request',
  GW_ERR_AUTH_INVALID: 'invalid_token',
  GW_ERR_AUTH_EXPIRED: 'invalid_token',
  GW_ERR_AUTH_REVOKED: 'invalid_token',
  GW_ERR_IDENTITY_UNAVAILABLE: undefined,
};

/**
 * Builds the error for a refused credential. `description` is shown to the caller, recorded in
 * the audit ledger and used as the challenge's error_description, so it names what was wrong
 * and never quotes the credential or its claims.
 */
export function identityError(code: IdentityErrorCode, description?: string, cause?: unknown): GatewayError {
  const options: { detail?: string; cause?: unknown } = {};
  if (description !== undefined) options.detail = description;
  if (cause !== undefined) options.cause = cause;
  return new GatewayError(code, options);
}

/** A request refused by identity, with what was verified before the failure (if anything). */
export interface AuthFailure {
  ok: false;
  error: GatewayError;
  /** The application, when it authenticated and only the person's credential failed. */
  known?: Principal;
}

export interface AuthSuccess {
  ok: true;
  principal: Principal;
}

export type AuthOutcome = AuthSuccess | AuthFailure;

/** RFC 6750 quoted-string content: printable ASCII without `"` and `\`. */
function quotable(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '').slice(0, 300);
}

/** The `WWW-Authenticate` value for a 401, or undefined for errors that are not 401. */
export function challengeFor(error: GatewayError, realm = 'palisade'): string | undefined {
  if (error.status !== 401) return undefined;
  // RFC 6750 §3.1: a request without any credentials gets no error code.
  if (error.code === 'GW_ERR_AUTH_MISSING') return `Bearer realm="${realm}"`;
  const code = CHALLENGES[error.code as IdentityErrorCode] ?? 'invalid_token';
  const description = error.detail ?? error.message;
  return `Bearer realm="${realm}", error="${code}", error_description="${quotable(description)}"`;
}
