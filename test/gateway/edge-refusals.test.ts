// A caller's mistake at the HTTP edge (an undecodable body, a malformed URL, a repeated credential
// header, a body that is not JSON, an unknown route) is a 4xx in the caller's API shape with a
// decision record, and is logged at info without a stack trace.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { ANALYST_KEY, PRIVILEGED_KEY, startTestGateway, readGatewayRecords, type TestGateway } from '../support/gateway.js';
import { errorOf, logsOf, loudLines, recordOf, send, type RawAnswer } from './support/edge.js';

const CHAT = '/v1/chat/completions';
const MESSAGES = '/v1/messages';
const chatBody = JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'Hello' }] });
const json: [string, string] = ['content-type', 'application/json'];
const analyst: [string, string] = ['authorization', `Bearer ${ANALYST_KEY}`];

describe('refusals at the HTTP edge', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(() => gw?.close());

  /** The answer is the caller's mistake, in the OpenAI shape, with a recorded decision naming the code. */
  async function assertRecordedRefusal(answer: RawAnswer, status: number, code: string): Promise<void> {
    const error = errorOf(answer);
    assert.equal(answer.status, status, answer.text);
    assert.equal(error['palisade_code'] ?? error['code'], code, answer.text);
    const decisionId = error['decision_id'];
    assert.equal(typeof decisionId, 'string', 'the refusal names its decision');
    assert.equal(answer.headers['x-palisade-decision-id'], decisionId);
    const record = await recordOf(gw, decisionId);
    assert.ok(record, `a decision record for ${String(decisionId)}`);
    assert.equal(record.error?.code, code);
    for (const line of logsOf(gw, decisionId)) {
      assert.equal(line.level, 'info', JSON.stringify(line));
      assert.equal(line.err, undefined, 'no stack trace for a caller mistake');
    }
  }

  for (const [encoding, good] of [
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const) {
    it(`a body that is not valid ${encoding} gets 400 with a record`, async () => {
      const answer = await send(gw, 'POST', CHAT, [analyst, json, ['content-encoding', encoding]], 'this was never compressed');
      await assertRecordedRefusal(answer, 400, 'GW_ERR_BAD_CONTENT_ENCODING');
      // A cut-off stream is as undecodable as a foreign one.
      const cut = good(Buffer.from(chatBody)).subarray(0, 8);
      const truncated = await send(gw, 'POST', CHAT, [analyst, json, ['content-encoding', encoding]], cut);
      await assertRecordedRefusal(truncated, 400, 'GW_ERR_BAD_CONTENT_ENCODING');
    });
  }

  it('an undecodable body on the Anthropic route is refused in Anthropic’s shape', async () => {
    const answer = await send(gw, 'POST', MESSAGES, [['x-api-key', ANALYST_KEY], ['anthropic-version', '2023-06-01'], json, ['content-encoding', 'gzip']], 'not gzip');
    assert.equal(answer.json['type'], 'error');
    assert.equal(errorOf(answer)['type'], 'invalid_request_error');
    await assertRecordedRefusal(answer, 400, 'GW_ERR_BAD_CONTENT_ENCODING');
  });

  it('a malformed percent-encoding in the path gets 400, recorded, and nothing logged above info', async () => {
    const before = gw.logs.length;
    const answer = await send(gw, 'GET', '/v1/models/%FF', []);
    await assertRecordedRefusal(answer, 400, 'GW_ERR_BAD_HTTP');
    const record = await recordOf(gw, errorOf(answer)['decision_id']);
    assert.equal(record?.request.route, '/v1/models');
    assert.deepEqual(loudLines(gw, before), []);
  });

  it('the body parser answers every odd body with a 4xx, never a 500', async () => {
    const bodies: [string, [string, string][], string | Uint8Array][] = [
      ['an infinite number', [json], '[1e999]'],
      ['a negative infinite number', [json], '-1e999'],
      ['deep nesting', [json], `${'['.repeat(30_000)}${']'.repeat(30_000)}`],
      ['bytes that are not UTF-8', [json], Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d])],
      ['an unknown charset', [['content-type', 'application/json; charset=klingon']], chatBody],
      ['an unknown content encoding', [json, ['content-encoding', 'compress']], chatBody],
      ['an empty compressed body', [json, ['content-encoding', 'gzip']], new Uint8Array(0)],
    ];
    const before = gw.logs.length;
    for (const [what, headers, body] of bodies) {
      const answer = await send(gw, 'POST', CHAT, [analyst, ...headers], body);
      assert.ok(answer.status >= 400 && answer.status < 500, `${what}: ${answer.status} ${answer.text}`);
      assert.doesNotMatch(answer.text, /\bat .+\.(ts|js):\d+/, `${what}: no stack trace`);
    }
    assert.deepEqual(loudLines(gw, before), []);
  });

  it('two Authorization headers get 400, whichever comes first, with a record', async () => {
    for (const pair of [
      [`Bearer ${ANALYST_KEY}`, `Bearer ${PRIVILEGED_KEY}`],
      [`Bearer ${ANALYST_KEY}`, `Bearer ${ANALYST_KEY}`],
    ]) {
      const answer = await send(gw, 'POST', CHAT, [['authorization', pair[0] as string], ['authorization', pair[1] as string], json], chatBody);
      await assertRecordedRefusal(answer, 400, 'GW_ERR_AUTH_AMBIGUOUS');
    }
  });

  it('two x-api-key headers get 400 in Anthropic’s shape, with a record', async () => {
    const answer = await send(gw, 'POST', MESSAGES, [['x-api-key', PRIVILEGED_KEY], ['x-api-key', ANALYST_KEY], ['anthropic-version', '2023-06-01'], json], '{}');
    assert.equal(answer.json['type'], 'error');
    await assertRecordedRefusal(answer, 400, 'GW_ERR_AUTH_AMBIGUOUS');
  });

  it('a body declared as anything but JSON gets 415 with a record; JSON types and a missing type are read', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp']) {
      const answer = await send(gw, 'POST', CHAT, [analyst, ['content-type', type]], chatBody);
      await assertRecordedRefusal(answer, 415, 'GW_ERR_UNSUPPORTED_MEDIA_TYPE');
    }
    const anthropic = await send(gw, 'POST', MESSAGES, [['x-api-key', ANALYST_KEY], ['anthropic-version', '2023-06-01'], ['content-type', 'text/plain']], '{}');
    assert.equal(anthropic.json['type'], 'error');
    await assertRecordedRefusal(anthropic, 415, 'GW_ERR_UNSUPPORTED_MEDIA_TYPE');

    for (const headers of [[json], [['content-type', 'application/json; charset=utf-8']], [['content-type', 'Application/JSON']], [['content-type', 'application/vnd.example+json']], []] as [string, string][][]) {
      const answer = await send(gw, 'POST', CHAT, [analyst, ...headers], chatBody);
      assert.equal(answer.status, 200, `${JSON.stringify(headers)}: ${answer.text}`);
    }
  });

  it('an unknown Anthropic route gets 404 in Anthropic’s shape, an unknown OpenAI route in OpenAI’s, both recorded', async () => {
    const anthropic = await send(gw, 'POST', '/v1/messages/foo', [['x-api-key', ANALYST_KEY], ['anthropic-version', '2023-06-01'], json], '{}');
    assert.equal(anthropic.json['type'], 'error');
    assert.equal(errorOf(anthropic)['type'], 'not_found_error');
    await assertRecordedRefusal(anthropic, 404, 'GW_ERR_NOT_FOUND');

    const openai = await send(gw, 'POST', '/v1/nothing-here', [analyst, json], '{}');
    assert.equal(errorOf(openai)['type'], 'invalid_request_error');
    await assertRecordedRefusal(openai, 404, 'GW_ERR_NOT_FOUND');
    const record = await recordOf(gw, errorOf(openai)['decision_id']);
    assert.equal(record?.request.route, '*');
    assert.ok(!JSON.stringify(record).includes('nothing-here'), 'the caller’s path stays out of the ledger');
  });
});

describe('a flood of refusals at the edge', () => {
  it('records refusals one by one up to the burst, then as a counted summary', async () => {
    const gw = await startTestGateway((c) => {
      (c['identity'] as Record<string, unknown>)['denial_audit'] = { rate_per_s: 0.001, burst: 2 };
    });
    try {
      const answers: RawAnswer[] = [];
      for (let i = 0; i < 6; i++) answers.push(await send(gw, 'GET', `/v1/unknown-${i}`, []));
      for (const a of answers) assert.equal(a.status, 404, 'every refusal is still answered');
      await gw.gateway.close();
      const refusals = readGatewayRecords(gw).filter((r) => r.error?.code === 'GW_ERR_NOT_FOUND');
      assert.equal(refusals.length, 3, 'two records of their own and one summary');
      assert.match(refusals[2]?.error?.message ?? '', /^4 requests refused with GW_ERR_NOT_FOUND/);
    } finally {
      await gw.close();
    }
  });
});
