// Pass-through of provider endpoints the gateway does not model: off unless configured; when
// configured, the caller is identified, the route is decided by policy and audited, the provider
// sees the provider's key, never the caller's, and both records carry the commitment of the body
// they cover (request line and body; answer), as an auditor recomputes it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { ANALYST_KEY, readGatewayRecords, type TestGateway } from '../support/gateway.js';
import { OPENAI_FAKE_KEY } from '../support/fake-openai-platform.js';
import { json, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { expectedCommitment, startFakes, startProviderGateway, type Fakes } from './helpers.js';

const ANALYST = 'analyst@example.com';
/** Every byte value once: not UTF-8, so committed as base64. */
const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const MAX_BODY = 4096;

/** A loopback server for OpenAI's files API (upload, list, binary content), as documented. */
function startFilesFake(): Promise<FakeUpstream> {
  return startFakeUpstream((req) => {
    if (req.headers.authorization !== `Bearer ${OPENAI_FAKE_KEY}`) return json(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } });
    const file = { object: 'file', created_at: 1_700_000_000, filename: 'batch.jsonl', purpose: 'batch' };
    if (req.method === 'POST' && req.path === '/v1/files') return json(200, { id: 'file-up', bytes: Buffer.byteLength(req.rawBody), ...file });
    if (req.method === 'GET' && req.path === '/v1/files?limit=2') return json(200, { object: 'list', data: [{ id: 'file-1', bytes: 12, ...file }], has_more: false });
    if (req.method === 'GET' && req.path === '/v1/files/file-bin/content') return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: BINARY };
    if (req.method === 'GET' && req.path === '/v1/files/file-big/content') return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(MAX_BODY + 1, 0x61) };
    return json(404, { error: { message: `no route ${req.path}`, type: 'invalid_request_error' } });
  });
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('pass-through', () => {
  let fakes: Fakes;
  let files: FakeUpstream;
  let off: TestGateway;
  let on: TestGateway;
  let records: AuditRecordV1[] = [];
  const ids: Record<string, string> = {};

  before(async () => {
    fakes = await startFakes();
    files = await startFilesFake();
    const gone = await closedPort();
    off = await startProviderGateway(fakes);
    on = await startProviderGateway(fakes, (c) => {
      (c['providers'] as unknown[]).push(
        { name: 'files', type: 'openai', base_url: `${files.url}/v1`, api_key_file: join(fakes.dir, 'openai.key'), timeout_ms: 5000 },
        { name: 'gone', type: 'openai', base_url: `http://127.0.0.1:${gone}/v1`, api_key_file: join(fakes.dir, 'openai.key'), timeout_ms: 5000 },
      );
      c['passthrough'] = [
        { route: '/v1/files', provider: 'files', methods: ['GET', 'POST'], max_body_bytes: MAX_BODY },
        { route: '/v1/batches', provider: 'gone', methods: ['GET'] },
      ];
    });
  });
  after(async () => {
    await off?.close();
    await on?.close();
    await files?.close();
    await fakes?.close();
  });

  const client = (): OpenAI => new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${on.url}/v1`, maxRetries: 0 });
  const of = (id: string | undefined, phase: 'decision' | 'outcome'): AuditRecordV1 | undefined => records.find((r) => r.decision_id === id && r.phase === phase);

  it('is off unless configured', async () => {
    const c = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${off.url}/v1`, maxRetries: 0 });
    await assert.rejects(c.files.list(), (err: unknown) => err instanceof OpenAI.NotFoundError);
  });

  it('forwards a configured route with the provider’s key, never the caller’s', async () => {
    const before = files.received.length;
    const { data: page, response } = await client().files.list({ limit: 2 }).withResponse();
    assert.deepEqual(page.data.map((f) => f.id), ['file-1']);
    ids['list'] = response.headers.get('x-palisade-decision-id') ?? '';
    const sent = files.received.slice(before);
    assert.deepEqual(sent.map((r) => r.path), ['/v1/files?limit=2']);
    assert.equal(sent[0]?.headers.authorization, `Bearer ${OPENAI_FAKE_KEY}`);
    assert.equal(sent[0]?.headers['accept-encoding'], undefined, 'answers are asked for uncompressed, so their commitment covers what they say');

    await assert.rejects(new OpenAI({ apiKey: 'sk-wrong', baseURL: `${on.url}/v1`, maxRetries: 0 }).files.list(), (err: unknown) => err instanceof OpenAI.AuthenticationError);
    await assert.rejects(client().files.delete('file-1'), (err: unknown) => err instanceof OpenAI.NotFoundError, 'methods not configured are refused');
    assert.equal(files.received.length, before + 1, 'refused requests never left');
  });

  it('uploads a file byte for byte, and returns a binary file byte for byte', async () => {
    const jsonl = '{"custom_id":"r1","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Grüße"}]}}\n';
    const { data: uploaded, response } = await client().files.create({ file: await toFile(Buffer.from(jsonl), 'batch.jsonl'), purpose: 'batch' }).withResponse();
    assert.equal(uploaded.id, 'file-up');
    ids['upload'] = response.headers.get('x-palisade-decision-id') ?? '';
    const sent = files.received.at(-1);
    assert.match(sent?.headers['content-type'] ?? '', /^multipart\/form-data; boundary=/);
    assert.ok(sent?.rawBody.includes(jsonl), 'the file reached the provider as sent');
    ids['uploadBody'] = sent?.rawBody ?? '';

    const content = await client().files.content('file-bin');
    assert.deepEqual(Buffer.from(await content.arrayBuffer()), BINARY);
    ids['binary'] = content.headers.get('x-palisade-decision-id') ?? '';
  });

  it('refuses a body larger than the route allows before anything leaves, and an answer larger than it', async () => {
    const before = files.received.length;
    const big = await fetch(`${on.url}/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${ANALYST_KEY}`, 'content-type': 'application/octet-stream' }, body: Buffer.alloc(MAX_BODY + 1) });
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { error: { palisade_code: string } }).error.palisade_code, 'GW_ERR_BODY_TOO_LARGE');
    assert.equal(files.received.length, before, 'nothing was forwarded');

    const res = await fetch(`${on.url}/v1/files/file-big/content`, { headers: { authorization: `Bearer ${ANALYST_KEY}` } });
    assert.equal(res.status, 502);
    const body = (await res.json()) as { error: { palisade_code: string; decision_id: string } };
    assert.equal(body.error.palisade_code, 'GW_ERR_UPSTREAM_BAD_RESPONSE');
    ids['big'] = body.error.decision_id;
  });

  it('answers 502 when the provider cannot be reached, and records it', async () => {
    const res = await fetch(`${on.url}/v1/batches`, { headers: { authorization: `Bearer ${ANALYST_KEY}` } });
    assert.equal(res.status, 502);
    const body = (await res.json()) as { error: { palisade_code: string; decision_id: string } };
    assert.equal(body.error.palisade_code, 'GW_ERR_UPSTREAM_UNREACHABLE');
    ids['gone'] = body.error.decision_id;
  });

  it('records the decision and outcome of each call, with the commitments of what went and came back', async () => {
    await on.gateway.close();
    records = readGatewayRecords(on).filter((r) => r.request.api === 'passthrough');
    // Refusals before the policy (a bad key) are recorded without a policy; these are the policy's decisions.
    const decisions = records.filter((r) => r.phase === 'decision' && r.policy !== undefined);
    assert.equal(decisions.length, 5);
    assert.ok(decisions.every((d) => d.policy?.allow === true && d.principal.sub === ANALYST));

    const list = of(ids['list'], 'decision');
    assert.equal(list?.request.route, '/v1/files');
    assert.equal(list?.request.model_requested, 'files');
    assert.equal(list?.content?.mode, 'hash');
    assert.deepEqual(list?.content?.request, await expectedCommitment(on, ANALYST, JSON.stringify(['GET /v1/files?limit=2', ''])));
    const listed = of(ids['list'], 'outcome');
    assert.equal(listed?.outcome?.status, 200);
    assert.equal(listed?.outcome?.provider, 'files');
    assert.deepEqual(
      listed?.content?.response,
      await expectedCommitment(on, ANALYST, JSON.stringify({ object: 'list', data: [{ id: 'file-1', bytes: 12, object: 'file', created_at: 1_700_000_000, filename: 'batch.jsonl', purpose: 'batch' }], has_more: false })),
    );

    assert.deepEqual(of(ids['upload'], 'decision')?.content?.request, await expectedCommitment(on, ANALYST, JSON.stringify(['POST /v1/files', ids['uploadBody']])));
    assert.deepEqual(of(ids['binary'], 'decision')?.content?.request, await expectedCommitment(on, ANALYST, JSON.stringify(['GET /v1/files/file-bin/content', ''])));
    assert.deepEqual(of(ids['binary'], 'outcome')?.content?.response, await expectedCommitment(on, ANALYST, `base64:${BINARY.toString('base64')}`));

    const big = of(ids['big'], 'outcome')?.outcome;
    assert.equal(big?.status, 502);
    assert.equal(big?.error?.code, 'GW_ERR_UPSTREAM_BAD_RESPONSE');
    const gone = of(ids['gone'], 'outcome')?.outcome;
    assert.equal(gone?.status, 502);
    assert.equal(gone?.error?.code, 'GW_ERR_UPSTREAM_UNREACHABLE');
    assert.equal(of(ids['gone'], 'outcome')?.content, undefined, 'no answer, nothing to commit to');
  });
});
