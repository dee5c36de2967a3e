// Every numeric parameter has a range and every caller mistake is a 4xx with a record: bodies that
// used to exhaust the heap or answer 500 (an embeddings request asking for 1e999 dimensions,
// infinite sampling knobs, lone surrogates in enumerations, a nested array as a content type).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { ANALYST_KEY, startTestGateway, readGatewayRecords, type TestGateway } from '../support/gateway.js';
import { startFakes, startProviderGateway, type Fakes } from '../providers/helpers.js';

const CHAT = '{"model":"echo","messages":[{"role":"user","content":"Hello"}]';

const CASES: { name: string; route: string; body: string; code: string; names: string }[] = [
  { name: 'embeddings with 1e999 dimensions', route: '/v1/embeddings', body: '{"model":"echo","input":"Hello","dimensions":1e999}', code: 'param_out_of_range', names: 'dimensions' },
  { name: 'embeddings with 300000000 dimensions', route: '/v1/embeddings', body: '{"model":"echo","input":"Hello","dimensions":300000000}', code: 'param_out_of_range', names: 'dimensions' },
  { name: 'an infinite temperature', route: '/v1/chat/completions', body: `${CHAT},"temperature":1e999}`, code: 'param_out_of_range', names: 'temperature' },
  { name: 'an infinite max_tokens', route: '/v1/chat/completions', body: `${CHAT},"max_tokens":1e999}`, code: 'param_out_of_range', names: 'max_tokens' },
  { name: 'a fractional n', route: '/v1/chat/completions', body: `${CHAT},"n":1.5}`, code: 'param_out_of_range', names: 'n' },
  { name: 'top_logprobs past 20', route: '/v1/chat/completions', body: `${CHAT},"top_logprobs":21}`, code: 'param_out_of_range', names: 'top_logprobs' },
  { name: 'a lone surrogate as a role', route: '/v1/chat/completions', body: '{"model":"echo","messages":[{"role":"\\ud800","content":"Hello"}]}', code: 'bad_request', names: 'messages.0.role' },
  { name: 'a lone surrogate as an encoding format', route: '/v1/embeddings', body: '{"model":"echo","input":"Hello","encoding_format":"\\ud800"}', code: 'bad_request', names: 'encoding_format' },
  { name: 'a lone surrogate as a tool type', route: '/v1/chat/completions', body: `${CHAT},"tools":[{"type":"\\ud800","function":{"name":"f"}}]}`, code: 'bad_request', names: 'tools.0.type' },
  { name: 'a nested array as a content type', route: '/v1/chat/completions', body: '{"model":"echo","messages":[{"role":"user","content":[{"type":[["text"]],"text":"hi"}]}]}', code: 'bad_request', names: 'messages.0.content.0.type' },
  { name: 'more than 2048 embedding inputs', route: '/v1/embeddings', body: JSON.stringify({ model: 'echo', input: Array.from({ length: 2049 }, () => 'a') }), code: 'param_out_of_range', names: 'input' },
  { name: 'token ids the tokenizer does not know', route: '/v1/embeddings', body: '{"model":"echo","input":[[999999,15339]]}', code: 'bad_request', names: 'input.0' },
  { name: 'Anthropic max_tokens of zero', route: '/v1/messages', body: '{"model":"echo","max_tokens":0,"messages":[{"role":"user","content":"Hi"}]}', code: 'invalid_request_error', names: 'max_tokens' },
];

async function decisionOf(gw: TestGateway, id: string): Promise<AuditRecordV1 | undefined> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = readGatewayRecords(gw).find((r) => r.decision_id === id);
    if (found || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('bounded parameters', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway((c) => {
      (c['audit'] as { ledger: Record<string, unknown> }).ledger['checkpoint_interval_ms'] = 10;
    });
  });
  after(async () => {
    await gw?.close();
  });

  for (const c of CASES) {
    it(`${c.name}: 400 naming the field, with a record`, async () => {
      const res = await fetch(`${gw.url}${c.route}`, { method: 'POST', headers: { authorization: `Bearer ${ANALYST_KEY}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: c.body });
      const body = (await res.json()) as { error: { code?: string; type?: string; message: string; decision_id?: string } };
      assert.equal(res.status, 400);
      assert.ok(body.error.code === c.code || body.error.type === c.code, JSON.stringify(body));
      assert.ok(body.error.message.includes(`"${c.names}"`), body.error.message);
      const id = res.headers.get('x-palisade-decision-id') ?? body.error.decision_id ?? '';
      const record = await decisionOf(gw, id);
      assert.ok(record?.error, 'the refusal is on record');
      assert.ok(!JSON.stringify(record).includes('\\ud800'), 'the record holds no caller-chosen value');
      if (c.names === 'input.0') assert.match(body.error.message, /check_embedding_ctx_length=False/, 'the message says what to change');
    });
  }

  it('keeps a caller-chosen model id out of the record of a look-up that finds nothing', async () => {
    const secret = 'sk-live-0123456789abcdef0123456789abcdef';
    const res = await fetch(`${gw.url}/v1/models/${secret}`, { headers: { authorization: `Bearer ${ANALYST_KEY}` } });
    assert.equal(res.status, 404);
    const body = await res.text();
    const id = res.headers.get('x-palisade-decision-id') ?? (JSON.parse(body) as { error: { decision_id: string } }).error.decision_id;
    const record = await decisionOf(gw, id);
    assert.ok(record, 'the look-up is on record');
    assert.ok(!JSON.stringify(record).includes(secret), 'the id is not in the record');
  });

  it('is still serving, and no log line holds a stack trace', async () => {
    assert.equal((await fetch(`${gw.url}/healthz`)).status, 200);
    assert.ok(!gw.logs.some((l) => l.includes('"stack"')), 'no stack trace was logged for caller input');
  });
});

describe('ingress.unknown_fields: classify', () => {
  let gw: TestGateway;
  let fakes: Fakes;
  before(async () => {
    fakes = await startFakes();
    gw = await startProviderGateway(fakes, (c) => {
      c['ingress'] = { unknown_fields: { '/v1/chat/completions': 'classify' } };
    });
  });
  after(async () => {
    await gw?.close();
    await fakes?.close();
  });
  const send = (extra: unknown, model = 'gpt-native'): Promise<Response> =>
    fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${ANALYST_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }], new_feature: extra }) });

  it('forwards a field the table does not list to a provider of the same API', async () => {
    assert.equal((await send({ mode: 'fast' })).status, 200);
    assert.deepEqual(fakes.openai.received.at(-1)?.body['new_feature'], { mode: 'fast' });
  });
  it('refuses it by name where translation cannot carry it', async () => {
    const res = await send({ mode: 'fast' }, 'claude');
    assert.equal(res.status, 400);
    assert.match(await res.text(), /new_feature/);
  });
  it('and classifies it like any other text', async () => {
    const res = await send({ note: 'SSN 536-22-8726' });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /pii_requires_pii_reader/);
  });
  it('other routes still refuse unknown fields', async () => {
    const res = await fetch(`${gw.url}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${ANALYST_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-native', input: 'Hi', new_feature: 1 }) });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /unknown_field/);
  });
});
