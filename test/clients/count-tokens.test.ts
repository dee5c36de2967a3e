// POST /v1/messages/count_tokens through the Anthropic SDK: authenticated, classified, decided by
// the request policy, audited by one decision record, and answered with the gateway's estimate.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { ANALYST_KEY, startTestGateway, readGatewayRecords, type TestGateway } from '../support/gateway.js';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { estimateTokens } from '../../gateway/src/tokens/estimate-tokens.js';

describe('count_tokens', () => {
  let gw: TestGateway;
  let client: Anthropic;
  const ids: string[] = [];

  before(async () => {
    gw = await startTestGateway();
    client = new Anthropic({ apiKey: ANALYST_KEY, baseURL: gw.url, maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
  });

  it('counts the input tokens of a messages request, labelled as an estimate', async () => {
    const text = 'How many tokens is this sentence?';
    const { data, response } = await client.messages.countTokens({ model: 'echo', system: 'Be brief.', messages: [{ role: 'user', content: text }] }).withResponse();
    assert.equal(data.input_tokens, estimateTokens(text) + estimateTokens('Be brief.'));
    assert.equal(response.headers.get('x-palisade-token-count'), 'estimate');
    ids.push(response.headers.get('x-palisade-decision-id') ?? '');
  });

  it('is decided by the request policy: a prompt with PII is refused in Anthropic’s shape', async () => {
    const err = await client.messages.countTokens({ model: 'echo', messages: [{ role: 'user', content: 'My SSN is 536-22-8726' }] }).then(() => assert.fail('denied'), (e: unknown) => e);
    assert.ok(err instanceof Anthropic.PermissionDeniedError, String(err));
    const body = err.error as { type: string; error: { type: string; decision_id: string } };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'permission_error');
    ids.push(body.error.decision_id);
  });

  it('refuses what only a generation has (max_tokens) and an unknown model', async () => {
    const res = await fetch(`${gw.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'x-api-key': ANALYST_KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'echo', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
    await assert.rejects(client.messages.countTokens({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }), Anthropic.NotFoundError);
    await assert.rejects(new Anthropic({ apiKey: 'sk-wrong', baseURL: gw.url, maxRetries: 0 }).messages.countTokens({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] }), Anthropic.AuthenticationError);
  });

  it('audits each count with one decision record and no outcome record', async () => {
    await gw.gateway.close();
    const records = readGatewayRecords(gw);
    for (const [i, id] of ids.entries()) {
      const mine = records.filter((r) => r.decision_id === id);
      assert.deepEqual(mine.map((r) => r.phase), ['decision']);
      const r = mine[0];
      assert.equal(r?.request.route, '/v1/messages/count_tokens');
      assert.equal(r?.policy?.allow, i === 0);
      assert.equal(r?.outcome?.status, i === 0 ? 200 : 403);
    }
    assert.ok(records.some((r) => r.request.route === '/v1/messages/count_tokens' && r.error?.code === 'GW_ERR_UNKNOWN_FIELD'), 'the refused body is recorded');
  });
});

describe('count_tokens for a model answered by an Anthropic provider', () => {
  let gw: TestGateway;
  let upstream: FakeUpstream;
  let answer = json(200, { input_tokens: 42 });

  before(async () => {
    upstream = await startFakeUpstream(() => answer);
    gw = await startTestGateway((c) => {
      const keyFile = join((c['audit'] as { ledger: { dir: string } }).ledger.dir, '..', 'anthropic.key');
      writeFileSync(keyFile, 'sk-ant-upstream-key\n', { mode: 0o600 });
      (c['providers'] as unknown[]).push({ name: 'anthropic', type: 'anthropic', base_url: `${upstream.url}/v1`, api_key_file: keyFile, timeout_ms: 5000 });
      (c['models'] as unknown[]).push({ name: 'claude', provider: 'anthropic', upstream_model: 'claude-sonnet-4-5' });
    });
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('asks the provider to count, after the decision, and says the count is the provider’s', async () => {
    const client = new Anthropic({ apiKey: ANALYST_KEY, baseURL: gw.url, maxRetries: 0 });
    const { data, response } = await client.messages.countTokens({ model: 'claude', messages: [{ role: 'user', content: 'Count me' }] }).withResponse();
    assert.equal(data.input_tokens, 42);
    assert.equal(response.headers.get('x-palisade-token-count'), 'provider');
    const sent = upstream.received.at(-1);
    assert.equal(sent?.path, '/v1/messages/count_tokens');
    assert.equal(sent?.headers['x-api-key'], 'sk-ant-upstream-key');
    assert.deepEqual(sent?.body, { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Count me' }] });
  });

  it('answers with the estimate when the provider cannot count', async () => {
    answer = json(500, { type: 'error', error: { type: 'api_error', message: 'down' } });
    const client = new Anthropic({ apiKey: ANALYST_KEY, baseURL: gw.url, maxRetries: 0 });
    const { data, response } = await client.messages.countTokens({ model: 'claude', messages: [{ role: 'user', content: 'Count me' }] }).withResponse();
    assert.equal(data.input_tokens, estimateTokens('Count me'));
    assert.equal(response.headers.get('x-palisade-token-count'), 'estimate');
  });
});
