// The committed JSON Schema of AuditRecordV1 and the AUD_ERR_/CORE_ERR_ tables of docs/errors.md stay equal to the code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CORE_ERRORS, auditRecordSchema } from '@palisade/audit-core';
import { AUDIT_ERRORS } from '@palisade/ledger';

const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

function documented(prefix: string): Map<string, string> {
  const doc = readFileSync(join(REPO, 'docs/errors.md'), 'utf8');
  const out = new Map<string, string>();
  for (const m of doc.matchAll(new RegExp(`^\\| \`(${prefix}[A-Z_]+)\` \\| (.+?) \\|$`, 'gm'))) out.set(m[1]!, m[2]!);
  return out;
}

describe('documents kept in sync', () => {
  it('docs/schemas/audit-record.v1.schema.json is the exported schema', () => {
    const committed: unknown = JSON.parse(readFileSync(join(REPO, 'docs/schemas/audit-record.v1.schema.json'), 'utf8'));
    assert.deepEqual(committed, JSON.parse(JSON.stringify(auditRecordSchema)));
  });

  for (const [prefix, catalogue] of [
    ['AUD_ERR_', AUDIT_ERRORS],
    ['CORE_ERR_', CORE_ERRORS],
  ] as const) {
    it(`docs/errors.md lists every ${prefix} code with its message, and nothing else`, () => {
      const doc = documented(prefix);
      for (const [code, message] of Object.entries(catalogue)) assert.equal(doc.get(code), message, `${code} in docs/errors.md`);
      for (const code of doc.keys()) assert.ok(code in catalogue, `docs/errors.md lists ${code}, which the code does not have`);
    });
  }
});
