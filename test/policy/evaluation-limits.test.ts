// Bounds on one evaluation: input size, work (metered WASM steps) and wall time. Each denies with
// its own code, and the engine keeps deciding correctly afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createPolicyEngine, instrumentFuel, readBundle, type PolicyEngine } from '../../gateway/src/policy/index.js';
import { ALLOW_RESPONSE_REGO, buildFixtureBundle, captureLogger, readCommittedBundle } from './support.js';
import { decisionInput } from './vectors.js';

interface WasmModuleApi {
  new (bytes: Uint8Array): object;
  exports(module: object): { name: string; kind: string }[];
  imports(module: object): { module: string; name: string; kind: string }[];
}

// input.n controls the work: a comprehension over numbers.range(1, n) inside a count.
const HEAVY_REGO = `package palisade.request

decision := {"allow": count([x | some x in numbers.range(1, input.n); x % 7 == 0]) >= 0, "reasons": []}
`;

describe('evaluation limits', () => {
  let heavy: Buffer;

  before(async () => {
    heavy = await buildFixtureBundle({ 'request.rego': HEAVY_REGO, 'response.rego': ALLOW_RESPONSE_REGO });
  });

  describe('work bound', () => {
    let engine: PolicyEngine;

    before(async () => {
      engine = createPolicyEngine({ logger: captureLogger().logger, evaluation: { maxSteps: 200_000, deadlineMs: 60_000 } });
      await engine.load(heavy, 'heavy.tar.gz');
    });
    after(() => engine.close());

    test('an evaluation within the step budget decides and reports its steps', () => {
      const result = engine.evaluate('request', { n: 100 });
      assert.equal(result.error, undefined);
      assert.equal(result.allow, true);
      assert.ok(result.steps !== undefined && result.steps > 100 && result.steps < 200_000, `steps ${result.steps}`);
    });

    test('a runaway evaluation is stopped mid-way and denies with GW_ERR_POLICY_TIMEOUT', () => {
      const result = engine.evaluate('request', { n: 10_000_000 });
      assert.equal(result.allow, false);
      assert.equal(result.error?.code, 'GW_ERR_POLICY_TIMEOUT');
      assert.match(result.error?.message ?? '', /stopped after 200000 steps/);
      assert.equal(result.bundle?.name, 'heavy');
    });

    test('the instance decides correctly after being stopped', () => {
      for (let i = 0; i < 3; i++) assert.equal(engine.evaluate('request', { n: 50 }).allow, true);
    });
  });

  test('an evaluation that finishes after the deadline denies with GW_ERR_POLICY_TIMEOUT', async () => {
    let now = 0;
    // Each clock reading moves 30 ms: the evaluation appears to take 30 ms against a 20 ms deadline.
    const engine = createPolicyEngine({ logger: captureLogger().logger, evaluation: { deadlineMs: 20 }, monotonic: () => (now += 30) });
    await engine.load(await readCommittedBundle(), 'bundles/palisade.tar.gz');
    const result = engine.evaluate('request', decisionInput());
    assert.equal(result.allow, false);
    assert.equal(result.error?.code, 'GW_ERR_POLICY_TIMEOUT');
    assert.match(result.error?.message ?? '', /took 30\.0 ms; the deadline is 20 ms/);
    await engine.close();
  });

  test('an input larger than the limit denies with GW_ERR_POLICY_INPUT_TOO_LARGE without evaluating', async () => {
    const engine = createPolicyEngine({ logger: captureLogger().logger, evaluation: { maxInputBytes: 4096 } });
    await engine.load(await readCommittedBundle(), 'bundles/palisade.tar.gz');
    const entities: Record<string, { count: number; max_score: number }> = {};
    for (let i = 0; i < 200; i++) entities[`CUSTOM_TYPE_${i}`] = { count: 1, max_score: 0.5 };
    const result = engine.evaluate('request', decisionInput({ entities }));
    assert.equal(result.error?.code, 'GW_ERR_POLICY_INPUT_TOO_LARGE');
    assert.equal(result.steps, undefined);
    assert.match(result.error?.message ?? '', /the limit is 4096/);
    assert.equal(engine.evaluate('request', decisionInput()).allow, true);
    await engine.close();
  });

  test('metering does not change decisions: the instrumented module keeps every function and adds one export', async () => {
    const { wasm } = await readBundle(await readCommittedBundle());
    const metered = instrumentFuel(wasm);
    assert.ok(metered.loops > 0);
    // The lib settings have no WebAssembly types; the runtime has the API.
    const api = (globalThis as unknown as { WebAssembly: { Module: WasmModuleApi } }).WebAssembly.Module;
    const exportsOf = (bytes: Uint8Array): string[] => api.exports(new api(bytes)).map((e) => e.name).sort();
    assert.deepEqual(exportsOf(metered.wasm), [...exportsOf(wasm), 'palisade_fuel'].sort());
    assert.deepEqual(api.imports(new api(metered.wasm)), api.imports(new api(wasm)));
  });
});
