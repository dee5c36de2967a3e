// A burst ten times the gateway's capacity against a provider that takes 200 ms: every request is
// either served or refused at once with Retry-After; none is left to time out, only the served
// ones reach the provider, and a shed caller that comes back after the burst is served.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { errorOf } from '../gateway/support/edge.js';
import { heldModel, startHeldUpstream, type HeldUpstream } from './support/held-upstream.js';
import { chat, messages } from './support/client.js';

const SLOTS = 4;
const QUEUE = 4;
const BURST = 80;

describe('a burst past capacity against a slow provider', () => {
  let upstream: HeldUpstream;
  let gw: TestGateway;
  before(async () => {
    upstream = await startHeldUpstream({ held: false, delayMs: 200 });
    // The queue wait bound is far above what the burst needs, so every admitted request is served.
    gw = await startTestGateway(heldModel(upstream, { max_concurrent: SLOTS, max_queue: QUEUE, max_queue_wait_ms: 120_000 }));
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('serves what it admits, refuses the rest with Retry-After, forwards only the served, and serves again after', async () => {
    const answers = await Promise.all(Array.from({ length: BURST }, (_, i) => (i % 4 === 3 ? messages(gw) : chat(gw))));
    const served = answers.filter((a) => a.status === 200);
    const shed = answers.filter((a) => a.status === 503);
    assert.equal(served.length + shed.length, BURST, `only 200 and 503: ${answers.map((a) => a.status).join(',')}`);
    assert.ok(served.length >= SLOTS + QUEUE, `at least the slots and the queue are served (${served.length})`);
    assert.ok(shed.length > 0);
    for (const a of shed) {
      assert.equal(a.headers['retry-after'], '1');
      assert.ok(['GW_ERR_OVERLOADED'].includes(String(errorOf(a)['palisade_code'] ?? errorOf(a)['code'])), a.text);
    }
    assert.equal(upstream.received.length, served.length, 'the provider saw exactly the served requests');
    // The callers come back once, as Retry-After says: with the burst over, they are served.
    const again = await Promise.all(shed.slice(0, SLOTS).map(() => chat(gw)));
    assert.deepEqual(
      again.map((a) => a.status),
      again.map(() => 200),
    );
  });
});
