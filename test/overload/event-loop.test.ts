// While the event loop is late (its p99 delay over the last second above the threshold) and work
// is in flight, new requests are refused with 503 and Retry-After; once it catches up they are
// served again, and the health endpoints answer throughout.
// Not with workers: each process sheds on its own event loop's delay (docs/workers.md), so while one
// worker's loop is late the other serves the requests it takes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { errorOf, type RawAnswer } from '../gateway/support/edge.js';
import { send } from '../gateway/support/edge.js';
import { heldAndEchoModels, startHeldUpstream, type HeldUpstream } from './support/held-upstream.js';
import { chat, metric } from './support/client.js';

/** Keeps this process (and so the in-process gateway) busy, as a request that blocks the loop would. */
function block(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // Busy on purpose.
  }
}

describe('shedding on event-loop delay', () => {
  let upstream: HeldUpstream;
  let gw: TestGateway;
  before(async () => {
    upstream = await startHeldUpstream({ held: true });
    gw = await startTestGateway(heldAndEchoModels(upstream, { max_event_loop_delay_ms: 100 }));
  });
  after(async () => {
    upstream?.releaseAll();
    await gw?.close();
    await upstream?.close();
  });

  it('refuses new requests while the loop is late, serves health checks, and recovers', async () => {
    const inFlight = chat(gw);
    await upstream.reached(1);
    let shed: RawAnswer | undefined;
    for (let i = 0; i < 40 && shed === undefined; i++) {
      block(300);
      const answer = await chat(gw, 'echo');
      if (answer.status === 503) shed = answer;
      assert.equal((await send(gw, 'GET', '/healthz', [])).status, 200);
    }
    assert.ok(shed, 'a request was refused while the loop was late');
    assert.equal(errorOf(shed)['palisade_code'], 'GW_ERR_OVERLOADED');
    assert.equal(shed.headers['retry-after'], '1');
    assert.ok((await metric(gw, 'palisade_http_requests_shed_total{reason="event_loop_delay"}')) >= 1);

    upstream.releaseAll();
    assert.equal((await inFlight).status, 200);
    // Without blocking, the next window finds the loop on time again.
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await chat(gw, 'echo')).status;
    }
    assert.equal(status, 200);
  });
});
