// The Kafka broker fails under sustained load from concurrent callers: killed with SIGKILL and
// started again (reject and spool), and the spool's disk full while the broker is down. Each time
// the provider received only requests with an allowed decision on record, the ledger holds every
// acknowledged record once, it verifies, and the gateway serves again without a restart.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestGateway } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { createTopic, startPrivateKafka, type PrivateKafka } from '../support/kafka.js';
import { call, checkLedgerAgainst, ledgerCount, newTally, promised, readLedger, startConsumerProcess, steadyLoad, type ConsumerProcess } from '../audit/helpers/pipeline.js';
import { allowedDecisions, assertNothingUnaudited, assertVerifies, reportFault, sleep, until } from './support.js';
import { MODEL, kafkaGateway, refusals, settle, spoolBytes } from './kafka-support.js';
import { mountSmallDisk } from './tmpfs.js';

const FILE = 'test/faults/kafka-broker.test.ts';

describe('Kafka broker faults under load', () => {
  let kafka: PrivateKafka;
  let upstream: FakeOpenAI;
  const root = mkdtempSync(join(tmpdir(), 'palisade-kafka-faults-'));
  const consumers: ConsumerProcess[] = [];
  const gateways: TestGateway[] = [];
  const unmount: (() => void)[] = [];

  before(async () => {
    kafka = await startPrivateKafka();
    for (const t of ['kill.reject', 'kill.spool', 'spool.full']) await createTopic(kafka.brokers, t, 2);
    upstream = await startFakeOpenAI();
  });
  after(async () => {
    for (const g of gateways) await g.close().catch(() => undefined);
    for (const c of consumers) await c.stop();
    for (const u of unmount) u();
    await upstream?.close();
    await kafka?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('broker killed with SIGKILL, reject: callers get 503 and nothing is forwarded while it is down; served again after its restart', async (t) => {
    const work = join(root, 'reject');
    mkdirSync(work);
    const ledger = join(work, 'ledger');
    consumers.push(startConsumerProcess(work, kafka.brokers, 'kill.reject', ledger));
    const consumer = consumers.at(-1)!;
    const gw = await kafkaGateway(work, kafka.brokers, 'kill.reject', upstream, { on_unavailable: 'reject' });
    gateways.push(gw);
    const tally = newTally();
    const forwardedBefore = upstream.received.length;
    let readyDown = 0;
    const load = steadyLoad(gw.url, tally, 4, MODEL);
    try {
      await until('records to flow', () => ledgerCount(ledger) > 20, 60_000, () => consumer.log().slice(-1200));
      await kafka.kill();
      // Requests already past their decision when the broker died finish first; after a few refusals nothing is in flight.
      await until('callers to be refused', () => (tally.refused.get(503) ?? 0) >= 8, 30_000);
      const forwarded = upstream.received.length;
      const refusedBefore = tally.refused.get(503) ?? 0;
      await sleep(1500);
      assert.equal(upstream.received.length, forwarded, 'nothing reached the provider while the broker was down');
      assert.ok((tally.refused.get(503) ?? 0) > refusedBefore, 'callers kept being refused with 503');
      readyDown = (await fetch(`${gw.url}/readyz`)).status;

      await kafka.start();
      const answered = tally.answered.length;
      await until('the gateway to serve again', () => tally.answered.length > answered + 10, 90_000);
    } finally {
      await load.stop();
    }
    const otherRefusals = [...tally.refused.keys()].filter((s) => s !== 503);
    assert.deepEqual(otherRefusals, [], 'callers saw only 200, 403 and 503');
    // A broker killed outright may have written records it never acknowledged: the decision of a
    // request refused before forwarding, or the outcome of one whose answer was then withheld.
    const verify = await settle(ledger, tally, () => consumer, { allowRefusedDecisions: true, allowUnacknowledgedOutcomes: true });
    const { records } = readLedger(ledger);
    assertNothingUnaudited(upstream.received.length - forwardedBefore, records);
    const refusedIds = new Set(tally.refusedIds);
    const unacknowledged = (phase: string): number => records.filter((r) => refusedIds.has(r.decision_id) && r.phase === phase).length;
    reportFault(t, {
      fault: 'Kafka broker killed (SIGKILL) and restarted under load, on_unavailable: reject',
      callerSees: `503 GW_ERR_AUDIT_UNAVAILABLE while down (${tally.refused.get(503)} of ${tally.answered.length + tally.denied.length + refusals(tally)}), nothing forwarded, readyz ${readyDown}; served again after the restart, readyz ${(await fetch(`${gw.url}/readyz`)).status}`,
      ledgerHolds: `${records.length} records: each answered and denied request's records once; of refused requests, ${unacknowledged('decision')} decisions and ${unacknowledged('outcome')} outcomes the broker wrote but never acknowledged before it was killed (the caller got 503; the gateway cannot tell)`,
      verify,
      test: FILE,
    });
  });

  it('broker killed with SIGKILL, spool: answers continue, and the spooled records reach the ledger exactly once after the restart', async (t) => {
    const work = join(root, 'spool');
    mkdirSync(work);
    const ledger = join(work, 'ledger');
    const spool = join(work, 'spool');
    consumers.push(startConsumerProcess(work, kafka.brokers, 'kill.spool', ledger));
    const consumer = consumers.at(-1)!;
    const gw = await kafkaGateway(work, kafka.brokers, 'kill.spool', upstream, { on_unavailable: 'spool', spool_dir: spool });
    gateways.push(gw);
    const tally = newTally();
    const forwardedBefore = upstream.received.length;
    const load = steadyLoad(gw.url, tally, 4, MODEL);
    let spooledWhileDown = 0;
    try {
      await until('records to flow', () => ledgerCount(ledger) > 20, 60_000, () => consumer.log().slice(-1200));
      await kafka.kill();
      const answered = tally.answered.length;
      await until('answers to continue while the broker is down', () => tally.answered.length > answered + 20, 30_000);
      spooledWhileDown = spoolBytes(spool);
      assert.ok(spooledWhileDown > 0, 'the records went to the spool');
      const ready = await fetch(`${gw.url}/readyz`);
      assert.equal(ready.status, 200, 'ready: the spool keeps the records');
      assert.match(await ready.text(), /record\(s\) spooled/);
      await kafka.start();
      await sleep(2000);
    } finally {
      await load.stop();
    }
    assert.deepEqual([...tally.refused.entries()], [], 'every caller was served or denied by the policy: the spool took the records');
    const verify = await settle(ledger, tally, () => consumer);
    await until('the spool to be emptied', () => spoolBytes(spool) === 0, 30_000);
    const { records } = readLedger(ledger);
    assertNothingUnaudited(upstream.received.length - forwardedBefore, records);
    reportFault(t, {
      fault: 'Kafka broker killed (SIGKILL) and restarted under load, on_unavailable: spool',
      callerSees: `answers continue (${tally.answered.length} 200, ${tally.denied.length} 403 by policy, no 5xx); readyz names the spooled records`,
      ledgerHolds: `${records.length} records, each once, outcomes after their decisions; the spool (${spooledWhileDown} bytes at its peak) is emptied after the restart`,
      verify,
      test: FILE,
    });
  });

  const spoolDisk = mountSmallDisk(join(root, 'spool-disk'), 2 * 1024 * 1024);
  unmount.push(() => (typeof spoolDisk === 'string' ? undefined : spoolDisk.unmount()));

  const skipFull = typeof spoolDisk === 'string' ? spoolDisk : false;
  const full = { ledger: '', tally: newTally(), forwardedBefore: 0, gateway: undefined as TestGateway | undefined, consumer: undefined as ConsumerProcess | undefined };

  it('spool disk full while the broker is down: callers get 503 and nothing is forwarded', { skip: skipFull }, async () => {
    assert.ok(typeof spoolDisk !== 'string');
    const work = join(root, 'full');
    mkdirSync(work);
    full.ledger = join(work, 'ledger');
    const spool = join(spoolDisk.dir, 'spool');
    const consumer = startConsumerProcess(work, kafka.brokers, 'spool.full', full.ledger);
    consumers.push(consumer);
    full.consumer = consumer;
    const gw = await kafkaGateway(work, kafka.brokers, 'spool.full', upstream, { on_unavailable: 'spool', spool_dir: spool });
    gateways.push(gw);
    full.gateway = gw;
    const tally = full.tally;
    full.forwardedBefore = upstream.received.length;
    for (let n = 0; n < 4; n++) assert.equal(await call(gw.url, 7 * n, tally, MODEL), 200);
    await until('the consumer to be running', () => ledgerCount(full.ledger) >= promised(tally), 60_000, () => consumer.log().slice(-1200));

    await kafka.stop();
    for (let n = 4; n < 8; n++) assert.equal(await call(gw.url, 7 * n, tally, MODEL), 200, 'spooled while the broker is down');
    spoolDisk.fill();
    // A record may still fit a page the spool file already has; after the first refusal nothing may be forwarded.
    const filling: number[] = [];
    for (let n = 8; n < 14 && !filling.includes(503); n++) filling.push(await call(gw.url, 7 * n, tally, MODEL));
    assert.ok(filling.includes(503), `a caller was refused once the spool's disk was full: ${filling.join(',')}`);
    const forwarded = upstream.received.length;
    const refused: number[] = [];
    for (let n = 14; n < 18; n++) refused.push(await call(gw.url, 7 * n, tally, MODEL));
    assert.deepEqual(refused, [503, 503, 503, 503]);
    assert.equal(upstream.received.length, forwarded, 'nothing reached the provider once no record could be spooled');
    spoolDisk.free();
    await kafka.start();
  });

  it(
    'spool disk full, then space freed and the broker back: served again, and every answered request reaches the ledger once',
    {
      skip: skipFull,
    },
    async (t) => {
      const gw = full.gateway;
      assert.ok(gw && full.consumer, 'the previous test ran');
      let n = 30;
      await until('the gateway to serve again', async () => (await call(gw.url, 7 * n++, full.tally, MODEL)) === 200, 60_000);
      await until(`${promised(full.tally)} records in the ledger`, () => ledgerCount(full.ledger) >= promised(full.tally), 20_000, () => `${ledgerCount(full.ledger)} so far`);
      await sleep(1500);
      assert.deepEqual(checkLedgerAgainst(full.ledger, full.tally, { allowRefusedDecisions: true }), []);
      const verify = await assertVerifies(full.ledger);
      const { records } = readLedger(full.ledger);
      assertNothingUnaudited(upstream.received.length - full.forwardedBefore, records);
      reportFault(t, {
        fault: 'spool disk full while the Kafka broker is down, on_unavailable: spool',
        callerSees: '503 GW_ERR_AUDIT_UNAVAILABLE once no record can be spooled, nothing forwarded; 200 again after space is freed, no restart',
        ledgerHolds: `${records.length} records: every answered request's decision and outcome once (the spooled ones after the restart), ${allowedDecisions(records).length} allowed decisions for ${upstream.received.length - full.forwardedBefore} forwarded requests`,
        verify,
        test: FILE,
      });
    },
  );
});
