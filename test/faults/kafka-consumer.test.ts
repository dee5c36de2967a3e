// The audit consumer killed with SIGKILL ten times while records flow from a gateway under
// sustained load: callers notice nothing, and after the last restart every acknowledged record is
// in the ledger exactly once, nothing reached the provider unaudited, and the ledger verifies.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestGateway } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { createTopic, startPrivateKafka, type PrivateKafka } from '../support/kafka.js';
import { ledgerCount, newTally, readLedger, startConsumerProcess, steadyLoad, type ConsumerProcess } from '../audit/helpers/pipeline.js';
import { assertNothingUnaudited, reportFault, sleep, until } from './support.js';
import { MODEL, kafkaGateway, settle } from './kafka-support.js';

const FILE = 'test/faults/kafka-consumer.test.ts';

describe('audit consumer killed under load', () => {
  let kafka: PrivateKafka;
  let upstream: FakeOpenAI;
  const root = mkdtempSync(join(tmpdir(), 'palisade-consumer-faults-'));
  const consumers: ConsumerProcess[] = [];
  const gateways: TestGateway[] = [];

  before(async () => {
    kafka = await startPrivateKafka();
    await createTopic(kafka.brokers, 'consumer.kill', 2);
    upstream = await startFakeOpenAI();
  });
  after(async () => {
    for (const g of gateways) await g.close().catch(() => undefined);
    for (const c of consumers) await c.stop();
    await upstream?.close();
    await kafka?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('audit consumer killed with SIGKILL ten times while records flow: every acknowledged record in the ledger once', async (t) => {
    const work = join(root, 'consumer');
    mkdirSync(work);
    const ledger = join(work, 'ledger');
    let consumer = startConsumerProcess(work, kafka.brokers, 'consumer.kill', ledger);
    consumers.push(consumer);
    const gw = await kafkaGateway(work, kafka.brokers, 'consumer.kill', upstream, { on_unavailable: 'reject', ack_timeout_ms: 10_000 });
    gateways.push(gw);
    const tally = newTally();
    const forwardedBefore = upstream.received.length;
    const load = steadyLoad(gw.url, tally, 4, MODEL);
    let killedMidAppend = 0;
    try {
      await until('records to flow', () => ledgerCount(ledger) > 10, 60_000, () => consumer.log().slice(-1200));
      for (let round = 0; round < 10; round++) {
        const before = ledgerCount(ledger);
        // Kill while it appends when it gets that far; a kill during start-up or a rebalance is a fault too.
        await until('the consumer to append', () => ledgerCount(ledger) > before, 4_000).then(
          () => killedMidAppend++,
          () => undefined,
        );
        await sleep(100 + 150 * (round % 4));
        await consumer.kill();
        consumer = startConsumerProcess(work, kafka.brokers, 'consumer.kill', ledger);
        consumers.push(consumer);
      }
      await sleep(500);
    } finally {
      await load.stop();
    }
    assert.deepEqual([...tally.refused.entries()], [], 'the broker was up: no caller was refused');
    const verify = await settle(ledger, tally, () => consumer);
    const { records } = readLedger(ledger);
    assertNothingUnaudited(upstream.received.length - forwardedBefore, records);
    reportFault(t, {
      fault: 'audit consumer killed (SIGKILL) ten times while records flow',
      callerSees: `nothing: ${tally.answered.length} answers and ${tally.denied.length} policy denials, no refusal`,
      ledgerHolds: `${records.length} records, each acknowledged record once (${killedMidAppend} kills while appending)`,
      verify,
      test: FILE,
    });
  });
});
