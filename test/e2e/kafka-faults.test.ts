// Faults with a real broker, under load: the audit consumer killed with SIGKILL mid-batch again
// and again, the broker restarted, the gateway restarted with records still in its spool. After
// each, the ledger verifies and holds exactly the records callers were promised: none lost, none
// twice, every outcome after its decision.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { createTopic, startPrivateKafka, type PrivateKafka } from '../support/kafka.js';
import { runCli } from '../support/cli.js';
import { spoolBytes } from '../faults/kafka-support.js';
import {
  call,
  checkLedgerAgainst,
  ledgerCount,
  newTally,
  promised,
  startConsumerProcess,
  steadyLoad,
  waitFor,
  type ConsumerProcess,
  type Tally,
} from '../audit/helpers/pipeline.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function kafkaGateway(work: string, brokers: string[], topic: string, audit: Record<string, unknown>): Promise<TestGateway> {
  return startTestGateway((c) => {
    c['audit'] = {
      sink: 'kafka',
      kafka: { brokers, topic, client_id: `gw-${topic}`, ack_timeout_ms: 1000, linger_ms: 0, ...audit },
      // Kept outside the gateway's temporary folder, so a restarted gateway finds its subject keys.
      commitment_key_file: join(work, 'master.key'),
      create_commitment_key: true,
    };
  });
}

async function settleAndCheck(ledger: string, tally: Tally, consumer: () => ConsumerProcess, gateway?: TestGateway): Promise<void> {
  const gatewayLog = (): string => (gateway ? gateway.logs.filter((l) => /audit|kafka/i.test(l)).slice(-8).join('\n') : '');
  await waitFor(`${promised(tally)} records in the ledger`, () => ledgerCount(ledger) >= promised(tally), 180_000, () => `${ledgerCount(ledger)} so far; consumer: ${consumer().log().slice(-1200)}\ngateway: ${gatewayLog()}`);
  // Anything late (a duplicate slipping through) would show up within a few checkpoint intervals.
  await sleep(1500);
  assert.deepEqual(checkLedgerAgainst(ledger, tally), []);
  const verified = await runCli('palisade-audit', ['verify', ledger]);
  assert.equal(verified.code, 0, verified.stderr);
}

describe('faults with a real broker', () => {
  let kafka: PrivateKafka;
  const root = mkdtempSync(join(tmpdir(), 'palisade-faults-'));
  const running: { consumers: ConsumerProcess[]; gateways: TestGateway[] } = { consumers: [], gateways: [] };

  before(async () => {
    kafka = await startPrivateKafka();
    for (const t of ['faults.consumer', 'faults.broker', 'faults.gateway']) await createTopic(kafka.brokers, t, 2);
  });
  after(async () => {
    for (const g of running.gateways) await g.close().catch(() => undefined);
    for (const c of running.consumers) await c.stop();
    await kafka?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('survives the consumer being killed with SIGKILL mid-batch, three times', async () => {
    const work = join(root, 'consumer');
    mkdirSync(work);
    const ledger = join(work, 'ledger');
    let consumer = startConsumerProcess(work, kafka.brokers, 'faults.consumer', ledger);
    running.consumers.push(consumer);
    const gw = await kafkaGateway(work, kafka.brokers, 'faults.consumer', { on_unavailable: 'reject', ack_timeout_ms: 10_000 });
    running.gateways.push(gw);
    const tally = newTally();
    const load = steadyLoad(gw.url, tally);
    for (let round = 0; round < 3; round++) {
      const before = ledgerCount(ledger);
      // Kill only while records are flowing, so the consumer is in the middle of its work.
      await waitFor('the consumer to append', () => ledgerCount(ledger) > before + 20, 60_000, () => consumer.log().slice(-1200));
      await sleep(300 + 400 * round);
      await consumer.kill();
      consumer = startConsumerProcess(work, kafka.brokers, 'faults.consumer', ledger);
      running.consumers.push(consumer);
    }
    await sleep(1000);
    await load.stop();
    assert.deepEqual([...tally.refused.entries()], [], 'the broker was up: no caller was refused');
    assert.ok(tally.answered.length > 50, `${tally.answered.length} answers`);
    await settleAndCheck(ledger, tally, () => consumer);
  });

  it('survives a broker restart under load, spooling meanwhile', async () => {
    const work = join(root, 'broker');
    mkdirSync(work);
    const ledger = join(work, 'ledger');
    const spool = join(work, 'spool');
    const consumer = startConsumerProcess(work, kafka.brokers, 'faults.broker', ledger);
    running.consumers.push(consumer);
    const gw = await kafkaGateway(work, kafka.brokers, 'faults.broker', { on_unavailable: 'spool', spool_dir: spool });
    running.gateways.push(gw);
    const tally = newTally();
    const load = steadyLoad(gw.url, tally);
    await waitFor('records to flow', () => ledgerCount(ledger) > 20, 60_000, () => consumer.log().slice(-1200));
    await kafka.restart();
    await sleep(2000);
    await load.stop();
    assert.deepEqual([...tally.refused.entries()], [], 'every caller was served: the spool took the records');
    await settleAndCheck(ledger, tally, () => consumer, gw);
    await waitFor('the spool to be emptied', () => spoolBytes(spool) === 0, 30_000);
  });

  it('publishes a spool left by a stopped gateway first when it starts again', async () => {
    const work = join(root, 'gateway');
    mkdirSync(work);
    const ledger = join(work, 'ledger');
    const spool = join(work, 'spool');
    const consumer = startConsumerProcess(work, kafka.brokers, 'faults.gateway', ledger);
    running.consumers.push(consumer);
    const tally = newTally();
    const first = await kafkaGateway(work, kafka.brokers, 'faults.gateway', { on_unavailable: 'spool', spool_dir: spool });
    for (let n = 0; n < 5; n++) await call(first.url, n, tally);
    await waitFor('the consumer to be running', () => ledgerCount(ledger) >= promised(tally), 60_000, () => consumer.log().slice(-1200));
    await kafka.stop();
    for (let n = 5; n < 25; n++) await call(first.url, n, tally);
    await first.close();
    assert.ok(spoolBytes(spool) > 0, 'the stopped gateway left records in its spool');
    assert.deepEqual([...tally.refused.entries()], []);

    await kafka.start();
    const second = await kafkaGateway(work, kafka.brokers, 'faults.gateway', { on_unavailable: 'spool', spool_dir: spool });
    running.gateways.push(second);
    for (let n = 25; n < 40; n++) await call(second.url, n, tally);
    await settleAndCheck(ledger, tally, () => consumer);
    await waitFor('the spool to be emptied', () => spoolBytes(spool) === 0, 30_000);
  });
});
