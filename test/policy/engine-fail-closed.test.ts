// Whatever goes wrong during an evaluation, the engine answers with a deny and a distinct code;
// it never throws and never allows by accident.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorCode } from '../../gateway/src/errors.js';
import { createPolicyEngine, type PolicyEngine, type PolicyKind, type PolicyResult } from '../../gateway/src/policy/index.js';
import { ALLOW_RESPONSE_REGO, buildFixtureBundle, captureLogger } from './support.js';

// One request decision per failure mode, chosen by input.case; any other case is undefined.
const REQUEST_REGO = `package palisade.request

decision := {"allow": "yes", "reasons": []} if input.case == "non_boolean_allow"

decision := {"allow": true} if input.case == "no_reasons"

decision := {"allow": true, "reasons": [], "redcat": ["US_SSN"]} if input.case == "unknown_field"

decision := {"allow": false, "reasons": [{"code": "Not Snake", "message": "m"}]} if input.case == "bad_reason_code"

decision := true if input.case == "not_an_object"

decision := {"allow": true, "reasons": [], "at": time.now_ns()} if input.case == "host_builtin"

decision := {"allow": true, "reasons": []} if input.case == "valid"

decision := {"allow": true, "reasons": []} if input.case == "big"
`;

function assertDenied(result: PolicyResult, code: ErrorCode, message?: RegExp): void {
  assert.equal(result.allow, false);
  assert.deepEqual(result.reasons, []);
  assert.equal(result.output, undefined);
  assert.equal(result.error?.code, code, `error was ${JSON.stringify(result.error)}`);
  if (message) assert.match(result.error?.message ?? '', message);
}

describe('fail-closed evaluation', () => {
  let engine: PolicyEngine;

  before(async () => {
    const bundle = await buildFixtureBundle({ 'request.rego': REQUEST_REGO, 'response.rego': ALLOW_RESPONSE_REGO });
    // The input bound is lifted so that inputs can reach the memory maximum.
    engine = createPolicyEngine({ logger: captureLogger().logger, memory: { initialPages: 5, maximumPages: 16 }, evaluation: { maxInputBytes: 8 * 1024 * 1024 } });
    await engine.load(bundle, 'fixtures/fail-closed.tar.gz');
  });

  after(() => engine.close());

  test('a valid decision is allowed (the fixture works)', () => {
    const result = engine.evaluate('request', { case: 'valid' });
    assert.equal(result.error, undefined);
    assert.equal(result.allow, true);
    assert.equal(result.bundle?.name, 'fail-closed');
  });

  test('an undefined decision denies with GW_ERR_POLICY_UNDEFINED', () => {
    assertDenied(engine.evaluate('request', { case: 'no rule matches' }), 'GW_ERR_POLICY_UNDEFINED', /palisade\/request\/decision is undefined/);
  });

  test('a non-boolean allow denies with GW_ERR_POLICY_OUTPUT_INVALID', () => {
    assertDenied(engine.evaluate('request', { case: 'non_boolean_allow' }), 'GW_ERR_POLICY_OUTPUT_INVALID', /\/allow must be boolean/);
  });

  test('a decision without reasons denies with GW_ERR_POLICY_OUTPUT_INVALID', () => {
    assertDenied(engine.evaluate('request', { case: 'no_reasons' }), 'GW_ERR_POLICY_OUTPUT_INVALID', /must have required property 'reasons'/);
  });

  test('a misspelt obligation denies rather than being ignored', () => {
    assertDenied(engine.evaluate('request', { case: 'unknown_field' }), 'GW_ERR_POLICY_OUTPUT_INVALID', /unknown field "redcat"/);
  });

  test('a reason code outside the contract denies', () => {
    assertDenied(engine.evaluate('request', { case: 'bad_reason_code' }), 'GW_ERR_POLICY_OUTPUT_INVALID', /\/reasons\/0\/code must match pattern/);
  });

  test('a decision that is not an object denies', () => {
    assertDenied(engine.evaluate('request', { case: 'not_an_object' }), 'GW_ERR_POLICY_OUTPUT_INVALID', /must be object/);
  });

  test('a builtin the host does not provide denies with GW_ERR_POLICY_EVAL', () => {
    assertDenied(engine.evaluate('request', { case: 'host_builtin' }), 'GW_ERR_POLICY_EVAL', /not implemented: built-in function .*time\.now_ns/);
  });

  test('an input past the memory maximum denies, and the next evaluation still works', () => {
    const big = { case: 'big', padding: 'x'.repeat(2 * 1024 * 1024) };
    assertDenied(engine.evaluate('request', big), 'GW_ERR_POLICY_EVAL');
    assert.equal(engine.evaluate('request', { case: 'valid' }).allow, true);
  });

  const notObjects: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['false', false],
    ['an empty string', ''],
    ['a JSON string', '{"case":"valid"}'],
    ['an array', [{ case: 'valid' }]],
    ['an object serialising to a string', new Date('2026-01-01T00:00:00.000Z')],
    ['an object serialising to nothing', { toJSON: () => undefined }],
  ];
  for (const [what, input] of notObjects) {
    test(`${what} as input denies with GW_ERR_POLICY_EVAL instead of evaluating without input`, () => {
      assertDenied(engine.evaluate('request', input), 'GW_ERR_POLICY_EVAL', /must be a JSON object/);
    });
  }

  test('an input JSON cannot represent denies with GW_ERR_POLICY_EVAL', () => {
    const cyclic: Record<string, unknown> = { case: 'valid' };
    cyclic['self'] = cyclic;
    assertDenied(engine.evaluate('request', cyclic), 'GW_ERR_POLICY_EVAL', /cannot be serialised as JSON/);
    assertDenied(engine.evaluate('request', { case: 'valid', n: 1n }), 'GW_ERR_POLICY_EVAL', /cannot be serialised as JSON/);
  });

  test('an unknown decision kind denies with GW_ERR_POLICY_ENTRYPOINT_MISSING', () => {
    assertDenied(engine.evaluate('audit' as PolicyKind, { case: 'valid' }), 'GW_ERR_POLICY_ENTRYPOINT_MISSING');
  });

  test('no loaded bundle denies with GW_ERR_POLICY_NOT_LOADED', () => {
    const empty = createPolicyEngine({ logger: captureLogger().logger });
    const result = empty.evaluate('request', { case: 'valid' });
    assertDenied(result, 'GW_ERR_POLICY_NOT_LOADED');
    assert.equal(result.bundle, undefined);
    assert.equal(result.entrypoint, 'palisade/request/decision');
  });
});
