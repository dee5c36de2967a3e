// Pass-through of provider endpoints the gateway does not model: off unless configured; when
// configured, the caller is identified, the route is decided by policy and audited, and the
// provider sees the provider's key, never the caller's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import OpenAI from 'openai';
import { ANALYST_KEY, type TestGateway } from '../support/gateway.js';
import { OPENAI_FAKE_KEY } from '../support/fake-openai-platform.js';
import { readLedgerRecords } from '../support/ledger.js';
import { startFakes, startProviderGateway, type Fakes } from './helpers.js';

describe('pass-through', () => {
  let fakes: Fakes;
  let off: TestGateway;
  let on: TestGateway;

  before(async () => {
    fakes = await startFakes();
    off = await startProviderGateway(fakes);
    on = await startProviderGateway(fakes, (c) => {
      c['passthrough'] = [{ route: '/v1/files', provider: 'openai', methods: ['GET'] }];
    });
  });
  after(async () => {
    await off?.close();
    await on?.close();
    await fakes?.close();
  });

  it('is off unless configured', async () => {
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${off.url}/v1`, maxRetries: 0 });
    await assert.rejects(client.files.list(), (err: unknown) => err instanceof OpenAI.NotFoundError);
  });

  it('forwards a configured route with the provider’s key, and records the decision and outcome', async () => {
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${on.url}/v1`, maxRetries: 0 });
    const before = fakes.openai.received.length;
    const page = await client.files.list();
    assert.deepEqual(page.data.map((f) => f.id), ['file-1']);
    const file = await client.files.retrieve('file-42');
    assert.equal(file.id, 'file-42');
    const sent = fakes.openai.received.slice(before);
    assert.deepEqual(sent.map((r) => r.path), ['/v1/files', '/v1/files/file-42']);
    for (const r of sent) assert.equal(r.headers.authorization, `Bearer ${OPENAI_FAKE_KEY}`);

    await assert.rejects(new OpenAI({ apiKey: 'sk-wrong', baseURL: `${on.url}/v1`, maxRetries: 0 }).files.list(), (err: unknown) => err instanceof OpenAI.AuthenticationError);
    await assert.rejects(client.files.delete('file-1'), (err: unknown) => err instanceof OpenAI.NotFoundError, 'methods not configured are refused');
    assert.equal(fakes.openai.received.length, before + 2, 'refused requests never left');

    await on.gateway.close();
    const records = readLedgerRecords(join(on.ledgerDir, 'default')).filter((r) => r.request.api === 'passthrough');
    // Refusals before the policy (a bad key) may be recorded too; these are the policy's decisions.
    const decisions = records.filter((r) => r.phase === 'decision' && r.policy !== undefined);
    const outcomes = records.filter((r) => r.phase === 'outcome');
    assert.equal(decisions.length, 2);
    assert.equal(outcomes.length, 2);
    assert.equal(decisions[0]?.policy?.allow, true);
    assert.equal(decisions[0]?.request.route, '/v1/files');
    assert.equal(outcomes[0]?.outcome?.status, 200);
    assert.equal(outcomes[0]?.outcome?.provider, 'openai');
  });
});
