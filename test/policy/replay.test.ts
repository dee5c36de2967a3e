// `palisade policy replay` on ledgers written by the real tile log: the recorded revision
// reproduces every decision, a candidate's changes are counted by decision and reason code with
// examples, --since filters, and the threshold sets the exit code.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { canonicalBytes, generateNoteKey, parseSigner, type AuditRecordV1 } from '@palisade/audit-core';
import { openTileLog } from '@palisade/ledger';
import { policyCommand } from '../../gateway/src/cli/policy-replay.js';
import { createPolicyEngine, POLICY_ENTRYPOINTS } from '../../gateway/src/policy/index.js';
import { runCli } from '../support/cli.js';
import { ALLOW_RESPONSE_REGO, buildSignedFixtureBundle, captureLogger, committedBundlePath, devPublicKeyPath, readCommittedBundle } from './support.js';
import { decisionInput, VECTORS } from './vectors.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';

const signer = parseSigner(generateNoteKey('replay.test/ledger', Buffer.alloc(32, 7)).skey);

interface Captured {
  out: string;
  err: string;
}

async function replay(args: string[], tty = false): Promise<{ code: number } & Captured> {
  const captured: Captured = { out: '', err: '' };
  const code = await policyCommand(['replay', ...args], {
    stdout: { write: (t: string) => (captured.out += t) },
    stderr: { write: (t: string) => (captured.err += t), isTTY: tty, columns: 100 },
  });
  return { code, ...captured };
}

function record(i: number, timestamp: string, policy: AuditRecordV1['policy'], phase: 'decision' | 'outcome' = 'decision'): AuditRecordV1 {
  const r = {
    schema_version: 1,
    record_id: `0190a000-0000-7000-8000-${String(i).padStart(12, '0')}`,
    decision_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    phase,
    timestamp,
    gateway_id: 'gw-1',
    principal: { sub: 'user-1', iss: 'https://idp.example', roles: ['analyst'], auth: 'api_key' },
    request: { api: 'openai.chat', route: '/v1/chat/completions', stream: false },
  } as AuditRecordV1;
  if (policy) r.policy = policy;
  return r;
}

describe('palisade policy replay', () => {
  let ledger: string;
  let candidate: string;
  let decisions = 0;

  before(async () => {
    ledger = await mkdtemp(join(tmpdir(), 'palisade-replay-'));
    const engine = createPolicyEngine({ logger: captureLogger().logger });
    await engine.load(await readCommittedBundle(), committedBundlePath);
    // Two partitions, as a Kafka-fed ledger has; the vectors recorded as the gateway records them.
    const logs = [0, 1].map((p) => openTileLog({ dir: join(ledger, String(p)), origin: `replay.test/ledger/${p}`, signer }));
    const opened = await Promise.all(logs);
    let i = 0;
    for (const [n, vector] of VECTORS.entries()) {
      const result = engine.evaluate(vector.kind, vector.input);
      const timestamp = n < 3 ? '2025-12-31T23:00:00.000Z' : '2026-01-02T00:00:00.000Z';
      const policy = {
        bundle: result.bundle!.name,
        revision: result.bundle!.revision,
        digest: result.bundle!.digest,
        entrypoint: result.entrypoint,
        allow: result.allow,
        reasons: [...result.reasons],
        input: vector.input,
      };
      decisions++;
      // Response decisions sit on outcome records, beside the answer's classification.
      await opened[n % 2]!.append([canonicalBytes(record(i++, timestamp, policy, vector.kind === 'response' ? 'outcome' : 'decision'))]);
    }
    // Records replay must skip: an outcome, a decision without its input, another entrypoint.
    const base = { bundle: 'palisade', revision: 'r', digest: 'd', allow: true, reasons: [] };
    await opened[0]!.append([
      canonicalBytes(record(i++, '2026-01-02T00:00:00.000Z', undefined, 'outcome')),
      canonicalBytes(record(i++, '2026-01-02T00:00:00.000Z', { ...base, entrypoint: POLICY_ENTRYPOINTS.request })),
      canonicalBytes(record(i++, '2026-01-02T00:00:00.000Z', { ...base, entrypoint: 'other/decision', input: decisionInput() })),
    ]);
    await Promise.all(opened.map((l) => l.close()));
    await engine.close();

    candidate = join(ledger, 'candidate.tar.gz');
    const closed = 'package palisade.request\n\ndecision := {"allow": false, "reasons": [{"code": "closed", "message": "Closed."}]}\n';
    await writeFile(candidate, await buildSignedFixtureBundle({ 'request.rego': closed, 'response.rego': ALLOW_RESPONSE_REGO }));
  });

  after(async () => {
    await rm(ledger, { recursive: true, force: true });
  });

  test('the recorded revision reproduces every decision', async () => {
    const { code, out } = await replay(['--bundle', committedBundlePath, '--ledger', ledger, '--json', '--max-changed-percent', '0']);
    assert.equal(code, 0, out);
    const report = JSON.parse(out) as Record<string, unknown>;
    assert.equal(report['replayed'], decisions);
    assert.equal(report['changed'], 0);
    assert.equal(report['logs'], 2);
    assert.equal(report['records'], decisions + 3);
    assert.deepEqual(report['skipped'], { not_a_decision: 1, no_input: 1, unknown_entrypoint: 1, before_since: 0 });
    assert.equal(report['passed'], true);
  });

  test('a candidate\'s changes are counted by decision and by reason code, with examples', async () => {
    const { code, out } = await replay(['--bundle', candidate, '--ledger', ledger, '--json', '--examples', '2']);
    assert.equal(code, 0);
    const report = JSON.parse(out) as { changed: number; by_change: Record<string, number>; by_reason: Record<string, number>; examples: { decision_id: string; change: string }[]; bundle: { key_id?: string } };
    const requestAllowed = VECTORS.filter((v) => v.kind === 'request' && v.allow).length;
    const requestDenied = VECTORS.filter((v) => v.kind === 'request' && !v.allow).length;
    // The candidate closes every request; its response decision allows everything.
    const responseDenied = VECTORS.filter((v) => v.kind === 'response' && !v.allow).length;
    assert.deepEqual(report.by_change, {
      'allow -> deny': requestAllowed,
      'deny -> deny (reasons changed)': requestDenied,
      'deny -> allow': responseDenied,
    });
    assert.equal(report.changed, requestAllowed + requestDenied + responseDenied);
    assert.equal(report.by_reason['+closed'], requestAllowed + requestDenied);
    assert.equal(report.by_reason['-secret_in_response'], responseDenied);
    assert.equal(report.examples.filter((e) => e.change === 'allow -> deny').length, 2);
    assert.match(report.examples[0]!.decision_id, /^00000000-0000-4000-8000-\d{12}$/);
    assert.equal(report.bundle.key_id, undefined, 'no --public-key: signature not checked');
  });

  test('the text report and the threshold: past it, exit 1', async () => {
    const { code, out } = await replay(['--bundle', candidate, '--ledger', join(ledger, '0'), '--ledger', join(ledger, '1'), '--max-changed-percent', '10']);
    assert.equal(code, 1);
    assert.match(out, /^Replayed \d+ of \d+ records from 2 logs against bundle candidate/);
    assert.match(out, /Changes by reason code \(\+ newly given, - no longer given\):\n\s+\+closed\s+\d+/);
    assert.match(out, /FAIL: [\d.]+% changed; the limit is 10%/);
  });

  test('--since leaves out older decisions; --public-key verifies the candidate', async () => {
    const { code, out } = await replay(['--bundle', candidate, '--ledger', ledger, '--since', '2026-01-01T00:00:00Z', '--json', '--public-key', devPublicKeyPath, '--key-id', 'palisade-dev', '--scope', 'development']);
    assert.equal(code, 0);
    const report = JSON.parse(out) as { replayed: number; skipped: { before_since: number }; bundle: { key_id?: string } };
    assert.equal(report.skipped.before_since, 3);
    assert.equal(report.replayed, decisions - 3);
    assert.equal(report.bundle.key_id, 'palisade-dev');
  });

  test('a progress bar is drawn on a terminal only', async () => {
    const tty = await replay(['--bundle', committedBundlePath, '--ledger', ledger], true);
    assert.match(tty.err, /\rreplaying \[#+\] 100% \d+\/\d+/);
    assert.ok(tty.err.endsWith('\r\x1b[K'));
    const piped = await replay(['--bundle', committedBundlePath, '--ledger', ledger], false);
    assert.equal(piped.err, '');
  });

  test('usage errors exit 2 and say what is missing', async () => {
    const missing = await replay(['--ledger', ledger]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /--bundle BUNDLE is required/);
    const badSince = await replay(['--bundle', candidate, '--ledger', ledger, '--since', 'yesterday']);
    assert.equal(badSince.code, 2);
    assert.match(badSince.err, /--since "yesterday" is not an RFC 3339 time/);
  });

  test('as a user runs it: npx palisade policy replay', async () => {
    const ok = await runCli('palisade', ['policy', 'replay', '--bundle', committedBundlePath, '--ledger', ledger]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Changed:\s+0 \(0\.0%\)/);
    const bad = await runCli('palisade', ['policy', 'replay', '--bundle', join(ledger, 'missing.tar.gz'), '--ledger', ledger]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /GW_ERR_BUNDLE_UNAVAILABLE/);
  });
});
