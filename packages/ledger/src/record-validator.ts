// Checks that bytes are one AuditRecordV1 (UTF-8 JSON matching the schema) and gives its canonical bytes.
import type { ValidateFunction } from 'ajv';
import { auditRecordSchema, canonicalBytes, isCanonicalJson, schemaAjv, type AuditRecordV1 } from '@palisade/audit-core';

export type RecordCheck =
  | { ok: true; record: AuditRecordV1; canonical: Uint8Array }
  | { ok: false; reason: string };

export type RecordValidator = (bytes: Uint8Array) => RecordCheck;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Builds a validator; compile once and reuse it, ajv compilation is the expensive part. */
export function createRecordValidator(): RecordValidator {
  const ajv = schemaAjv('all-errors');
  const validate: ValidateFunction<AuditRecordV1> = ajv.compile<AuditRecordV1>(auditRecordSchema);
  return (bytes) => {
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      return { ok: false, reason: 'not valid UTF-8' };
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'not valid JSON' };
    }
    if (!validate(value)) {
      // Paths and rule names only: ajv's messages do not quote the record's values.
      return { ok: false, reason: `not an AuditRecordV1 (${ajv.errorsText(validate.errors, { dataVar: 'record' })})` };
    }
    // Records from the gateway are canonical already; only others are serialised again.
    return { ok: true, record: value, canonical: isCanonicalJson(text, value) ? bytes : canonicalBytes(value) };
  };
}
