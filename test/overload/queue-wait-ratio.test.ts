// A queued request waits at most a share (`max_queue_wait_ratio`) of the recent median processing
// time: past it, a quick 503 with Retry-After serves the caller better than a 200 that took twice
// as long as usual. With the ratio at 0 only max_queue_wait_ms bounds the wait.
// Not with workers: the queue and its recent median processing time are each process's own
// (docs/workers.md), and which worker holds a queued request depends on how connections spread.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { errorOf } from '../gateway/support/edge.js';
import { heldModel, startHeldUpstream, type HeldUpstream } from './support/held-upstream.js';
import { chat, metric } from './support/client.js';

/** The provider takes this long; the queued requests would wait about as long for the one slot. */
const UPSTREAM_MS = 400;

for (const ratio of [0.5, 0]) {
  describe(`one processing slot, a provider taking ${UPSTREAM_MS} ms, max_queue_wait_ratio ${ratio}`, () => {
    let upstream: HeldUpstream;
    let gw: TestGateway;
    before(async () => {
      upstream = await startHeldUpstream({ held: false, delayMs: UPSTREAM_MS });
      gw = await startTestGateway(heldModel(upstream, { max_concurrent: 1, max_queue: 4, max_queue_wait_ms: 60_000, max_queue_wait_ratio: ratio }));
      // One after another: each is processed at once, and their times make the median.
      for (let i = 0; i < 3; i++) assert.equal((await chat(gw)).status, 200);
    });
    after(async () => {
      await gw?.close();
      await upstream?.close();
    });

    if (ratio > 0) {
      it('refuses the requests that would wait longer than the share of the median with 503 queue_wait, and forwards only the served one', async () => {
        const before = upstream.received.length;
        const answers = await Promise.all([chat(gw), chat(gw), chat(gw)]);
        assert.deepEqual(answers.map((a) => a.status).sort(), [200, 503, 503]);
        for (const shed of answers.filter((a) => a.status === 503)) {
          assert.equal(errorOf(shed)['palisade_code'], 'GW_ERR_OVERLOADED');
          assert.equal(shed.headers['retry-after'], '1');
        }
        assert.equal(upstream.received.length - before, 1);
        assert.equal(await metric(gw, 'palisade_http_requests_shed_total{reason="queue_wait"}'), 2);
      });
    } else {
      it('lets every queued request wait for the slot and serves them all', async () => {
        const answers = await Promise.all([chat(gw), chat(gw), chat(gw)]);
        assert.deepEqual(
          answers.map((a) => a.status),
          [200, 200, 200],
        );
      });
    }
  });
}
