// Requests pipelined on one connection ahead of bytes that are not HTTP: each complete request
// is answered, in order, before the refusal of the bad bytes, and the connection then closes.
// Nothing reaches the provider that the caller does not get an answer to.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { ANALYST_KEY, startTestGateway, type TestGateway } from '../support/gateway.js';
import { recordOf } from './support/edge.js';

/** Writes the bytes in one piece and reads until the gateway closes the connection. */
function exchange(gw: TestGateway, bytes: string): Promise<string> {
  const url = new URL(gw.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    // A gateway that never closes fails the test instead of hanging it.
    socket.setTimeout(20_000, () => socket.destroy(new Error(`the connection stayed open; received: ${received}`)));
    socket.write(bytes);
  });
}

function chatRequest(content: string): string {
  const body = JSON.stringify({ model: 'upstream-model', messages: [{ role: 'user', content }] });
  return `POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${ANALYST_KEY}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

interface Answer {
  status: number;
  head: string;
  body: string;
}

/** The answers in the order they came, split on their status lines. */
function answers(stream: string): Answer[] {
  return stream
    .split(/(?=HTTP\/1\.1 \d{3} )/)
    .filter((a) => a !== '')
    .map((a) => {
      const [head = '', body = ''] = a.split('\r\n\r\n');
      return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), head, body };
    });
}

describe('pipelined requests followed by bytes that are not HTTP', () => {
  let upstream: FakeOpenAI;
  let gw: TestGateway;
  before(async () => {
    upstream = await startFakeOpenAI();
    gw = await startTestGateway((c) => {
      (c['providers'] as unknown[]).push({ name: 'upstream', type: 'openai', base_url: upstream.baseUrl, timeout_ms: 5000 });
      (c['models'] as unknown[]).push({ name: 'upstream-model', provider: 'upstream' });
    });
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('answers the forwarded request before refusing the garbage, then closes', async () => {
    const before = upstream.received.length;
    const got = answers(await exchange(gw, `${chatRequest('first')}GARBAGE / HTTP/9\r\n\r\n`));
    assert.equal(upstream.received.length - before, 1, 'the valid request was forwarded');
    assert.deepEqual(
      got.map((a) => a.status),
      [200, 400],
      'its answer comes first, then the refusal',
    );
    assert.match(got[0]?.body ?? '', /Hello from the fake upstream/);
    const refusal = JSON.parse(got[1]?.body ?? '{}') as { error?: { palisade_code?: string; decision_id?: string } };
    assert.equal(refusal.error?.palisade_code, 'GW_ERR_BAD_HTTP');
    assert.match(got[1]?.head ?? '', /^connection: close$/im);
    const record = await recordOf(gw, refusal.error?.decision_id);
    assert.equal(record?.error?.code, 'GW_ERR_BAD_HTTP', 'the refusal is recorded');
  });

  it('forwards nothing of a request whose body the bad bytes cut short, and refuses it with a record', async () => {
    const before = upstream.received.length;
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${ANALYST_KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const got = answers(await exchange(gw, `${head}5\r\n{"mod\r\nnot-a-chunk-size\r\n\r\n`));
    assert.equal(upstream.received.length - before, 0, 'nothing was forwarded');
    assert.deepEqual(
      got.map((a) => a.status),
      [400],
    );
    const refusal = JSON.parse(got[0]?.body ?? '{}') as { error?: { palisade_code?: string; decision_id?: string } };
    assert.equal(refusal.error?.palisade_code, 'GW_ERR_BAD_HTTP');
    assert.equal((await recordOf(gw, refusal.error?.decision_id))?.error?.code, 'GW_ERR_BAD_HTTP');
  });

  it('answers every pipelined request, in order, before the refusal', async () => {
    const before = upstream.received.length;
    const got = answers(await exchange(gw, `${chatRequest('one')}${chatRequest('two')}\x00\x01 not http\r\n\r\n`));
    assert.equal(upstream.received.length - before, 2);
    assert.deepEqual(
      got.map((a) => a.status),
      [200, 200, 400],
    );
    const contents = got.slice(0, 2).map((a) => (JSON.parse(a.body) as { id: string }).id);
    assert.equal(new Set(contents).size, 2, 'two distinct answers');
  });

  it('refuses an HTTP/1.1 request without Host in OpenAI’s shape, with a record', async () => {
    const got = answers(await exchange(gw, 'GET /v1/models HTTP/1.1\r\nConnection: close\r\n\r\n'));
    assert.deepEqual(
      got.map((a) => a.status),
      [400],
    );
    const body = JSON.parse(got[0]?.body ?? '{}') as { error?: { palisade_code?: string; decision_id?: string } };
    assert.equal(body.error?.palisade_code, 'GW_ERR_BAD_HTTP');
    assert.equal((await recordOf(gw, body.error?.decision_id))?.error?.code, 'GW_ERR_BAD_HTTP');
  });
});
