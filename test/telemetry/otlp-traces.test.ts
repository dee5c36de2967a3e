// With telemetry.otlp set, every request is one trace exported over OTLP/HTTP: the server span,
// the pipeline's steps under it, the provider call with the GenAI attributes and one span per
// attempt; the ledger's records carry the trace id, and no prompt or answer text is exported.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { PRIVILEGED_KEY, startTestGateway, type TestGateway } from '../support/gateway.js';
import { ledgerLogs, readLedgerRecords } from '../support/ledger.js';
import { OPENAI_FAKE_KEY, startFakeOpenAIPlatform, type FakeOpenAIPlatform } from '../support/fake-openai-platform.js';
import { attr, startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';

const SSN = '536-22-8726';
const COLLECTOR_TOKEN = 'collector-token-7f3a9c';

describe('OpenTelemetry traces over OTLP/HTTP', () => {
  let receiver: OtlpReceiver;
  let upstream: FakeOpenAIPlatform;
  let gw: TestGateway;
  const files = mkdtempSync(join(tmpdir(), 'palisade-otlp-'));
  let decisionId = '';
  let status = 0;
  let forwarded = 0;
  let records: AuditRecordV1[] = [];
  let streamedId = '';
  let streamedRecords: AuditRecordV1[] = [];

  before(async () => {
    receiver = await startOtlpReceiver();
    upstream = await startFakeOpenAIPlatform();
    writeFileSync(join(files, 'openai.key'), `${OPENAI_FAKE_KEY}\n`, { mode: 0o600 });
    writeFileSync(join(files, 'otlp-headers'), `# collector credentials\nAuthorization: Bearer ${COLLECTOR_TOKEN}\n`, { mode: 0o600 });
    gw = await startTestGateway((c) => {
      (c['providers'] as unknown[]).push({ name: 'up', type: 'openai', base_url: upstream.baseUrl, api_key_file: join(files, 'openai.key') });
      (c['models'] as unknown[]).push({ name: 'up-model', provider: 'up', upstream_model: 'gpt-4o-mini' });
      c['routing'] = { retry: { max_attempts: 2, base_delay_ms: 10, max_delay_ms: 50, max_retry_after_ms: 2000 }, deadline_ms: 10000, breaker: { consecutive_failures: 1000, min_calls: 1000 } };
      c['telemetry'] = { service_name: 'palisade-test', otlp: { endpoint: receiver.url, headers_file: join(files, 'otlp-headers') } };
    });
    // The provider fails once, so the call takes two attempts.
    upstream.faults.push({ kind: 'status', status: 500, body: { error: { message: 'try again', type: 'server_error' } } });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PRIVILEGED_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'up-model', messages: [{ role: 'user', content: `My SSN is ${SSN}, what is it?` }] }),
      signal: AbortSignal.timeout(30_000),
    });
    status = res.status;
    decisionId = res.headers.get('x-palisade-decision-id') ?? '';
    await res.text();
    forwarded = upstream.received.length;
    const streamed = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PRIVILEGED_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'up-model', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: `Repeat ${SSN}` }] }),
      signal: AbortSignal.timeout(30_000),
    });
    streamedId = streamed.headers.get('x-palisade-decision-id') ?? '';
    assert.equal(streamed.status, 200);
    await streamed.text();
    // Closing exports what is buffered; the ledger stays until the test's own close.
    await gw.gateway.close();
    const all = ledgerLogs(gw.ledgerDir).flatMap(readLedgerRecords);
    records = all.filter((r) => r.decision_id === decisionId);
    streamedRecords = all.filter((r) => r.decision_id === streamedId);
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
    await receiver?.close();
    rmSync(files, { recursive: true, force: true });
  });

  const spansOfTrace = (id = decisionId): OtlpSpan[] => {
    const root = receiver.spans().find((s) => attr(s, 'palisade.decision_id') === id && !s.parentSpanId);
    assert.ok(root, 'a server span names the decision');
    return receiver.spans().filter((s) => s.traceId === root.traceId);
  };
  const named = (spans: OtlpSpan[], name: string): OtlpSpan[] => spans.filter((s) => s.name === name);
  const one = (spans: OtlpSpan[], name: string): OtlpSpan => {
    const found = named(spans, name);
    assert.equal(found.length, 1, `one ${name} span among ${spans.map((s) => s.name).join(', ')}`);
    return found[0]!;
  };

  it('answers the request after the retried provider call', () => {
    assert.equal(status, 200);
    assert.equal(forwarded, 2);
  });

  it('exports the pipeline as spans under the server span', () => {
    const spans = spansOfTrace();
    const root = one(spans, 'POST /v1/chat/completions');
    assert.equal(attr(root, 'http.route'), '/v1/chat/completions');
    assert.equal(attr(root, 'http.response.status_code'), 200);
    for (const name of ['palisade.authenticate', 'palisade.classify', 'palisade.decide', 'palisade.audit.decision', 'chat up-model', 'palisade.answer_guard', 'palisade.audit.outcome']) {
      assert.equal(one(spans, name).parentSpanId, root.spanId, `${name} is a child of the server span`);
    }
    assert.equal(attr(one(spans, 'palisade.audit.decision'), 'palisade.decision_id'), decisionId);
    assert.deepEqual(receiver.resourceAttributes().find((a) => a.key === 'service.name')?.value, { stringValue: 'palisade-test' });
  });

  it('describes the provider call with the GenAI conventions, one child span per attempt', () => {
    const spans = spansOfTrace();
    const call = one(spans, 'chat up-model');
    assert.equal(call.kind, 3, 'a client span');
    assert.equal(attr(call, 'gen_ai.operation.name'), 'chat');
    assert.equal(attr(call, 'gen_ai.provider.name'), 'openai');
    assert.equal(attr(call, 'gen_ai.system'), 'openai');
    assert.equal(attr(call, 'gen_ai.request.model'), 'up-model');
    assert.equal(attr(call, 'gen_ai.response.model'), 'gpt-4o-mini');
    const outcome = records.find((r) => r.phase === 'outcome')?.outcome;
    assert.ok(outcome?.usage, 'the outcome record has usage');
    assert.equal(attr(call, 'gen_ai.usage.input_tokens'), outcome.usage.prompt_tokens);
    assert.equal(attr(call, 'gen_ai.usage.output_tokens'), outcome.usage.completion_tokens);
    const attempts = named(spans, 'palisade.upstream.attempt');
    assert.equal(attempts.length, 2);
    for (const a of attempts) {
      assert.equal(a.parentSpanId, call.spanId);
      assert.equal(attr(a, 'gen_ai.request.model'), 'gpt-4o-mini');
    }
    assert.deepEqual(attempts.map((a) => attr(a, 'http.response.status_code')).sort(), [200, 500]);
  });

  it('puts the trace id into the decision and outcome records', () => {
    const traceId = spansOfTrace()[0]!.traceId;
    assert.match(traceId, /^[0-9a-f]{32}$/);
    assert.deepEqual(records.map((r) => r.phase).sort(), ['decision', 'outcome']);
    for (const r of records) assert.equal(r.trace_id, traceId, `${r.phase} record`);
  });

  it('traces a streamed answer until its outcome record, with the stream\'s usage', () => {
    const spans = spansOfTrace(streamedId);
    const call = one(spans, 'chat up-model');
    assert.equal(attr(call, 'gen_ai.request.stream'), true);
    const outcome = streamedRecords.find((r) => r.phase === 'outcome');
    assert.ok(outcome?.outcome?.usage);
    assert.equal(attr(call, 'gen_ai.usage.output_tokens'), outcome.outcome.usage.completion_tokens);
    assert.equal(named(spans, 'palisade.upstream.attempt').length, 1);
    assert.ok(one(spans, 'palisade.audit.outcome'));
    for (const r of streamedRecords) assert.equal(r.trace_id, spans[0]!.traceId);
  });

  it('exports no prompt or answer text, and sends the collector the headers from the file', () => {
    assert.ok(receiver.bodies.length > 0);
    for (const body of receiver.bodies) {
      const text = body.toString('utf8');
      assert.ok(!text.includes(SSN) && !text.includes('536228726'), 'the SSN is not exported');
      assert.ok(!text.includes('what is it'), 'the prompt is not exported');
      assert.ok(!text.includes(COLLECTOR_TOKEN) && !text.includes(OPENAI_FAKE_KEY), 'no credential is exported');
    }
    assert.equal(receiver.headers[0]?.['authorization'], `Bearer ${COLLECTOR_TOKEN}`);
  });
});

describe('telemetry off (the default)', () => {
  it('exports nothing and leaves the records without a trace id', async () => {
    const receiver = await startOtlpReceiver();
    const gw = await startTestGateway();
    try {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${PRIVILEGED_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'Hello' }] }),
      });
      assert.equal(res.status, 200);
      const decisionId = res.headers.get('x-palisade-decision-id');
      await gw.gateway.close();
      const records = ledgerLogs(gw.ledgerDir).flatMap(readLedgerRecords).filter((r) => r.decision_id === decisionId);
      assert.equal(records.length, 2);
      for (const r of records) assert.equal(r.trace_id, undefined);
      assert.equal(receiver.bodies.length, 0);
    } finally {
      await gw.close();
      await receiver.close();
    }
  });
});

describe('telemetry.otlp.headers_file', () => {
  it('stops the start at a line that is not a header, without printing the line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-otlp-headers-'));
    try {
      writeFileSync(join(dir, 'otlp-headers'), `Authorization: Bearer ok\nBearer ${COLLECTOR_TOKEN}\n`);
      await assert.rejects(
        startTestGateway((c) => {
          c['telemetry'] = { otlp: { endpoint: 'http://127.0.0.1:9/v1/traces', headers_file: join(dir, 'otlp-headers') } };
        }),
        (err: Error & { code?: string; detail?: string }) => {
          assert.equal(err.code, 'GW_ERR_CONFIG_INVALID');
          assert.match(err.detail ?? '', /line 2/);
          assert.ok(!`${err.message} ${err.detail ?? ''}`.includes(COLLECTOR_TOKEN));
          return true;
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
