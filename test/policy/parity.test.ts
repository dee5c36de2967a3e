// The committed WASM bundle and the Rego sources decide alike: every vector goes through the
// engine and through `opa eval` (Rego evaluator), and the decisions must be identical.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { createPolicyEngine, POLICY_ENTRYPOINTS, type PolicyEngine, type PolicyKind } from '../../gateway/src/policy/index.js';
import { CHILD_TIMEOUT_MS, captureLogger, committedBundlePath, opaPath, readCommittedBundle, repoRoot } from './support.js';
import { decisionInput, VECTORS, type DecisionVector } from './vectors.js';

/** Runs `opa eval` with the input on stdin and returns the query's value. */
function opaEval(kind: PolicyKind, input: unknown): Promise<unknown> {
  const query = `data.${POLICY_ENTRYPOINTS[kind].replaceAll('/', '.')}`;
  return new Promise((resolve, reject) => {
    const child = spawn(opaPath, ['eval', '-d', join(repoRoot, 'policies'), '--format', 'json', '-I', query], {
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: CHILD_TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`opa eval exited with ${code}: ${stderr}`));
      const parsed = JSON.parse(stdout) as { result?: { expressions: { value: unknown }[] }[] };
      resolve(parsed.result?.[0]?.expressions[0]?.value);
    });
    child.stdin.end(JSON.stringify(input));
  });
}

// Inputs off the happy path, where engines are likeliest to differ.
const EDGE_VECTORS: readonly Pick<DecisionVector, 'name' | 'kind' | 'input'>[] = [
  { name: 'empty input', kind: 'request', input: {} },
  { name: 'empty input', kind: 'response', input: {} },
  { name: 'roles is a string', kind: 'request', input: { ...decisionInput({ entities: { US_SSN: { count: 1, max_score: 1 } } }), principal: { sub: 'u', iss: 'i', roles: 'pii-reader', auth: 'api_key' } } },
  { name: 'entity count as a float', kind: 'request', input: decisionInput({ entities: { CREDIT_CARD: { count: 0.5, max_score: 1 } } }) },
  { name: 'detected as a string', kind: 'request', input: decisionInput({ injection: { score: 1, detected: 'true' as unknown as boolean, signals: [] } }) },
  { name: 'unicode and many labels', kind: 'response', input: decisionInput({ answer: { labels: ['SECRET', 'PII', 'ÉTÉ', '秘密'], entities: { JWT: { count: 3, max_score: 0.7 }, GITHUB_TOKEN: { count: 1, max_score: 1 } } } }) },
  { name: 'no principal, SSN', kind: 'request', input: { ...decisionInput({ entities: { US_SSN: { count: 1, max_score: 1 } } }), principal: undefined } },
];

describe('WASM and Rego parity', () => {
  let engine: PolicyEngine;

  before(async () => {
    engine = createPolicyEngine({ logger: captureLogger().logger });
    await engine.load(await readCommittedBundle(), committedBundlePath);
  });

  for (const vector of [...VECTORS, ...EDGE_VECTORS]) {
    test(`${vector.kind}: ${vector.name}`, async () => {
      const wasm = engine.evaluate(vector.kind, vector.input);
      assert.equal(wasm.error, undefined);
      const rego = await opaEval(vector.kind, vector.input);
      assert.deepEqual(wasm.output, rego);
    });
  }
});
