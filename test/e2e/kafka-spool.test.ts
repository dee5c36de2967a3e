// Kafka unavailable, with a real broker stopped and started again: `reject` refuses and forwards
// nothing; `spool` commits records to a local spool, keeps serving, and publishes the spool in
// order once the broker is back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { createTopic, startPrivateKafka, type PrivateKafka } from '../support/kafka.js';
import { runCli } from '../support/cli.js';
import { call, checkLedgerAgainst, ledgerCount, newTally, promised, startConsumerProcess, waitFor, type ConsumerProcess, type Tally } from '../audit/helpers/pipeline.js';

function kafkaGateway(work: string, brokers: string[], topic: string, upstream: FakeOpenAI, audit: Record<string, unknown>): Promise<TestGateway> {
  return startTestGateway((c) => {
    c['audit'] = {
      sink: 'kafka',
      kafka: { brokers, topic, client_id: `gw-${topic}`, ack_timeout_ms: 1500, linger_ms: 0, ...audit },
      commitment_key_file: join(work, 'master.key'),
      create_commitment_key: true,
    };
    (c['providers'] as unknown[]).push({ name: 'upstream', type: 'openai', base_url: upstream.baseUrl, timeout_ms: 5000 });
    (c['models'] as unknown[]).push({ name: 'gpt-test', provider: 'upstream' });
  });
}

async function callMany(url: string, tally: Tally, from: number, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let n = from; n < from + count; n++) statuses.push(await call(url, n, tally, 'gpt-test'));
  return statuses;
}

describe('Kafka unavailable', () => {
  let kafka: PrivateKafka;
  let upstream: FakeOpenAI;
  const work = mkdtempSync(join(tmpdir(), 'palisade-spool-'));
  const consumers: ConsumerProcess[] = [];
  const gateways: TestGateway[] = [];

  before(async () => {
    kafka = await startPrivateKafka();
    await createTopic(kafka.brokers, 'audit.reject', 2);
    await createTopic(kafka.brokers, 'audit.spool', 2);
    upstream = await startFakeOpenAI();
  });
  after(async () => {
    for (const g of gateways) await g.close().catch(() => undefined);
    for (const c of consumers) await c.stop();
    await upstream?.close();
    await kafka?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('reject: answers 503 and forwards nothing while the broker is down, and serves again when it is back', async () => {
    const ledger = join(work, 'ledger-reject');
    consumers.push(startConsumerProcess(join(work), kafka.brokers, 'audit.reject', ledger));
    const gw = await kafkaGateway(work, kafka.brokers, 'audit.reject', upstream, { on_unavailable: 'reject' });
    gateways.push(gw);
    const tally = newTally();
    assert.deepEqual(await callMany(gw.url, tally, 0, 6), [200, 200, 200, 403, 200, 200]);
    await waitFor('the consumer to be running', () => ledgerCount(ledger) >= promised(tally), 60_000, () => consumers[0]!.log().slice(-1500));

    await kafka.stop();
    const forwarded = upstream.received.length;
    const down = await callMany(gw.url, tally, 6, 5);
    assert.deepEqual(down, [503, 503, 503, 503, 503]);
    assert.equal(upstream.received.length, forwarded, 'nothing was forwarded without its audit record');

    await kafka.start();
    let n = 0;
    // Request 14 is never a denial (14 % 7 === 0), so a 200 means the audit path is back.
    await waitFor('the gateway to serve again', async () => (await call(gw.url, 14 + 7 * n++, tally, 'gpt-test')) === 200, 90_000);
    await callMany(gw.url, tally, 100, 6);
    await waitFor('the ledger to hold every promised record', () => ledgerCount(ledger) >= promised(tally), 150_000, () => consumers[0]!.log().slice(-1500));
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(checkLedgerAgainst(ledger, tally, { allowRefusedDecisions: true }), []);
    const verified = await runCli('palisade-audit', ['verify', ledger]);
    assert.equal(verified.code, 0, verified.stderr);
  });

  it('spool: keeps serving while the broker is down, then publishes the spool in order', async () => {
    const ledger = join(work, 'ledger-spool');
    const spoolDir = join(work, 'spool');
    consumers.push(startConsumerProcess(join(work), kafka.brokers, 'audit.spool', ledger));
    const gw = await kafkaGateway(work, kafka.brokers, 'audit.spool', upstream, { on_unavailable: 'spool', spool_dir: spoolDir });
    gateways.push(gw);
    const tally = newTally();
    assert.deepEqual(await callMany(gw.url, tally, 0, 6), [200, 200, 200, 403, 200, 200]);
    await waitFor('the consumer to be running', () => ledgerCount(ledger) >= promised(tally), 60_000, () => consumers[1]!.log().slice(-1500));

    await kafka.stop();
    const forwarded = upstream.received.length;
    const down = await callMany(gw.url, tally, 6, 12);
    assert.deepEqual(down, [200, 200, 200, 200, 403, 200, 200, 200, 200, 200, 200, 403]);
    assert.equal(upstream.received.length, forwarded + 10, 'audited requests are forwarded: their records are durable in the spool');
    const ready = (await (await fetch(`${gw.url}/readyz`)).json()) as Record<string, unknown>;
    assert.match(JSON.stringify(ready), /record\(s\) spooled/);

    await kafka.start();
    await callMany(gw.url, tally, 18, 6);
    await waitFor('the ledger to hold every promised record', () => ledgerCount(ledger) >= promised(tally), 150_000, () =>
      `${ledgerCount(ledger)} of ${promised(tally)}; consumer: ${consumers[1]!.log().slice(-1500)}\ngateway: ${gw.logs.filter((l) => /audit|kafka/i.test(l)).slice(-10).join('\n')}`,
    );
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(checkLedgerAgainst(ledger, tally), []);
    await waitFor('the spool to be emptied', () => readdirSync(spoolDir).filter((f) => f.startsWith('spool-')).every((f) => statSync(join(spoolDir, f)).size === 0), 30_000);
    const verified = await runCli('palisade-audit', ['verify', ledger]);
    assert.equal(verified.code, 0, verified.stderr);
  });
});
