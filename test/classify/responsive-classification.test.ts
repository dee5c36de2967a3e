// A long prompt is classified in slices with turns of the event loop between them, so requests that
// arrive meanwhile are served at once rather than after it. Shown by the gateway's own traces:
// small requests begin and end while the long prompt's classification step is still running,
// which a classification that held the event loop would not allow.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PRIVILEGED_KEY, startTestGateway, type TestGateway } from '../support/gateway.js';
import { attr, startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from '../telemetry/support/otlp-receiver.js';

const PROSE = [
  'The product group met on Monday to review the roadmap for the next quarter and agreed on three priorities. ',
  'First, the mobile app needs to start faster and work offline, since field staff often lose their connection. ',
  'Second, the reporting pages should load quickly for large accounts, which means caching the totals. ',
];
const LONG_CHARS = 3 * 1024 * 1024;

interface TimedSpan extends OtlpSpan {
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
}

function longPrompt(): string {
  let text = '';
  for (let i = 0; text.length < LONG_CHARS; i++) text += PROSE[i % PROSE.length];
  return text;
}

function chat(url: string, content: string): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PRIVILEGED_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content }] }),
    signal: AbortSignal.timeout(120_000),
  });
}

const nanos = (value: string | number | undefined): bigint => BigInt(value ?? 0);

describe('a long prompt does not hold up other requests', { timeout: 180_000 }, () => {
  let receiver: OtlpReceiver;
  let gw: TestGateway;
  let longStatus = 0;
  let longId = '';
  const small: { status: number; id: string }[] = [];

  before(async () => {
    receiver = await startOtlpReceiver();
    gw = await startTestGateway((c) => {
      (c['server'] as Record<string, unknown>)['body_limit_bytes'] = 8 * 1024 * 1024;
      c['telemetry'] = { service_name: 'palisade-test', otlp: { endpoint: receiver.url } };
    });
    let done = false;
    const long = chat(gw.url, longPrompt()).then(async (res) => {
      longStatus = res.status;
      longId = res.headers.get('x-palisade-decision-id') ?? '';
      await res.arrayBuffer();
      done = true;
    });
    // Small requests one after another for as long as the long one is in the gateway.
    while (!done) {
      const res = await chat(gw.url, 'Hello');
      small.push({ status: res.status, id: res.headers.get('x-palisade-decision-id') ?? '' });
      await res.arrayBuffer();
    }
    await long;
    // Closing exports the spans still buffered.
    await gw.gateway.close();
  });
  after(async () => {
    await gw?.close();
    await receiver?.close();
  });

  it('answers the long prompt', () => {
    assert.equal(longStatus, 200);
  });

  it('answers every small request sent meanwhile', () => {
    assert.deepEqual(
      small.filter((s) => s.status !== 200),
      [],
    );
  });

  it('serves whole small requests while the long prompt is being classified', () => {
    const spans = receiver.spans() as TimedSpan[];
    const root = (id: string): TimedSpan | undefined => spans.find((s) => attr(s, 'palisade.decision_id') === id && !s.parentSpanId);
    const longRoot = root(longId);
    assert.ok(longRoot, 'the long request has a trace');
    const classify = spans.find((s) => s.traceId === longRoot.traceId && s.name === 'palisade.classify');
    assert.ok(classify, 'the long request has a classification step');
    const within = small
      .map((s) => root(s.id))
      .filter((s): s is TimedSpan => s !== undefined)
      .filter((s) => nanos(s.startTimeUnixNano) > nanos(classify.startTimeUnixNano) && nanos(s.endTimeUnixNano) < nanos(classify.endTimeUnixNano));
    assert.ok(within.length > 0, `of ${small.length} small requests, none began and ended during the long prompt's classification`);
  });
});
