// The committed bundle, loaded by the engine, gives the example policy's decisions.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { checkPolicyInput, createPolicyEngine, POLICY_ENTRYPOINTS, type PolicyEngine } from '../../gateway/src/policy/index.js';
import { captureLogger, committedBundlePath, readCommittedBundle } from './support.js';
import { decisionInput, VECTORS } from './vectors.js';

describe('example policy through the WASM engine', () => {
  let engine: PolicyEngine;

  before(async () => {
    engine = createPolicyEngine({ logger: captureLogger().logger, clock: () => new Date('2026-01-01T00:00:00.000Z') });
    await engine.load(await readCommittedBundle(), committedBundlePath);
  });

  for (const vector of VECTORS) {
    test(`${vector.kind}: ${vector.name} -> ${vector.allow ? 'allow' : `deny ${vector.codes.join(', ')}`}`, () => {
      const result = engine.evaluate(vector.kind, vector.input);
      assert.equal(result.error, undefined);
      assert.equal(result.allow, vector.allow);
      assert.deepEqual(result.reasons.map((r) => r.code), vector.codes);
      assert.equal(result.entrypoint, POLICY_ENTRYPOINTS[vector.kind]);
      for (const reason of result.reasons) assert.ok(reason.message.length > 0);
    });
  }

  test('every vector is a valid policy input', () => {
    for (const vector of VECTORS) assert.deepEqual(checkPolicyInput(vector.input), { ok: true }, vector.name);
  });

  test('a denied SSN explains itself without echoing the prompt', () => {
    const result = engine.evaluate('request', decisionInput({ labels: ['PII'], entities: { US_SSN: { count: 1, max_score: 1 } } }));
    assert.deepEqual(result.reasons, [
      { code: 'pii_requires_pii_reader', message: 'The prompt contains US_SSN; only principals with role pii-reader may send it.' },
    ]);
  });

  test('results name the bundle that decided', () => {
    const result = engine.evaluate('request', decisionInput());
    assert.ok(result.bundle);
    assert.equal(result.bundle.name, 'palisade');
    assert.match(result.bundle.revision, /^sha256:[0-9a-f]{64}$/);
    assert.match(result.bundle.digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(result.bundle.loaded_at, '2026-01-01T00:00:00.000Z');
    assert.deepEqual(result.output, { allow: true, reasons: [] });
  });

  test('the input schema refuses inputs the policies were not written for', () => {
    const withText = { ...decisionInput(), prompt_text: 'my SSN is 078-05-1120' };
    assert.deepEqual(checkPolicyInput(withText), { ok: false, problem: 'the input has an unknown field "prompt_text"' });
    const noClassification = decisionInput();
    delete noClassification['classification'];
    assert.equal(checkPolicyInput(noClassification).ok, false);
  });
});
