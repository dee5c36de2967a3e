// Proves the test-broker recipe with the client the gateway uses: idempotent produce, consume back, and a broker that survives stop, crash and restart.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { createTopic, kafkaClient, startPrivateKafka, useKafka, type PrivateKafka } from '../support/kafka.js';

// Bounds every wait on the broker so a broken recipe fails the test instead of hanging it.
const waitLimitMs = 60_000;

interface Received {
  partition: number;
  key: string;
  value: string;
}

function idempotentProducer(client: Kafka): Producer {
  return client.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

async function produce(client: Kafka, topic: string, messages: { partition: number; key: string; value: string }[]): Promise<void> {
  const producer = idempotentProducer(client);
  await producer.connect();
  try {
    // One send at a time: overlapping sends break kafkajs's idempotent sequence numbers.
    for (const message of messages) {
      const [result] = await producer.send({ topic, acks: -1, messages: [message] });
      assert.equal(result?.errorCode, 0);
    }
  } finally {
    await producer.disconnect();
  }
}

async function consumeAll(client: Kafka, topic: string, groupId: string, count: number): Promise<Received[]> {
  const consumer = client.consumer({ groupId });
  const received: Received[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`received ${received.length} of ${count} messages within ${waitLimitMs} ms`)),
        waitLimitMs,
      );
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            received.push({ partition, key: String(message.key), value: String(message.value) });
            if (received.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
  } finally {
    await consumer.disconnect();
  }
  return received.sort((a, b) => a.key.localeCompare(b.key));
}

async function brokerAnswers(brokers: string[]): Promise<boolean> {
  // No retries: the question is whether the broker answers now, not eventually.
  const probe = new Kafka({ brokers, clientId: 'palisade-test-probe', logLevel: logLevel.NOTHING, connectionTimeout: 1_000, retry: { retries: 0 } });
  const admin = probe.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect();
  }
}

describe('private Kafka test broker', () => {
  let kafka: PrivateKafka;

  before(async () => {
    kafka = await startPrivateKafka();
  });

  after(async () => {
    await kafka?.close();
  });

  test('listens on loopback only', () => {
    assert.equal(kafka.brokers.length, 1);
    assert.match(kafka.brokers[0] ?? '', /^127\.0\.0\.1:\d+$/);
  });

  test('returns across two partitions what an idempotent producer wrote', async () => {
    const topic = 'tooling-roundtrip';
    await createTopic(kafka.brokers, topic, 2);
    const client = kafkaClient(kafka.brokers);
    const sent = [0, 1, 2, 3, 4, 5].map((n) => ({ partition: n % 2, key: `record-${n}`, value: `value ${n}` }));

    await produce(client, topic, sent);
    const received = await consumeAll(client, topic, 'tooling-roundtrip-reader', sent.length);

    assert.deepEqual(received, sent);
  });

  test('keeps its address and acknowledged records across a stop, a crash and a restart', async () => {
    const topic = 'tooling-restart';
    await createTopic(kafka.brokers, topic, 1);
    const client = kafkaClient(kafka.brokers);
    await produce(client, topic, [{ partition: 0, key: 'before-stop', value: 'a' }]);

    await kafka.stop();
    assert.equal(await brokerAnswers(kafka.brokers), false, 'a stopped broker still answers');
    await kafka.start();
    await produce(client, topic, [{ partition: 0, key: 'before-kill', value: 'b' }]);

    await kafka.kill();
    assert.equal(await brokerAnswers(kafka.brokers), false, 'a killed broker still answers');
    await kafka.restart();
    await produce(client, topic, [{ partition: 0, key: 'after-restart', value: 'c' }]);

    const received = await consumeAll(client, topic, 'tooling-restart-reader', 3);
    assert.deepEqual(
      received.map((message) => message.key),
      ['after-restart', 'before-kill', 'before-stop'],
    );
  });
});

describe('useKafka', () => {
  test('hands out a broker that takes topics, and releases it', async () => {
    const kafka = await useKafka();
    try {
      // The shared broker outlives this file, so the name must not collide with an earlier run.
      const topic = `tooling-use-kafka-${randomUUID()}`;
      await createTopic(kafka.brokers, topic, 2);
      const admin = kafkaClient(kafka.brokers).admin();
      await admin.connect();
      try {
        const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
        assert.equal(metadata.topics[0]?.partitions.length, 2);
      } finally {
        await admin.disconnect();
      }
    } finally {
      await kafka.stop();
    }
  });
});
