// The ledger's single error catalogue, shared by the gateway's embedded ledger, the audit consumer and palisade-audit: every failure an operator or a caller can see has a stable AUD_ERR_* code.
import { CodedError, type CodedErrorOptions } from '@palisade/audit-core';

export const AUDIT_ERRORS = {
  AUD_ERR_ENTRY_TOO_LARGE: 'A ledger entry is larger than 65535 bytes.',
  AUD_ERR_LOG_MISMATCH: 'The tiles on disk do not match the last signed checkpoint.',
  AUD_ERR_LOG_CORRUPT: 'A ledger file is missing or malformed.',
  AUD_ERR_JOURNAL_DAMAGED: 'The log journal is damaged beyond a torn last append; the log stays closed until an operator recovers it.',
  AUD_ERR_CHECKPOINT_INVALID: 'The checkpoint does not verify with the log key.',
  AUD_ERR_ORIGIN_MISMATCH: 'The log folder belongs to another origin.',
  AUD_ERR_KEY_MISMATCH: 'The signing key is not the key this log was created with.',
  AUD_ERR_KEY_MISSING: 'The signing key file does not exist.',
  AUD_ERR_KEY_INVALID: 'The key is not a valid note key (a signer key file, or a verifier key).',
  AUD_ERR_LOG_CLOSED: 'The log is closed.',
  AUD_ERR_LOG_FAILED: 'An earlier write to the log failed; reopen the log to continue.',
  AUD_ERR_IO: 'A ledger file could not be read or written.',
  AUD_ERR_INDEX_RANGE: 'The entry index or tree size is beyond the log.',
  AUD_ERR_RECORD_INVALID: 'The message is not a valid audit record.',
  AUD_ERR_CONFIG_INVALID: 'The configuration is not valid.',
  AUD_ERR_KAFKA_START: 'The consumer could not connect to Kafka, join its group or subscribe to its topic.',
  AUD_ERR_ENTRY_PRUNED: 'The entry was removed by the retention policy; its hash stays in the tree.',
  AUD_ERR_NOT_FOUND: 'No record with this decision id is in the ledger.',
  AUD_ERR_NOT_PUBLISHED: 'The record is not yet covered by a published checkpoint.',
  AUD_ERR_RECEIPT_INVALID: 'The receipt does not verify.',
  AUD_ERR_KEYSTORE: 'The subject key store could not be read or written.',
  AUD_ERR_CONTENT_UNAVAILABLE: 'The content is not in the store, or its subject key was erased.',
  AUD_ERR_STATE_INVALID: 'The verification state file is not valid.',
  AUD_ERR_HTTP_START: 'The ledger HTTP server could not start listening.',
} as const satisfies Record<string, string>;

export type AuditErrorCode = keyof typeof AUDIT_ERRORS;

/** `detail` is operator-facing, appended to the catalogue message; it never holds record content or keys. */
export type AuditErrorOptions = CodedErrorOptions;

export class AuditError extends CodedError<AuditErrorCode> {
  constructor(code: AuditErrorCode, options: AuditErrorOptions = {}) {
    super('AuditError', code, AUDIT_ERRORS[code], options);
  }
}

export function isAuditError(err: unknown): err is AuditError {
  return err instanceof AuditError;
}
