// Refusals for identity reasons are audited: one record each up to the configured rate, then
// counted into summary records; and when the audit log cannot take the record, the answer is 503.
// Not with workers: each process counts its own burst of refusals (docs/workers.md), so which records
// a flood leaves depends on how its connections spread over the workers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startFakeOpenAI } from '../support/fake-openai.js';
import { startTestGateway } from '../support/gateway.js';
import { chat, errorOf, startIdentityGateway } from './support/setup.js';

describe('auditing refusals', () => {
  it('records refusals one by one up to the burst, then as a counted summary', async () => {
    const upstream = await startFakeOpenAI();
    const gw = await startIdentityGateway(upstream, (identity) => {
      identity['denial_audit'] = { rate_per_s: 0.001, burst: 2 };
    });
    try {
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await chat(gw.url, { authorization: `Bearer sk-flood-${i}` }));
      for (const a of answers) assert.equal(a.status, 401, 'every refusal is still answered 401');
      const records = await gw.stopAndReadLedger();
      const refusals = records.filter((r) => r.error !== undefined);
      const ids = answers.map((a) => a.headers.get('x-palisade-decision-id'));
      assert.deepEqual(
        refusals.slice(0, 2).map((r) => r.decision_id),
        ids.slice(0, 2),
        'the first two have their own records',
      );
      assert.equal(refusals.length, 3);
      const summary = refusals[2];
      assert.equal(summary?.error?.code, 'GW_ERR_AUTH_INVALID');
      assert.match(summary?.error?.message ?? '', /^3 requests refused with GW_ERR_AUTH_INVALID between .* were counted, not recorded one by one/);
      assert.equal(summary?.request.route, '/v1/chat/completions');
      assert.ok(!JSON.stringify(records).includes('sk-flood'), 'no credential in the ledger');
    } finally {
      await gw.close();
      await upstream.close();
    }
  });

  it('answers 503 when the refusal cannot be audited, forwarding nothing', async () => {
    const upstream = await startFakeOpenAI();
    // Port 1 on loopback: nothing listens there, so no audit record can be acknowledged.
    const gw = await startTestGateway((c) => {
      const audit = c['audit'] as Record<string, unknown>;
      c['audit'] = {
        sink: 'kafka',
        kafka: { brokers: ['127.0.0.1:1'], topic: 'palisade.audit.identity', client_id: 'palisade-identity-test', ack_timeout_ms: 2000, linger_ms: 0 },
        commitment_key_file: audit['commitment_key_file'],
        create_commitment_key: true,
      };
      (c['providers'] as unknown[]).push({ name: 'upstream', type: 'openai', base_url: upstream.baseUrl, timeout_ms: 5000 });
      (c['models'] as unknown[]).push({ name: 'gpt-test', provider: 'upstream' });
    });
    try {
      const client = new OpenAI({ apiKey: 'sk-not-a-real-key', baseURL: `${gw.url}/v1`, maxRetries: 0 });
      await assert.rejects(client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hello' }] }), (err: unknown) => {
        assert.ok(err instanceof OpenAI.APIError);
        assert.equal(err.status, 503);
        assert.equal((err.error as { palisade_code?: string }).palisade_code, 'GW_ERR_AUDIT_UNAVAILABLE');
        return true;
      });
      const missing = await chat(gw.url, {});
      assert.equal(missing.status, 503);
      assert.equal(errorOf(missing).palisade_code, 'GW_ERR_AUDIT_UNAVAILABLE');
      assert.equal(upstream.received.length, 0);
    } finally {
      await gw.close();
      await upstream.close();
    }
  });
});
