// A 503 the gateway answers because one of its own dependencies is down says when to come back:
// a short fixed Retry-After, in seconds and in milliseconds, in both API shapes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { ANALYST_KEY, type TestGateway } from '../support/gateway.js';
import { freePort } from '../support/redis.js';
import { startClockedGateway } from '../limits/support.js';

describe('Retry-After on the gateway’s own 503s', () => {
  let gw: TestGateway;

  before(async () => {
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    gw = await startClockedGateway((c) => {
      c['limits'] = { backend: 'redis', on_backend_error: 'closed', rules: [{ name: 'requests', by: ['user'], limit: 100, unit: 'requests', window_s: 60, match: { credential_id: ['analyst'] } }] };
      c['redis'] = { url: nobody, connect_timeout_ms: 2000, command_timeout_ms: 2000 };
    });
  });
  after(async () => {
    await gw?.close();
  });

  it('answers limits that cannot be checked with Retry-After', async () => {
    const err = await new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 }).chat.completions
      .create({ model: 'echo', messages: [{ role: 'user', content: 'Hello' }] })
      .then(() => assert.fail('limits cannot be checked'), (e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError && err.status === 503, String(err));
    assert.equal((err.error as { palisade_code: string }).palisade_code, 'GW_ERR_LIMITS_UNAVAILABLE');
    assert.equal(err.headers.get('retry-after'), '1');
    assert.equal(err.headers.get('retry-after-ms'), '1000');

    const claude = await new Anthropic({ apiKey: ANALYST_KEY, baseURL: gw.url, maxRetries: 0 }).messages
      .create({ model: 'echo', max_tokens: 10, messages: [{ role: 'user', content: 'Hello' }] })
      .then(() => assert.fail('limits cannot be checked'), (e: unknown) => e);
    assert.ok(claude instanceof Anthropic.APIError && claude.status === 503, String(claude));
    assert.equal(claude.headers?.get('retry-after'), '1');
    assert.equal((claude.error as { error: { type: string } }).error.type, 'api_error', 'an outage of the gateway’s own store is not the provider’s load');
  });
});
