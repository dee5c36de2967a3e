// The audit core's error catalogue: every failure of parsing, proving or signing carries one of these codes.
import { CodedError, type CodedErrorOptions } from './coded-error.js';

export const CORE_ERRORS = {
  CORE_ERR_NOT_CANONICALIZABLE: 'The value cannot be written as RFC 8785 canonical JSON.',
  CORE_ERR_TREE_RANGE: 'The leaf index or tree size is out of range.',
  CORE_ERR_HASH_READER: 'The hash reader did not return one 32-byte hash per requested index.',
  CORE_ERR_TILE_COORDINATES: 'The tile level, index or width is not valid.',
  CORE_ERR_ENTRY_TOO_LARGE: 'A log entry is larger than 65535 bytes.',
  CORE_ERR_BUNDLE_MALFORMED: 'The entry bundle is malformed.',
  CORE_ERR_KEY_MALFORMED: 'The note key is malformed.',
  CORE_ERR_NOTE_MALFORMED: 'The signed note is malformed.',
  CORE_ERR_NOTE_UNVERIFIED: 'No known key has signed the note.',
  CORE_ERR_NOTE_BAD_SIGNATURE: 'A signature on the note by a known key is invalid.',
  CORE_ERR_CHECKPOINT_MALFORMED: 'The checkpoint is malformed.',
  CORE_ERR_INVALID_ARGUMENT: 'An argument is out of range.',
  CORE_ERR_PROOF_MALFORMED: 'The tlog-proof receipt is malformed.',
  CORE_ERR_PROOF_INVALID: 'The tlog-proof receipt does not prove inclusion.',
  CORE_ERR_SEAL_OPEN: 'The sealed content cannot be opened with this key.',
} as const satisfies Record<string, string>;

export type CoreErrorCode = keyof typeof CORE_ERRORS;

/** `data` holds structured facts for callers that report precisely (e.g. which entry of a bundle is broken). */
export type CoreErrorOptions = CodedErrorOptions;

export class AuditCoreError extends CodedError<CoreErrorCode> {
  constructor(code: CoreErrorCode, options: CoreErrorOptions = {}) {
    super('AuditCoreError', code, CORE_ERRORS[code], options);
  }
}

export function isAuditCoreError(err: unknown): err is AuditCoreError {
  return err instanceof AuditCoreError;
}
