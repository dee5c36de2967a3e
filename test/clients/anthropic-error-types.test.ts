// Anthropic callers see errors typed by what went wrong, whatever the status: a policy's deny is
// a permission error even when the policy chose another status, a body of the wrong media type
// is an invalid request, and an unknown model is not found.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { ANALYST_KEY, startTestGateway, type TestGateway } from '../support/gateway.js';
import { ALLOW_RESPONSE_REGO, buildSignedFixtureBundle } from '../policy/support.js';

const REQUEST_REGO = `package palisade.request

decision := {"allow": false, "reasons": [{"code": "legal_hold", "message": "Not in this jurisdiction."}], "status": 451} if input.request.params.max_tokens == 11
else := {"allow": true, "reasons": []}
`;

describe('Anthropic error types', () => {
  let gw: TestGateway;
  let client: Anthropic;

  before(async () => {
    const bundle = await buildSignedFixtureBundle({ 'request.rego': REQUEST_REGO, 'response.rego': ALLOW_RESPONSE_REGO });
    gw = await startTestGateway((config) => {
      const dir = join((config['audit'] as { ledger: { dir: string } }).ledger.dir, '..');
      writeFileSync(join(dir, 'types.tar.gz'), bundle);
      (config['policy'] as Record<string, unknown>)['bundle'] = join(dir, 'types.tar.gz');
    });
    client = new Anthropic({ apiKey: ANALYST_KEY, baseURL: gw.url, maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
  });

  it('types errors by meaning: a deny with a policy-chosen status is a permission_error', async () => {
    const err = await client.messages.create({ model: 'echo', max_tokens: 11, messages: [{ role: 'user', content: 'hi' }] }).then(() => assert.fail('denied'), (e: unknown) => e);
    assert.ok(err instanceof Anthropic.APIError, String(err));
    assert.equal(err.status, 451);
    assert.deepEqual([(err.error as { type: string }).type, (err.error as { error: { type: string } }).error.type], ['error', 'permission_error']);
    // Alongside: a body of the wrong media type is an invalid request, an unknown model is not found.
    const res = await fetch(`${gw.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': ANALYST_KEY, 'content-type': 'text/plain' }, body: 'hi' });
    assert.equal(res.status, 415);
    assert.equal(((await res.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
    await assert.rejects(client.messages.create({ model: 'nope', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }), (e: unknown) => {
      assert.ok(e instanceof Anthropic.NotFoundError, String(e));
      assert.equal((e.error as { error: { type: string } }).error.type, 'not_found_error');
      return true;
    });
  });
});
