// A limited Anthropic caller gets Anthropic's 429 shape, with the headers @anthropic-ai/sdk reads.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { ANALYST_KEY, type TestGateway } from '../support/gateway.js';
import { ManualClock, startClockedGateway } from './support.js';

describe('rate limits for Anthropic callers', () => {
  let gw: TestGateway;
  const clock = new ManualClock();

  before(async () => {
    gw = await startClockedGateway((c) => {
      c['limits'] = { rules: [{ name: 'per-user', by: ['user'], limit: 1, unit: 'requests', window_s: 30 }] };
    }, clock);
  });
  after(async () => {
    await gw?.close();
  });

  it('answers 429 rate_limit_error with Retry-After in the Anthropic shape', async () => {
    const client = new Anthropic({ apiKey: ANALYST_KEY, baseURL: gw.url, maxRetries: 0 });
    const ask = () => client.messages.create({ model: 'echo', max_tokens: 16, messages: [{ role: 'user', content: 'Hello' }] }).withResponse();
    const { response } = await ask();
    assert.equal(response.headers.get('x-ratelimit-remaining'), '0');
    const err = await ask().then(
      () => assert.fail('one request per 30 s'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof Anthropic.RateLimitError, String(err));
    assert.equal(err.headers?.get('retry-after'), '30');
    const body = err.error as { type: string; error: { type: string; code: string; decision_id: string } };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'rate_limit_error');
    assert.equal(body.error.code, 'GW_ERR_RATE_LIMITED');
    assert.match(body.error.decision_id, /^[0-9a-f-]{36}$/);
  });
});
