// The optional fields of a decision as callers see them: a deny's `status`, `headers` on allowed
// and denied answers, and obligations, which this gateway cannot fulfil and so deny.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { ANALYST_KEY, startTestGateway, type TestGateway } from '../support/gateway.js';
import { ALLOW_RESPONSE_REGO, buildSignedFixtureBundle } from './support.js';

// The caller's temperature picks the decision, so one bundle shows every field.
const REQUEST_REGO = `package palisade.request

t := input.request.params.temperature

decision := {"allow": false, "reasons": [{"code": "unavailable_for_legal_reasons", "message": "Not in this jurisdiction."}], "status": 451, "headers": {"x-policy-note": "legal hold"}} if t == 0.1
else := {"allow": true, "reasons": [], "obligations": [{"notify": "dpo"}]} if t == 0.2
else := {"allow": true, "reasons": [], "headers": {"X-Policy-Tier": "standard"}}
`;

describe('decision fields', () => {
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    const bundle = await buildSignedFixtureBundle({ 'request.rego': REQUEST_REGO, 'response.rego': ALLOW_RESPONSE_REGO });
    gw = await startTestGateway((config) => {
      const dir = join((config['audit'] as { ledger: { dir: string } }).ledger.dir, '..');
      writeFileSync(join(dir, 'fields.tar.gz'), bundle);
      (config['policy'] as Record<string, unknown>)['bundle'] = join(dir, 'fields.tar.gz');
    });
    client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
  });

  it('answers a deny with the policy\'s status and headers', async () => {
    await assert.rejects(client.chat.completions.create({ model: 'echo', temperature: 0.1, messages: [{ role: 'user', content: 'hi' }] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.APIError, String(err));
      assert.equal(err.status, 451);
      assert.equal(err.headers?.get('x-policy-note'), 'legal hold');
      assert.match(err.message, /Not in this jurisdiction/);
      return true;
    });
  });

  it('adds the policy\'s headers to an allowed answer', async () => {
    const { response } = await client.chat.completions.create({ model: 'echo', temperature: 0.5, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-policy-tier'), 'standard');
  });

  it('denies a decision carrying an obligation the gateway cannot fulfil', async () => {
    await assert.rejects(client.chat.completions.create({ model: 'echo', temperature: 0.2, messages: [{ role: 'user', content: 'hi' }] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.PermissionDeniedError, String(err));
      assert.equal((err.error as { palisade_code?: string }).palisade_code, 'GW_ERR_POLICY_OUTPUT_INVALID');
      return true;
    });
  });
});
