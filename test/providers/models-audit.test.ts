// The model list is audited: every listing and every model looked up leaves one decision record,
// committed before the answer, saying who asked, what the policy withheld and why, the status,
// and a commitment to the names returned, which an auditor recomputes with the subject's key.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { ANALYST_KEY, PRIVILEGED_KEY, readGatewayRecords, type TestGateway } from '../support/gateway.js';
import { ALLOW_RESPONSE_REGO, buildSignedFixtureBundle } from '../policy/support.js';
import { MODEL_POLICY, expectedCommitment, startFakes, startProviderGateway, type Fakes } from './helpers.js';

describe('model list audit', () => {
  let fakes: Fakes;
  let gw: TestGateway;
  const ids: Record<string, string> = {};
  const listed: Record<string, string[]> = {};
  let records: AuditRecordV1[] = [];

  before(async () => {
    fakes = await startFakes();
    const bundlePath = join(fakes.dir, 'models-policy.tar.gz');
    writeFileSync(bundlePath, await buildSignedFixtureBundle({ 'request.rego': MODEL_POLICY, 'response.rego': ALLOW_RESPONSE_REGO }));
    gw = await startProviderGateway(fakes, (c) => {
      (c['policy'] as Record<string, unknown>)['bundle'] = bundlePath;
    });
  });
  after(async () => {
    await gw?.close();
    await fakes?.close();
  });

  const record = (id: string | undefined): AuditRecordV1 | undefined => records.find((r) => r.decision_id === id);

  it('answers listings and look-ups, each with its decision id', async () => {
    for (const [who, key] of [['analyst', ANALYST_KEY], ['privileged', PRIVILEGED_KEY]] as const) {
      const client = new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
      const { data: page, response } = await client.models.list().withResponse();
      listed[who] = page.data.map((m) => m.id);
      ids[who] = response.headers.get('x-palisade-decision-id') ?? '';
    }
    const analyst = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const { response } = await analyst.models.retrieve('gpt-native').withResponse();
    ids['lookup'] = response.headers.get('x-palisade-decision-id') ?? '';
    await assert.rejects(analyst.models.retrieve('claude'), (err: unknown) => {
      assert.ok(err instanceof OpenAI.NotFoundError);
      ids['withheld'] = (err.error as { decision_id: string }).decision_id;
      return true;
    });
    const anthropic = new Anthropic({ apiKey: ANALYST_KEY, baseURL: gw.url, maxRetries: 0 });
    const { response: claudeResponse } = await anthropic.models.list().withResponse();
    ids['anthropic'] = claudeResponse.headers.get('x-palisade-decision-id') ?? '';
    assert.ok(Object.values(ids).every((id) => /^[0-9a-f-]{36}$/.test(id)), JSON.stringify(ids));
  });

  it('records who listed the models, what was withheld and why, and commits to what was shown', async () => {
    await gw.gateway.close();
    records = readGatewayRecords(gw).filter((r) => r.request.route === '/v1/models');
    assert.equal(records.length, 5, 'one record per listing or look-up');
    assert.ok(records.every((r) => r.phase === 'decision' && r.request.api === 'models.list'));

    const analyst = record(ids['analyst']);
    assert.equal(analyst?.principal.sub, 'analyst@example.com');
    assert.equal(analyst?.outcome?.status, 200);
    assert.equal(analyst?.policy?.allow, true);
    assert.deepEqual(analyst?.policy?.reasons, [{ code: 'model_restricted', message: 'claude is for pii-readers.' }], 'the policy’s reason for withholding claude');
    assert.ok(analyst?.policy?.revision !== undefined && analyst.policy.digest !== '');
    assert.deepEqual(analyst?.content?.response, await expectedCommitment(gw, 'analyst@example.com', JSON.stringify(listed['analyst'])));

    const privileged = record(ids['privileged']);
    assert.deepEqual(privileged?.policy?.reasons, [], 'nothing withheld');
    assert.ok(listed['privileged']?.includes('claude'));
    assert.deepEqual(privileged?.content?.response, await expectedCommitment(gw, 'privileged@example.com', JSON.stringify(listed['privileged'])));

    const lookup = record(ids['lookup']);
    assert.equal(lookup?.request.model_requested, 'gpt-native');
    assert.equal(lookup?.policy?.allow, true);
    assert.equal((lookup?.policy?.input?.['request'] as { model?: string } | undefined)?.model, 'gpt-native', 'a look-up keeps its exact policy input, for replay');
    assert.deepEqual(lookup?.content?.response, await expectedCommitment(gw, 'analyst@example.com', JSON.stringify(['gpt-native'])));

    const withheld = record(ids['withheld']);
    assert.equal(withheld?.request.model_requested, 'claude');
    assert.equal(withheld?.policy?.allow, false);
    assert.deepEqual(withheld?.policy?.reasons.map((r) => r.code), ['model_restricted']);
    assert.equal(withheld?.outcome?.status, 404);
    assert.equal(withheld?.outcome?.error?.code, 'GW_ERR_MODEL_NOT_FOUND');
    assert.equal(withheld?.content, undefined, 'nothing was shown');

    assert.deepEqual(record(ids['anthropic'])?.content?.response, analyst?.content?.response, 'the same list, in Anthropic’s shape');
  });
});
