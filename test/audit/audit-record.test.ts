// The AuditRecordV1 JSON Schema as ajv sees it, and clock-injectable UUIDv7 record ids.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { auditRecordSchema, canonicalJson, newUuidV7, uuidV7Time, type AuditRecordV1 } from '@palisade/audit-core';
import { sampleRecord } from './fixtures.js';

const validate = new Ajv({ allErrors: true, strict: true }).compile<AuditRecordV1>(auditRecordSchema);

describe('auditRecordSchema', () => {
  it('accepts decision and outcome records', () => {
    assert.ok(validate(sampleRecord()), JSON.stringify(validate.errors));
    const outcome = sampleRecord({
      phase: 'outcome',
      outcome: {
        status: 200,
        provider: 'echo',
        model: 'gpt-x',
        usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
        latency_ms: 12.5,
      },
    });
    assert.ok(validate(outcome), JSON.stringify(validate.errors));
  });

  it('refuses records that stray from the documented shape', () => {
    const bad: unknown[] = [
      { ...sampleRecord(), schema_version: 2 },
      { ...sampleRecord(), phase: 'other' },
      { ...sampleRecord(), extra: true },
      { ...sampleRecord(), record_id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' }, // v4, not v7
      { ...sampleRecord(), timestamp: '2026-01-02T03:04:05Z' },
      { ...sampleRecord(), content: { request: { bytes: 1, commitment: 'the prompt text' } } },
      { ...sampleRecord(), principal: { sub: 'a', iss: 'b', roles: [], auth: 'password' } },
      (({ request: _omit, ...rest }) => rest)(sampleRecord()),
    ];
    for (const record of bad) assert.equal(validate(record), false, canonicalJson(record));
  });
});

describe('newUuidV7', () => {
  it('puts the injected time first and sets version and variant', () => {
    const now = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const id = newUuidV7(now, (n) => Buffer.alloc(n, 0xff));
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(uuidV7Time(id), now);
    assert.equal(id.slice(14, 18), '7fff');
    assert.equal(id.slice(19, 23), 'bfff');
    const ids = [1, 2, 3].map((t) => newUuidV7(now + t, (n) => Buffer.alloc(n, 0)));
    assert.deepEqual([...ids].sort(), ids, 'ids sort by time');
    assert.ok(validate(sampleRecord({ record_id: id })));
    assert.throws(() => newUuidV7(-1, (n) => Buffer.alloc(n)), { code: 'CORE_ERR_INVALID_ARGUMENT' });
  });
});
