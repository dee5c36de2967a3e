// The Kafka audit sink against a real broker, watched on the wire: records are on the broker when
// publish resolves, requests made together share one produce round trip, and a request made while
// a round trip is in flight leaves at once on another producer instead of waiting for it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel, type ISocketFactory } from 'kafkajs';
import { pino } from 'pino';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { createKafkaSink } from '../../gateway/src/audit/kafka-sink.js';
import type { AuditSink } from '../../gateway/src/audit/sink.js';
import { createTopic, kafkaClient, useKafka, type KafkaHandle } from '../support/kafka.js';
import { numberedRecord } from './fixtures.js';

const PRODUCE = 0;
const waitLimitMs = 60_000;

interface WireEvent {
  kind: 'produce' | 'response';
  socket: number;
}

/**
 * A kafkajs socket factory that notes, per connection, every Produce request written (from the
 * Kafka framing: a 4-byte size, then the API key) and every chunk of answer read.
 */
function wireTap(): { factory: ISocketFactory; events: WireEvent[]; onProduce: (hook: (() => void) | undefined) => void } {
  const events: WireEvent[] = [];
  let hook: (() => void) | undefined;
  let sockets = 0;
  const factory: ISocketFactory = ({ host, port, onConnect }) => {
    const id = sockets++;
    const socket = net.connect({ host, port }, onConnect);
    let pending = Buffer.alloc(0);
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      pending = Buffer.concat([pending, Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), 'binary')]);
      while (pending.length >= 6 && pending.length >= 4 + pending.readInt32BE(0)) {
        if (pending.readInt16BE(4) === PRODUCE) {
          events.push({ kind: 'produce', socket: id });
          const run = hook;
          hook = undefined;
          run?.();
        }
        pending = pending.subarray(4 + pending.readInt32BE(0));
      }
      return write(chunk, ...rest);
    }) as typeof socket.write;
    socket.on('data', () => events.push({ kind: 'response', socket: id }));
    return socket;
  };
  return { factory, events, onProduce: (h) => (hook = h) };
}

async function readBack(brokers: string[], topic: string, count: number): Promise<{ partition: number; offset: bigint; key: string; headers: Record<string, string>; value: string }[]> {
  const consumer = kafkaClient(brokers, 'palisade-test-reader').consumer({ groupId: `reader-${randomUUID()}` });
  const seen: { partition: number; offset: bigint; key: string; headers: Record<string, string>; value: string }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${seen.length} of ${count} records within ${waitLimitMs} ms`)), waitLimitMs);
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
            seen.push({ partition, offset: BigInt(message.offset), key: String(message.key), headers, value: String(message.value) });
            if (seen.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch((err: unknown) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        });
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

describe('Kafka audit sink', () => {
  let kafka: KafkaHandle;
  const sinks: AuditSink[] = [];

  before(async () => {
    kafka = await useKafka();
  });

  after(async () => {
    for (const sink of sinks) await sink.close().catch(() => undefined);
    await kafka?.stop();
  });

  async function openSink(topic: string, producers: number, socketFactory?: ISocketFactory): Promise<AuditSink> {
    await createTopic(kafka.brokers, topic, 2);
    const client = new Kafka({ clientId: 'palisade-test-sink', brokers: kafka.brokers, logLevel: logLevel.NOTHING, ...(socketFactory ? { socketFactory } : {}) });
    const sink = createKafkaSink({
      kafka: client,
      config: { brokers: kafka.brokers, topic, client_id: 'palisade-test-sink', ack_timeout_ms: 10_000, linger_ms: 0, on_unavailable: 'reject', producers },
      logger: pino({ level: 'silent' }),
    });
    sinks.push(sink);
    await sink.connect();
    assert.deepEqual(sink.status(), { ready: true });
    return sink;
  }

  it('has a decision and its outcome on the broker, in order and with their routing headers, when publish resolves', async () => {
    const topic = `palisade.audit.sink.${randomUUID()}`;
    const sink = await openSink(topic, 4);
    const decisions = [1, 2, 3].map((n) => ({ n, id: randomUUID() }));
    for (const { n, id } of decisions) {
      await sink.publish([numberedRecord(2 * n, { decision_id: id, phase: 'decision' })]);
      await sink.publish([numberedRecord(2 * n + 1, { decision_id: id, phase: 'outcome', outcome: { status: 200, latency_ms: 5 } })]);
    }
    const seen = await readBack(kafka.brokers, topic, 6);
    for (const { id } of decisions) {
      const mine = seen.filter((m) => m.key === id);
      assert.deepEqual(mine.map((m) => m.headers['phase']), ['decision', 'outcome']);
      assert.equal(mine[0]!.partition, mine[1]!.partition);
      assert.ok(mine[0]!.offset < mine[1]!.offset);
      for (const m of mine) {
        const record = JSON.parse(m.value) as AuditRecordV1;
        assert.equal(record.decision_id, id);
        assert.equal(m.headers['record_id'], record.record_id);
      }
    }
  });

  it('sends requests made together in one produce round trip, however many producers it has', async () => {
    const tap = wireTap();
    const sink = await openSink(`palisade.audit.sink.${randomUUID()}`, 4, tap.factory);
    const before = tap.events.filter((e) => e.kind === 'produce').length;
    await Promise.all(Array.from({ length: 20 }, (_, n) => sink.publish([numberedRecord(100 + n, { decision_id: randomUUID() })])));
    assert.equal(tap.events.filter((e) => e.kind === 'produce').length - before, 1);
  });

  it('sends a request made while a round trip is in flight at once on another producer', async () => {
    const tap = wireTap();
    const sink = await openSink(`palisade.audit.sink.${randomUUID()}`, 2, tap.factory);
    const start = tap.events.length;
    let second: Promise<void> | undefined;
    tap.onProduce(() => {
      second = sink.publish([numberedRecord(201, { decision_id: randomUUID() })]);
    });
    await sink.publish([numberedRecord(200, { decision_id: randomUUID() })]);
    assert.ok(second, 'the first record was written as a Produce request');
    await second;
    const produced = tap.events.slice(start).filter((e) => e.kind === 'produce');
    assert.equal(produced.length, 2);
    assert.notEqual(produced[0]!.socket, produced[1]!.socket);
  });

  it('with one producer, a request made while a round trip is in flight waits for its answer', async () => {
    const tap = wireTap();
    const sink = await openSink(`palisade.audit.sink.${randomUUID()}`, 1, tap.factory);
    const start = tap.events.length;
    let second: Promise<void> | undefined;
    tap.onProduce(() => {
      second = sink.publish([numberedRecord(301, { decision_id: randomUUID() })]);
    });
    await sink.publish([numberedRecord(300, { decision_id: randomUUID() })]);
    assert.ok(second, 'the first record was written as a Produce request');
    await second;
    const events = tap.events.slice(start);
    const produced = events.flatMap((e, i) => (e.kind === 'produce' ? [i] : []));
    assert.equal(produced.length, 2);
    const [first, next] = produced as [number, number];
    assert.equal(events[first]!.socket, events[next]!.socket);
    assert.ok(
      events.slice(first, next).some((e) => e.kind === 'response' && e.socket === events[first]!.socket),
      'the second Produce request left only after the broker answered the first',
    );
  });
});
