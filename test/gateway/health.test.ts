// Operators' endpoints: liveness, readiness that reflects the policy and audit components, and
// Prometheus metrics; and a shutdown that lets in-flight answers finish.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { ANALYST_KEY, BUNDLE_VERIFICATION, startTestGateway } from '../support/gateway.js';

describe('health, readiness and metrics', () => {
  it('is live and ready with a verified bundle and a writable ledger, and counts requests', async () => {
    const gw = await startTestGateway();
    try {
      assert.equal((await fetch(`${gw.url}/healthz`)).status, 200);
      const ready = await fetch(`${gw.url}/readyz`);
      const body = (await ready.json()) as { ready: boolean; components: Record<string, { ready: boolean }> };
      assert.equal(ready.status, 200);
      assert.equal(body.ready, true);
      assert.equal(body.components['policy']?.ready, true);
      assert.equal(body.components['audit']?.ready, true);

      const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
      await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] });
      const metrics = await (await fetch(`${gw.url}/metrics`)).text();
      assert.match(metrics, /palisade_http_requests_total\{route="\/v1\/chat\/completions",status="200"\} 1/);
      assert.match(metrics, /palisade_policy_decisions_total\{entrypoint="request",allow="true",error=""\} 1/);
      assert.match(metrics, /palisade_audit_publish_duration_seconds_count\{phase="decision"\} 1/);
    } finally {
      await gw.close();
    }
  });

  it('is not ready, and refuses requests, when the bundle is not valid', async () => {
    const gw = await startTestGateway((c) => {
      const bad = join(String((c['audit'] as { commitment_key_file: string }).commitment_key_file), '..', '..', 'bad-bundle.tar.gz');
      writeFileSync(bad, 'this is not a gzip archive');
      c['policy'] = { bundle: bad, verification: BUNDLE_VERIFICATION };
    });
    try {
      const ready = await fetch(`${gw.url}/readyz`);
      assert.equal(ready.status, 503);
      const body = (await ready.json()) as { components: Record<string, { ready: boolean }> };
      assert.equal(body.components['policy']?.ready, false);
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ANALYST_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(res.status, 503);
      assert.equal(((await res.json()) as { error: { palisade_code: string } }).error.palisade_code, 'GW_ERR_POLICY_NOT_LOADED');
    } finally {
      await gw.close();
    }
  });

  it('drains an in-flight stream on shutdown and then refuses new connections', async () => {
    const gw = await startTestGateway();
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'one two three four five six seven' }] });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.done, false);
    const closing = gw.gateway.close();
    let text = '';
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) text += r.value.choices[0]?.delta.content ?? '';
    assert.equal(text, 'user: one two three four five six seven');
    await closing;
    await assert.rejects(fetch(`${gw.url}/healthz`));
    await gw.close();
  });
});
