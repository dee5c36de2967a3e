// The example library works in the gateway, not only under `opa test`: each example, compiled to
// WASM with its data.json and wired in as the request decision, decides like `opa eval` does on
// the same inputs, and its decisions pass the output contract.
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createPolicyEngine } from '../../gateway/src/policy/index.js';
import { ALLOW_RESPONSE_REGO, CHILD_TIMEOUT_MS, captureLogger, execFileAsync, opaPath, repoRoot, withTempDir } from './support.js';

const base = {
  principal: { sub: 'alice', iss: 'https://idp.example', tenant: 'acme', roles: ['analyst'], auth: 'oidc' },
  request: { api: 'openai.chat', route: '/v1/chat/completions', model: 'gpt-4o', stream: false },
  prompt: { messages: 1, roles: ['user'], chars: 100, estimated_tokens: 25 },
  classification: { labels: [] as string[], entities: {} as Record<string, { count: number; max_score: number }>, injection: { score: 0, detected: false, signals: [] as string[] } },
  context: { now: '2026-01-05T09:30:00.000Z', gateway_id: 'gw-1' },
};

type Input = Record<string, unknown>;
const withPrincipal = (p: Input): Input => ({ ...base, principal: { ...base.principal, ...p } });
const withModel = (model: string, p: Input = {}): Input => ({ ...withPrincipal(p), request: { ...base.request, model } });
const withClassification = (c: Input, p: Input = {}, model = 'gpt-4o'): Input => ({ ...withModel(model, p), classification: { ...base.classification, ...c } });

const CASES: Record<string, Input[]> = {
  model_access: [withModel('echo'), withModel('gpt-4o', { roles: ['engineer'] }), withModel('gpt-4o'), withModel('unknown-model')],
  phi_baa: [withClassification({ labels: ['PHI'] }), withClassification({ labels: ['PHI'] }, {}, 'gpt-4o-hipaa'), withClassification({ entities: { US_MBI: { count: 1, max_score: 1 } } })],
  contractor_redaction: [
    withClassification({ labels: ['PII'], entities: { EMAIL_ADDRESS: { count: 2, max_score: 1 }, PERSON: { count: 1, max_score: 0.8 } } }, { roles: ['contractor'] }),
    withClassification({ labels: ['PII'], entities: { EMAIL_ADDRESS: { count: 2, max_score: 1 } } }),
  ],
  prompt_injection: [
    withClassification({ injection: { score: 0.95, detected: true, signals: ['ignore_previous_instructions'] } }),
    withClassification({ injection: { score: 0.85, detected: false, signals: [] } }, { roles: ['red-team'] }, 'echo'),
    base,
  ],
  tool_result_injection: [
    withClassification({ injection: { score: 0.6, detected: true, signals: ['model'], sources: ['tool_result'] } }),
    withClassification({ injection: { score: 0.97, detected: true, signals: ['instruction_override'], sources: ['tool_result'] } }),
    withClassification({ injection: { score: 0.6, detected: true, signals: ['model'], sources: ['user'] } }),
    base,
  ],
  clearance: [withClassification({ labels: ['PHI'] }, { clearance: 'internal' }), withClassification({ labels: ['PII'] }, { clearance: 'internal' }), withModel('legal-review', { department: 'sales' })],
  business_hours: [
    base,
    { ...base, context: { ...base.context, now: '2026-01-10T12:00:00Z' } },
    { ...withPrincipal({ tenant: 'globex' }), context: { ...base.context, now: '2026-01-10T03:00:00.5Z' } },
    { ...withPrincipal({ tenant: 'globex' }), context: { ...base.context, now: '2026-01-10T13:00:00Z' } },
  ],
  data_residency: [withPrincipal({ tenant: 'acme-eu' }), withModel('o1', { tenant: 'acme-eu' }), base],
  agent_delegation: [
    withPrincipal({ roles: ['finance'], actor: [{ sub: 'svc', client_id: 'expense-bot' }] }),
    withPrincipal({ actor: [{ sub: 'svc', client_id: 'expense-bot' }] }),
    withPrincipal({ actor: [{ sub: 'rogue' }, { sub: 'x' }, { sub: 'y' }] }),
    base,
  ],
};

async function opaEval(dir: string, query: string, input: unknown): Promise<unknown> {
  const inputFile = join(dir, 'input.json');
  await writeFile(inputFile, JSON.stringify(input));
  const { stdout } = await execFileAsync(opaPath, ['eval', '-d', 'src', '--format', 'json', '-i', inputFile, query], { cwd: dir, timeout: CHILD_TIMEOUT_MS });
  return (JSON.parse(stdout) as { result?: { expressions: { value: unknown }[] }[] }).result?.[0]?.expressions[0]?.value;
}

describe('example library in WASM', () => {
  for (const [name, inputs] of Object.entries(CASES)) {
    test(`${name}: the WASM engine decides like opa eval`, async () => {
      await withTempDir(async (dir) => {
        const src = join(dir, 'src');
        await mkdir(join(src, 'examples'), { recursive: true });
        // Same layout as policies/, so the example's data lands at data.examples.<name>.
        await cp(join(repoRoot, 'policies/examples', name), join(src, 'examples', name), { recursive: true });
        await writeFile(join(src, 'request.rego'), `package palisade.request\n\nimport data.palisade.examples.${name}\n\ndecision := ${name}.decision\n`);
        await writeFile(join(src, 'response.rego'), ALLOW_RESPONSE_REGO);
        const out = join(dir, 'bundle.tar.gz');
        await execFileAsync(
          opaPath,
          ['build', '-t', 'wasm', '-e', 'palisade/request/decision', '-e', 'palisade/response/decision', '--capabilities', join(repoRoot, 'policies/capabilities.json'), '--ignore', '*_test.rego', '-o', out, 'src'],
          { cwd: dir, timeout: CHILD_TIMEOUT_MS },
        );
        const engine = createPolicyEngine({ logger: captureLogger().logger });
        await engine.load(await readFile(out), out);
        const verdicts = new Set<boolean>();
        for (const input of inputs) {
          const wasm = engine.evaluate('request', input);
          assert.equal(wasm.error, undefined, `${JSON.stringify(wasm.error)} for ${JSON.stringify(input)}`);
          assert.deepEqual(wasm.output, await opaEval(dir, `data.palisade.examples.${name}.decision`, input), JSON.stringify(input));
          verdicts.add(wasm.allow);
        }
        if (name !== 'contractor_redaction') assert.deepEqual([...verdicts].sort(), [false, true], 'the cases cover both outcomes');
        await engine.close();
      });
    });
  }
});
