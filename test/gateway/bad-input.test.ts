// Bad input gets a clear error in OpenAI's shape, loses nothing, and leaks nothing: no stack
// traces to callers, no keys or prompt text in the logs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ANALYST_KEY, PRIVILEGED_KEY, startTestGateway, type TestGateway } from '../support/gateway.js';

interface ErrorBody {
  error: { message: string; type: string; code: string; palisade_code: string; decision_id?: string };
}

describe('bad input', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway((c) => {
      // Nothing listens on port 1: a provider there is unreachable.
      (c['providers'] as unknown[]).push({ name: 'down', type: 'openai', base_url: 'http://127.0.0.1:1/v1', timeout_ms: 2000 });
      (c['models'] as unknown[]).push({ name: 'down-model', provider: 'down' });
    });
  });
  after(() => gw?.close());

  async function post(body: string, headers: Record<string, string> = { authorization: `Bearer ${ANALYST_KEY}` }): Promise<{ status: number; headers: Headers; body: ErrorBody }> {
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const text = await res.text();
    assert.doesNotMatch(text, /\bat .+\.(ts|js):\d+/, 'no stack trace in the body');
    return { status: res.status, headers: res.headers, body: JSON.parse(text) as ErrorBody };
  }
  const chat = (content: string, model = 'echo'): string => JSON.stringify({ model, messages: [{ role: 'user', content }] });

  it('malformed JSON gets 400', async () => {
    const r = await post('{"model": "echo", "messages": [');
    assert.equal(r.status, 400);
    assert.equal(r.body.error.palisade_code, 'GW_ERR_BAD_JSON');
    assert.equal(r.body.error.type, 'invalid_request_error');
  });

  it('a body of the wrong shape gets 400 naming the field', async () => {
    const r = await post(JSON.stringify({ model: 'echo', messages: 'hello' }));
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /messages/);
  });

  it('a missing key gets 401 with WWW-Authenticate', async () => {
    const r = await post(chat('hi'), {});
    assert.equal(r.status, 401);
    assert.equal(r.body.error.palisade_code, 'GW_ERR_AUTH_MISSING');
    assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer realm="palisade"/);
  });

  it('an unknown key gets 401 with an invalid_token challenge', async () => {
    const r = await post(chat('hi'), { authorization: 'Bearer sk-not-a-real-key' });
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 'invalid_api_key');
    assert.match(r.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  it('a body over the configured limit gets 413', async () => {
    const r = await post(chat('x'.repeat(70 * 1024)));
    assert.equal(r.status, 413);
    assert.equal(r.body.error.palisade_code, 'GW_ERR_BODY_TOO_LARGE');
  });

  it('an unknown model gets 404 model_not_found', async () => {
    const r = await post(chat('hi', 'no-such-model'));
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'model_not_found');
    assert.ok(r.body.error.decision_id);
  });

  it('an unreachable upstream gets 502 with a decision id', async () => {
    const r = await post(chat('hi', 'down-model'), { authorization: `Bearer ${PRIVILEGED_KEY}` });
    assert.equal(r.status, 502);
    assert.equal(r.body.error.palisade_code, 'GW_ERR_UPSTREAM_UNREACHABLE');
    assert.ok(r.body.error.decision_id);
    assert.doesNotMatch(r.body.error.message, /127\.0\.0\.1|ECONNREFUSED/, 'internal details stay in the logs');
  });

  it('an unknown path gets 404 in the same shape', async () => {
    const res = await fetch(`${gw.url}/v1/nothing-here`, { method: 'POST' });
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as ErrorBody).error.palisade_code, 'GW_ERR_NOT_FOUND');
  });

  it('the process is still serving, and logs hold no key or prompt text', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ANALYST_KEY}`, 'content-type': 'application/json' },
      body: chat('a secret prompt about zebras'),
    });
    assert.equal(res.status, 200);
    const logs = gw.logs.join('\n');
    assert.ok(gw.logs.length > 0);
    for (const secret of [ANALYST_KEY, PRIVILEGED_KEY, 'sk-not-a-real-key', 'zebras']) assert.ok(!logs.includes(secret), `logs must not contain ${secret}`);
  });
});
