// The provider hangs, resets mid-stream, stalls or drips: callers get a timeout or an error event
// in their API's format, nothing is retried once the answer has begun, every attempt the
// provider saw is named in an outcome record, and the next request is served as usual.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { PRIVILEGED_KEY, startTestGateway, readGatewayRecords, type TestGateway } from '../support/gateway.js';
import { OPENAI_FAKE_KEY, startFakeOpenAIPlatform, type FakeOpenAIPlatform } from '../support/fake-openai-platform.js';
import { parseSse } from '../providers/helpers.js';
import { assertNothingUnaudited, assertVerifies, duplicates, reportFault, sleep } from './support.js';

const FILE = 'test/faults/upstream.test.ts';

interface Seen {
  status: number;
  decisionId: string;
  /** The last SSE event's data, for streams. */
  last?: string;
  text: string;
  forwarded: number;
}

describe('provider hanging, resetting and dripping', () => {
  let upstream: FakeOpenAIPlatform;
  let gw: TestGateway;
  const keys = mkdtempSync(join(tmpdir(), 'palisade-upstream-keys-'));
  const seen: Record<string, Seen> = {};

  before(async () => {
    upstream = await startFakeOpenAIPlatform();
    writeFileSync(join(keys, 'openai.key'), `${OPENAI_FAKE_KEY}\n`, { mode: 0o600 });
    gw = await startTestGateway((c) => {
      // Short waits, so a silent provider is given up on quickly.
      (c['providers'] as unknown[]).push({ name: 'up', type: 'openai', base_url: upstream.baseUrl, api_key_file: join(keys, 'openai.key'), timeout_ms: 400, stream_idle_timeout_ms: 400 });
      (c['models'] as unknown[]).push({ name: 'up-model', provider: 'up', upstream_model: 'gpt-4o-mini' });
      // Circuit breakers have their own tests; here they must not open between the faults.
      c['routing'] = { retry: { max_attempts: 2, base_delay_ms: 10, max_delay_ms: 50, max_retry_after_ms: 2000 }, deadline_ms: 10000, breaker: { consecutive_failures: 1000, min_calls: 1000 } };
    });
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
    rmSync(keys, { recursive: true, force: true });
  });

  async function ask(name: string, stream: boolean): Promise<Seen> {
    const before = upstream.received.length;
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PRIVILEGED_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'up-model', stream, messages: [{ role: 'user', content: `Tell me about ${name}` }] }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    const decisionId = res.headers.get('x-palisade-decision-id') ?? '';
    const s: Seen = { status: res.status, decisionId, text, forwarded: upstream.received.length - before };
    if (stream) s.last = parseSse(text).at(-1)?.data;
    seen[name] = s;
    return s;
  }

  const errorCode = (data: string | undefined): string | undefined =>
    data === undefined || data === '[DONE]' ? undefined : (JSON.parse(data) as { error?: { palisade_code?: string } }).error?.palisade_code;

  it('a provider that never answers: 504 after one retry before the first byte', async () => {
    upstream.faults.push({ kind: 'hang' }, { kind: 'hang' });
    const s = await ask('hang', false);
    assert.equal(s.status, 504);
    assert.equal((JSON.parse(s.text) as { error: { palisade_code: string } }).error.palisade_code, 'GW_ERR_UPSTREAM_TIMEOUT');
    assert.equal(s.forwarded, 2, 'retried once: nothing had reached the caller');
  });

  it('a reset mid-stream: the stream ends with an error event, never retried', async () => {
    upstream.faults.push({ kind: 'reset', afterFrames: 2 });
    const s = await ask('reset', true);
    assert.equal(s.status, 200, 'the answer had begun');
    assert.ok(errorCode(s.last), `the stream ends with an error event: ${s.last}`);
    assert.equal(s.forwarded, 1, 'not retried after the first byte');
  });

  it('a stream that stalls past the idle timeout: a timeout error event, never retried', async () => {
    let release = (): void => {};
    upstream.faults.push({ kind: 'drip', release: new Promise<void>((r) => (release = r)) });
    const s = await ask('stall', true);
    release();
    assert.equal(errorCode(s.last), 'GW_ERR_UPSTREAM_TIMEOUT');
    assert.equal(s.forwarded, 1, 'not retried after the first byte');
  });

  it('a stream that drips slower than usual but within the idle timeout is served whole', async () => {
    upstream.faults.push({ kind: 'drip', release: sleep(250) });
    const s = await ask('drip', true);
    assert.equal(s.status, 200);
    assert.equal(errorCode(s.last), undefined);
    assert.equal(s.last, '[DONE]');
    assert.equal(s.forwarded, 1);
  });

  it('serves the next request as usual, and the ledger names every attempt the provider saw', async (t) => {
    const s = await ask('after', false);
    assert.equal(s.status, 200, 'recovered without a restart');
    await gw.gateway.close();
    const records = readGatewayRecords(gw);
    assert.deepEqual(duplicates(records), []);
    const outcome = (id: string): AuditRecordV1 | undefined => records.find((r) => r.decision_id === id && r.phase === 'outcome');
    for (const [name, v] of Object.entries(seen)) {
      assert.equal(records.filter((r) => r.decision_id === v.decisionId && r.phase === 'decision').length, 1, `${name}: one decision record`);
      assert.ok(outcome(v.decisionId), `${name}: an outcome record`);
    }
    const attempts = records.filter((r) => r.phase === 'outcome').reduce((n, r) => n + (r.outcome?.attempts?.length ?? 1), 0);
    assert.equal(attempts, upstream.received.length, 'every request the provider received is an attempt on record');
    assertNothingUnaudited(upstream.received.length, records, 2);
    const verify = await assertVerifies(gw.ledgerDir);
    const describeOutcome = (name: string): string => {
      const o = outcome(seen[name]!.decisionId)?.outcome;
      return `outcome status ${o?.status}, error ${o?.error?.code ?? 'none'}, ${o?.attempts?.length ?? 1} attempt(s)`;
    };
    reportFault(t, { fault: 'provider hangs', callerSees: '504 GW_ERR_UPSTREAM_TIMEOUT after one retry (nothing had reached the caller)', ledgerHolds: `decision and outcome once: ${describeOutcome('hang')}`, verify, test: FILE });
    reportFault(t, { fault: 'provider resets mid-stream', callerSees: `the stream ends with an error event (${errorCode(seen['reset']!.last)}), no retry after the first byte`, ledgerHolds: `decision and outcome once: ${describeOutcome('reset')}`, verify, test: FILE });
    reportFault(t, { fault: 'provider stalls mid-stream past stream_idle_timeout_ms', callerSees: 'the stream ends with a GW_ERR_UPSTREAM_TIMEOUT error event, no retry', ledgerHolds: `decision and outcome once: ${describeOutcome('stall')}`, verify, test: FILE });
    reportFault(t, { fault: 'provider drips within stream_idle_timeout_ms', callerSees: 'the whole stream, ending with [DONE]', ledgerHolds: `decision and outcome once: ${describeOutcome('drip')}`, verify, test: FILE });
  });
});
