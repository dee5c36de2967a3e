// Shared test fixtures for the audit ledger tests: sample records and scratch folders.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRecordV1 } from '@palisade/audit-core';

export function sampleRecord(overrides: Partial<AuditRecordV1> = {}): AuditRecordV1 {
  return {
    schema_version: 1,
    record_id: '01890a5d-ac96-774b-bcce-b302099a8057',
    decision_id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    phase: 'decision',
    timestamp: '2026-01-02T03:04:05.678Z',
    gateway_id: 'gw-1',
    principal: { sub: 'alice', iss: 'https://idp.example', tenant: 't1', roles: ['analyst'], auth: 'oidc' },
    request: { api: 'openai.chat', route: '/v1/chat/completions', model_requested: 'gpt-x', stream: false },
    classification: {
      labels: ['pii'],
      entities: { EMAIL: { count: 2, max_score: 0.98 } },
      injection: { score: 0.1, detected: false, signals: [] },
    },
    policy: {
      bundle: 'main',
      revision: 'r42',
      digest: 'sha256:abc',
      entrypoint: 'palisade/decision',
      allow: true,
      reasons: [{ code: 'ok', message: 'allowed' }],
    },
    content: { request: { bytes: 120, commitment: 'a'.repeat(64) } },
    ...overrides,
  };
}

/** A record with a distinct, valid UUIDv7 record id for sequence number n. */
export function numberedRecord(n: number, overrides: Partial<AuditRecordV1> = {}): AuditRecordV1 {
  const hex = n.toString(16).padStart(12, '0');
  return sampleRecord({ record_id: `01890a5d-ac96-7000-8000-${hex}`, gateway_id: `gw-${n}`, ...overrides });
}

/** A fresh scratch folder and a function that removes it. */
export async function scratchDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'palisade-audit-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
