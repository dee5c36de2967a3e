// The one byte form of a record the gateway hands to any sink: RFC 8785 canonical JSON, refused when it cannot be a ledger entry.
import { MAX_ENTRY_SIZE, canonicalBytes, type AuditRecordV1 } from '@palisade/audit-core';
import { GatewayError } from '../errors.js';

/**
 * Canonical bytes of a record, or GW_ERR_AUDIT_RECORD_TOO_LARGE when they exceed a ledger entry:
 * a record is never cut down to fit, so the request it describes is refused instead.
 */
export function recordBytes(record: AuditRecordV1): Uint8Array {
  const bytes = canonicalBytes(record);
  if (bytes.length > MAX_ENTRY_SIZE) {
    throw new GatewayError('GW_ERR_AUDIT_RECORD_TOO_LARGE', {
      data: { phase: record.phase, bytes: bytes.length, limit: MAX_ENTRY_SIZE, reason: 'record_too_large' },
    });
  }
  return bytes;
}
