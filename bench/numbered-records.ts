// Audit records for benchmarks, made fast: one canonical record whose record and decision ids end
// in a fixed-width counter, so a million records cost string edits, not serialisation.
import { canonicalJson, type AuditRecordV1 } from '@palisade/audit-core';

/** The fields every numbered record starts with; the counter replaces the Rs and the Ds. */
export const NUMBERED_RECORD_HEAD = {
  schema_version: 1,
  record_id: '01890a5d-ac96-7000-8000-RRRRRRRRRRRR',
  decision_id: '3f2504e0-4f89-41d3-9a0c-DDDDDDDDDDDD',
  phase: 'decision',
  timestamp: '2026-01-02T03:04:05.678Z',
  gateway_id: 'gw-bench',
} as const satisfies Partial<AuditRecordV1>;

/** Record n's canonical text, and the counter's 12 hex digits in its ids. */
export function numberedRecords(record: AuditRecordV1): (n: number) => { hex: string; text: string } {
  const template = canonicalJson(record);
  return (n) => {
    const hex = n.toString(16).padStart(12, '0');
    return { hex, text: template.replace('RRRRRRRRRRRR', hex).replace('DDDDDDDDDDDD', hex) };
  };
}
