// The audit console's error catalogue: every refusal a console user or its host can see has a stable CON_ERR_* code and an HTTP status.
import { CodedError, type CodedErrorOptions } from '@palisade/audit-core';

export const CONSOLE_ERRORS = {
  CON_ERR_NO_SESSION: 'Sign in first: there is no console session, or it has expired.',
  CON_ERR_SIGN_IN_INVALID: 'The key is not known.',
  CON_ERR_NOT_AUDITOR: 'The console is open only to people with the auditor role.',
  CON_ERR_CSRF: 'The request does not carry the session\'s x-csrf-token header.',
  CON_ERR_BAD_REQUEST: 'The request is not valid.',
  CON_ERR_NOT_FOUND: 'No such console resource.',
  CON_ERR_CONFIRMATION: 'The confirmation does not match the subject.',
  CON_ERR_SIGN_IN_UNAVAILABLE: 'This way of signing in is not configured.',
  CON_ERR_OIDC_FAILED: 'The identity provider\'s answer could not be accepted.',
  CON_ERR_AUDIT_UNAVAILABLE: 'The console could not record the action in the ledger, so it was not done.',
  CON_ERR_LEDGER: 'The ledger could not be read.',
  CON_ERR_INDEX: 'The console index could not be opened or written.',
  CON_ERR_EVIDENCE_INVALID: 'The evidence package does not verify.',
} as const satisfies Record<string, string>;

export type ConsoleErrorCode = keyof typeof CONSOLE_ERRORS;

const STATUS: Record<ConsoleErrorCode, number> = {
  CON_ERR_NO_SESSION: 401,
  CON_ERR_SIGN_IN_INVALID: 401,
  CON_ERR_NOT_AUDITOR: 403,
  CON_ERR_CSRF: 403,
  CON_ERR_BAD_REQUEST: 400,
  CON_ERR_NOT_FOUND: 404,
  CON_ERR_CONFIRMATION: 409,
  CON_ERR_SIGN_IN_UNAVAILABLE: 404,
  CON_ERR_OIDC_FAILED: 400,
  CON_ERR_AUDIT_UNAVAILABLE: 503,
  CON_ERR_LEDGER: 500,
  CON_ERR_INDEX: 500,
  CON_ERR_EVIDENCE_INVALID: 400,
};

/** `detail` is shown to the console user for 4xx answers; it never holds record content or secrets. */
export class ConsoleError extends CodedError<ConsoleErrorCode> {
  readonly status: number;

  constructor(code: ConsoleErrorCode, options: CodedErrorOptions = {}) {
    super('ConsoleError', code, CONSOLE_ERRORS[code], options);
    this.status = STATUS[code];
  }
}

export function isConsoleError(err: unknown): err is ConsoleError {
  return err instanceof ConsoleError;
}
