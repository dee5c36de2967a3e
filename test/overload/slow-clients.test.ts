// Slow and abusive clients: headers or bodies that trickle in are cut (a body with 408 in the
// caller's shape, recorded), and a body sent at a decent pace is served however long it takes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ANALYST_KEY, startTestGateway, type TestGateway } from '../support/gateway.js';
import { recordOf } from '../gateway/support/edge.js';
import { heldModel, startHeldUpstream, type HeldUpstream } from './support/held-upstream.js';
import { closedWithin, openRaw, parseAnswer, trickle } from './support/raw-socket.js';

const body = JSON.stringify({ model: 'held', messages: [{ role: 'user', content: `Hello ${'there '.repeat(300)}` }] });
const anthropicBody = JSON.stringify({ model: 'held', max_tokens: 16, messages: [{ role: 'user', content: `Hello ${'there '.repeat(300)}` }] });

function head(path: string, length: number, extra: string[] = []): string {
  return [`POST ${path} HTTP/1.1`, 'Host: gateway', 'Content-Type: application/json', `Content-Length: ${length}`, ...extra, '', ''].join('\r\n');
}

describe('slow clients', () => {
  let upstream: HeldUpstream;
  let gw: TestGateway;
  before(async () => {
    upstream = await startHeldUpstream({ held: false });
    gw = await startTestGateway(heldModel(upstream, { headers_timeout_ms: 500, min_body_bytes_per_s: 1000, body_rate_grace_ms: 300 }));
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('headers that never finish arriving are cut and the connection closed', async () => {
    const client = openRaw(gw.url);
    await client.connected;
    const partial = `POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${ANALYST_KEY}\r\n`;
    void trickle(client, `${partial}X-Slow: ${'a'.repeat(200)}`, 2, 100);
    await closedWithin(client, 15_000);
    assert.match(client.received(), /^HTTP\/1\.1 408 /);
    assert.equal(upstream.received.length, 0);
  });

  for (const [path, payload, extra, shape] of [
    ['/v1/chat/completions', body, [`Authorization: Bearer ${ANALYST_KEY}`], 'openai'],
    ['/v1/messages', anthropicBody, [`x-api-key: ${ANALYST_KEY}`, 'anthropic-version: 2023-06-01'], 'anthropic'],
  ] as const) {
    it(`a body trickling in slower than the minimum rate gets 408 in the ${shape} shape, with a record, and is not forwarded`, async () => {
      const client = openRaw(gw.url);
      await client.connected;
      client.socket.write(head(path, Buffer.byteLength(payload), [...extra]));
      // 10 bytes every 100 ms is 100 bytes a second, a tenth of the minimum.
      void trickle(client, payload, 10, 100);
      await closedWithin(client, 15_000);
      const answer = parseAnswer(client.received());
      assert.equal(answer.status, 408, client.received());
      assert.match(answer.headers, /connection: close/);
      const error = (answer.json['error'] ?? {}) as Record<string, unknown>;
      if (shape === 'anthropic') {
        assert.equal(answer.json['type'], 'error');
        assert.equal(error['type'], 'invalid_request_error');
        assert.equal(error['code'], 'GW_ERR_BODY_TOO_SLOW');
      } else {
        assert.equal(error['palisade_code'], 'GW_ERR_BODY_TOO_SLOW');
      }
      const record = await recordOf(gw, error['decision_id']);
      assert.equal(record?.error?.code, 'GW_ERR_BODY_TOO_SLOW');
      assert.equal(record?.principal.sub, 'analyst@example.com', 'the refusal names the caller identity had found');
      assert.equal(upstream.received.length, 0);
    });
  }

  it('a body sent steadily above the minimum rate is served, even when it takes longer than the grace period', async () => {
    const client = openRaw(gw.url);
    await client.connected;
    client.socket.write(head('/v1/chat/completions', Buffer.byteLength(body), [`Authorization: Bearer ${ANALYST_KEY}`, 'Connection: close']));
    // 300 bytes every 100 ms is 3,000 bytes a second; the body takes about 0.6 s, twice the grace period.
    await trickle(client, body, 300, 100);
    await closedWithin(client, 15_000);
    assert.equal(parseAnswer(client.received()).status, 200, client.received());
    assert.equal(upstream.received.length, 1);
  });
});

describe('a whole request that takes too long', () => {
  let upstream: HeldUpstream;
  let gw: TestGateway;
  before(async () => {
    upstream = await startHeldUpstream({ held: false });
    // The rate check is off: only the bound on the whole request applies.
    gw = await startTestGateway(heldModel(upstream, { headers_timeout_ms: 500, request_timeout_ms: 1000, min_body_bytes_per_s: 0 }));
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('is cut with 408 and the connection closed, and is not forwarded', async () => {
    const client = openRaw(gw.url);
    await client.connected;
    client.socket.write(head('/v1/chat/completions', Buffer.byteLength(body), [`Authorization: Bearer ${ANALYST_KEY}`]));
    void trickle(client, body, 10, 100);
    await closedWithin(client, 15_000);
    assert.match(client.received(), /^HTTP\/1\.1 408 /);
    assert.equal(upstream.received.length, 0);
  });
});
