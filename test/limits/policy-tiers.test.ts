// Limits selected by the policy: the request decision's `limits: {"tier": NAME}` picks a tier
// configured under limits.tiers. The fixture policy is compiled to WASM and signed by the real opa.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { ANALYST_KEY, PRIVILEGED_KEY, type TestGateway } from '../support/gateway.js';
import { ALLOW_RESPONSE_REGO, buildSignedFixtureBundle, devPublicKeyPath } from '../policy/support.js';
import { ManualClock, openai, recordsOf, startClockedGateway } from './support.js';

const TIERED_REGO = `package palisade.request

tier := "gold" if {
	"pii-reader" in input.principal.roles
} else := "bronze"

decision := {"allow": true, "reasons": [], "limits": {"tier": tier}} if input.request.model == "echo"

decision := {"allow": true, "reasons": [], "limits": {"tier": "platinum"}} if input.request.model == "echo-unknown-tier"
`;

describe('limits tiers selected by the policy', () => {
  let gw: TestGateway;
  const dir = mkdtempSync(join(tmpdir(), 'palisade-tiers-'));
  const clock = new ManualClock();

  before(async () => {
    const file = join(dir, 'tiered.tar.gz');
    writeFileSync(file, await buildSignedFixtureBundle({ 'request.rego': TIERED_REGO, 'response.rego': ALLOW_RESPONSE_REGO }));
    gw = await startClockedGateway((c) => {
      c['policy'] = { bundle: file, verification: { public_key_file: devPublicKeyPath, key_id: 'palisade-dev', scope: 'development' } };
      (c['models'] as unknown[]).push({ name: 'echo-unknown-tier', provider: 'echo', upstream_model: 'echo' });
      c['limits'] = {
        tiers: {
          gold: [{ name: 'requests', by: ['user'], limit: 5, unit: 'requests', window_s: 60 }],
          bronze: [{ name: 'requests', by: ['user'], limit: 2, unit: 'requests', window_s: 60 }],
        },
      };
    }, clock);
  });
  after(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = (key: string, model = 'echo') => openai(gw, key).chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello' }] }).withResponse();

  it('applies the tier the policy chose for each caller', async () => {
    const gold = await ask(PRIVILEGED_KEY);
    assert.equal(gold.response.headers.get('x-ratelimit-limit'), '5');
    const [decision] = recordsOf(gw, gold.response.headers.get('x-palisade-decision-id') ?? '');
    assert.deepEqual(decision?.limits, { tier: 'gold', allowed: true, key: 'gold/requests', remaining: 4 });

    await ask(ANALYST_KEY);
    const second = await ask(ANALYST_KEY);
    assert.equal(second.response.headers.get('x-ratelimit-limit'), '2');
    const err = await ask(ANALYST_KEY).then(
      () => assert.fail('bronze allows two requests a minute'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof OpenAI.RateLimitError);
    const body = err.error as { decision_id: string; message: string };
    assert.match(body.message, /Limit "bronze\/requests" allows 2 requests per 60 s/);
    const [refusal] = recordsOf(gw, body.decision_id);
    assert.deepEqual(refusal?.limits, { tier: 'bronze', allowed: false, key: 'bronze/requests', remaining: 0 });
  });

  it('denies, and audits, a tier that is not configured (fail closed)', async () => {
    const err = await ask(PRIVILEGED_KEY, 'echo-unknown-tier').then(
      () => assert.fail('an unknown tier must not mean "no limits"'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof OpenAI.PermissionDeniedError);
    const body = err.error as { decision_id: string; palisade_code: string; message: string };
    assert.equal(body.palisade_code, 'GW_ERR_POLICY_OUTPUT_INVALID');
    assert.match(body.message, /The limits tier "platinum" is not configured\./);
    const recs = recordsOf(gw, body.decision_id);
    assert.equal(recs.length, 1);
    assert.equal(recs[0]?.error?.code, 'GW_ERR_POLICY_OUTPUT_INVALID');
    assert.deepEqual(recs[0]?.limits, { allowed: false, key: 'tier' });
  });
});
