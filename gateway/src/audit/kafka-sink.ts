// Publishes audit records to Kafka with an idempotent producer (acks=all). Sends never overlap
// (kafkajs's idempotent producer breaks sequence numbers when they do), and concurrent requests
// share one produce round trip.
import { canonicalJson, type AuditRecordV1 } from '@palisade/audit-core';
import type { Kafka, Producer } from 'kafkajs';
import type { KafkaAuditConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { BatchTimeoutError, createBatcher } from './batcher.js';
import type { AuditSink, ComponentStatus } from './sink.js';

interface Message {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface KafkaSinkOptions {
  kafka: Kafka;
  config: KafkaAuditConfig;
  logger: Logger;
}

/** Delay between connection attempts while the broker is unreachable. */
const RECONNECT_MS = 1000;

export function createKafkaSink(options: KafkaSinkOptions): AuditSink & { connect(): Promise<void> } {
  const { config, logger } = options;
  const producer: Producer = options.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 2000 },
  });
  let connected = false;
  let closed = false;
  let lastError: string | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;

  producer.on(producer.events.DISCONNECT, () => {
    connected = false;
    if (!closed) scheduleConnect();
  });

  async function connectOnce(): Promise<void> {
    try {
      await producer.connect();
      connected = true;
      lastError = undefined;
      logger.info({ brokers: config.brokers, topic: config.topic }, 'audit producer connected');
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      logger.warn({ err: lastError }, 'audit producer cannot connect; requests are refused until it does');
      scheduleConnect();
    }
  }

  function scheduleConnect(): void {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connectOnce();
    }, RECONNECT_MS);
    reconnectTimer.unref();
  }

  const batcher = createBatcher<Message>({
    lingerMs: config.linger_ms,
    maxBatch: 500,
    async flush(messages) {
      await producer.send({ topic: config.topic, acks: -1, messages });
    },
  });

  return {
    connect: connectOnce,

    async publish(records: readonly AuditRecordV1[]) {
      if (closed) throw new GatewayError('GW_ERR_SHUTTING_DOWN');
      if (!connected) throw new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', { data: { reason: lastError ?? 'not connected' } });
      try {
        await Promise.all(
          records.map((r) =>
            batcher.submit(
              // The decision id keys the message so both records of one request share a partition, in order.
              { key: r.decision_id, value: canonicalJson(r), headers: { record_id: r.record_id, phase: r.phase } },
              config.ack_timeout_ms,
            ),
          ),
        );
      } catch (cause) {
        if (!(cause instanceof BatchTimeoutError)) lastError = cause instanceof Error ? cause.message : String(cause);
        throw new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', { cause });
      }
    },

    status(): ComponentStatus {
      if (connected) return { ready: true };
      return { ready: false, detail: `kafka: ${lastError ?? 'connecting'}` };
    },

    async close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      await batcher.drain();
      await producer.disconnect();
    },
  };
}
