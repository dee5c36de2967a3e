// Past its processing slots and queue the gateway refuses new requests at once with 503 and
// Retry-After, in the caller's API shape, records (or counts) each refusal, and forwards nothing
// for them; the admitted requests are all answered, and once the burst is over new requests are
// admitted at once.
// Not with workers: the processing slots and the queue bound each process (docs/workers.md), so N
// workers admit N times as many.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, readGatewayRecords, type TestGateway } from '../support/gateway.js';
import { errorOf, type RawAnswer } from '../gateway/support/edge.js';
import { heldModel, startHeldUpstream, type HeldUpstream } from './support/held-upstream.js';
import { abandonableChat, chat, eventually, messages, metric } from './support/client.js';

const SLOTS = 4;
const QUEUE = 4;

function assertShed(answer: RawAnswer): void {
  assert.equal(answer.status, 503, answer.text);
  assert.equal(answer.headers['retry-after'], '1');
  assert.equal(answer.headers['retry-after-ms'], '1000');
  assert.equal(typeof errorOf(answer)['decision_id'], 'string');
  assert.equal(answer.headers['x-palisade-decision-id'], errorOf(answer)['decision_id']);
}

describe('admission past the processing slots and the queue', () => {
  let upstream: HeldUpstream;
  let gw: TestGateway;
  before(async () => {
    upstream = await startHeldUpstream({ held: true });
    gw = await startTestGateway((config) => {
      // The slots are held for as long as each test needs: only max_queue_wait_ms bounds the wait.
      heldModel(upstream, { max_concurrent: SLOTS, max_queue: QUEUE, max_queue_wait_ratio: 0 })(config);
      // A small flood bound, so that some refusals are counted into a summary record.
      (config['identity'] as Record<string, unknown>)['denial_audit'] = { rate_per_s: 0.001, burst: 3 };
    });
  });
  after(async () => {
    upstream?.releaseAll();
    await gw?.close();
    await upstream?.close();
  });

  it('refuses the extra requests at once in the caller’s shape, records them, forwards only the admitted, and recovers', async () => {
    const admitted = Array.from({ length: SLOTS }, () => chat(gw));
    await upstream.reached(SLOTS);
    const queued = Array.from({ length: QUEUE }, () => chat(gw));
    await eventually('the queue is full', async () => (await metric(gw, 'palisade_http_requests_queued')) === QUEUE);

    // The upstream still holds every admitted request: these answers cannot have waited for a slot.
    const openai = await Promise.all(Array.from({ length: 4 }, () => chat(gw)));
    const anthropic = await Promise.all(Array.from({ length: 2 }, () => messages(gw)));
    for (const answer of openai) {
      assertShed(answer);
      assert.equal(errorOf(answer)['palisade_code'], 'GW_ERR_OVERLOADED');
      assert.equal(errorOf(answer)['type'], 'server_error');
    }
    for (const answer of anthropic) {
      assertShed(answer);
      assert.equal(answer.json['type'], 'error');
      assert.equal(errorOf(answer)['type'], 'overloaded_error');
      assert.equal(errorOf(answer)['code'], 'GW_ERR_OVERLOADED');
    }
    assert.equal(upstream.received.length, SLOTS, 'nothing was forwarded for the refused requests');

    upstream.releaseAll();
    const answered = await Promise.all([...admitted, ...queued]);
    assert.deepEqual(
      answered.map((a) => a.status),
      Array.from({ length: SLOTS + QUEUE }, () => 200),
    );
    assert.equal(upstream.received.length, SLOTS + QUEUE);

    // After the burst a new request is admitted at once.
    const next = await chat(gw);
    assert.equal(next.status, 200, next.text);

    // Every refusal is in the ledger: the first ones each with a record, the rest counted in a summary.
    const shedIds = [...openai, ...anthropic].map((a) => errorOf(a)['decision_id']);
    let own = 0;
    let counted = 0;
    await eventually('the refusals are recorded or summarised', async () => {
      const records = readGatewayRecords(gw).filter((r) => r.error?.code === 'GW_ERR_OVERLOADED');
      own = records.filter((r) => shedIds.includes(r.decision_id)).length;
      counted = records
        .filter((r) => !shedIds.includes(r.decision_id))
        .reduce((sum, r) => sum + Number(/^(\d+) requests refused/.exec(r.error?.message ?? '')?.[1] ?? 0), 0);
      return own + counted === shedIds.length;
    });
    assert.equal(own, 3);
    assert.equal(counted, shedIds.length - 3);
    assert.equal(await metric(gw, 'palisade_http_requests_shed_total{reason="queue_full"}'), shedIds.length);
  });

  it('a queued caller who leaves gives up its place, and is never forwarded', async () => {
    upstream.hold();
    const before = upstream.received.length;
    const admitted = Array.from({ length: SLOTS }, () => chat(gw));
    await upstream.reached(before + SLOTS);
    const staying = Array.from({ length: QUEUE - 1 }, () => chat(gw));
    const leaving = abandonableChat(gw);
    await eventually('the queue is full', async () => (await metric(gw, 'palisade_http_requests_queued')) === QUEUE);
    leaving.leave();
    await eventually('the caller that left is out of the queue', async () => (await metric(gw, 'palisade_http_requests_queued')) === QUEUE - 1);
    // Its place is free again: this request queues instead of being refused.
    const late = chat(gw);
    await eventually('the late request is queued', async () => (await metric(gw, 'palisade_http_requests_queued')) === QUEUE);
    upstream.releaseAll();
    const statuses = (await Promise.all([...admitted, ...staying, late])).map((a) => a.status);
    assert.deepEqual(statuses, Array.from({ length: SLOTS + QUEUE }, () => 200));
    assert.equal(upstream.received.length - before, SLOTS + QUEUE, 'the request whose caller left was not forwarded');
  });
});

describe('a queue wait that is too long', () => {
  let upstream: HeldUpstream;
  let gw: TestGateway;
  before(async () => {
    upstream = await startHeldUpstream({ held: true });
    gw = await startTestGateway(heldModel(upstream, { max_concurrent: 1, max_queue: 1, max_queue_wait_ms: 200 }));
  });
  after(async () => {
    upstream?.releaseAll();
    await gw?.close();
    await upstream?.close();
  });

  it('ends with 503 and Retry-After instead of waiting for the caller’s timeout', async () => {
    const admitted = chat(gw);
    await upstream.reached(1);
    const waited = await chat(gw);
    assertShed(waited);
    assert.equal(errorOf(waited)['palisade_code'], 'GW_ERR_OVERLOADED');
    assert.equal(upstream.received.length, 1);
    upstream.releaseAll();
    assert.equal((await admitted).status, 200);
    assert.equal(await metric(gw, 'palisade_http_requests_shed_total{reason="queue_wait"}'), 1);
  });
});
