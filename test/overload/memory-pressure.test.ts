// While the heap still in use after the last full garbage collection is above
// server.max_heap_ratio of the heap limit and work is in flight, new requests are refused with 503
// and Retry-After; with nothing in flight the gateway serves again, since refusing could not free
// anything. The ratio here is set so low that the reading taken at start is already above it.
// Not with workers: each process sheds on its own heap (docs/workers.md), so which requests are
// refused depends on which worker takes them and what that worker has in flight.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { errorOf } from '../gateway/support/edge.js';
import { heldAndEchoModels, startHeldUpstream, type HeldUpstream } from './support/held-upstream.js';
import { chat, metric } from './support/client.js';

describe('shedding on memory pressure', () => {
  let upstream: HeldUpstream;
  let gw: TestGateway;
  before(async () => {
    upstream = await startHeldUpstream({ held: true });
    gw = await startTestGateway(heldAndEchoModels(upstream, { max_heap_ratio: 0.000001 }));
  });
  after(async () => {
    upstream?.releaseAll();
    await gw?.close();
    await upstream?.close();
  });

  it('refuses new requests while work is in flight, and serves again once none is', async () => {
    const inFlight = chat(gw);
    await upstream.reached(1);
    const shed = await chat(gw, 'echo');
    assert.equal(shed.status, 503);
    assert.equal(errorOf(shed)['palisade_code'], 'GW_ERR_OVERLOADED');
    assert.equal(shed.headers['retry-after'], '1');
    assert.equal(await metric(gw, 'palisade_http_requests_shed_total{reason="memory_pressure"}'), 1);
    assert.ok((await metric(gw, 'palisade_heap_live_ratio')) > 0);

    upstream.releaseAll();
    assert.equal((await inFlight).status, 200);
    assert.equal((await chat(gw, 'echo')).status, 200);
  });
});
