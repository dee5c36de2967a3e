// Publishes audit records to Kafka with an idempotent producer (acks=all). Sends never overlap
// (kafkajs's idempotent producer breaks sequence numbers when they do), and concurrent requests
// share one produce round trip. When Kafka cannot acknowledge in time, `reject` refuses the
// request and `spool` commits the record to a local spool that is published, in order, later.
import type { AuditRecordV1 } from '@palisade/audit-core';
import type { Kafka, Producer } from 'kafkajs';
import type { KafkaAuditConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { AuditSpool } from './audit-spool.js';
import { BatchTimeoutError, createBatcher } from './batcher.js';
import { recordBytes } from './record-bytes.js';
import type { AuditSink, ComponentStatus } from './sink.js';

interface Message {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

export interface KafkaSinkOptions {
  kafka: Kafka;
  config: KafkaAuditConfig;
  logger: Logger;
  /** Required when config.on_unavailable is "spool". */
  spool?: AuditSpool;
}

/** Delay between connection attempts while the broker is unreachable, and between drain attempts. */
const RECONNECT_MS = 1000;
/** The longest timer Node accepts (about 24.8 days): spooled records are never withdrawn. */
const MAX_TIMER_MS = 2_147_483_647;
/** Records published per step of draining the spool. */
const DRAIN_CHUNK = 500;

/** The Kafka message of a record: keyed by decision id so both records of one request share a partition, in order. */
function messageOf(bytes: Uint8Array, fields?: Pick<AuditRecordV1, 'decision_id' | 'record_id' | 'phase'>): Message {
  const value = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // A spooled record has only its bytes: its three routing fields are read back from them.
  const { decision_id, record_id, phase } = fields ?? (JSON.parse(value.toString('utf8')) as Pick<AuditRecordV1, 'decision_id' | 'record_id' | 'phase'>);
  return { key: decision_id, value, headers: { record_id, phase } };
}

function timeout(ms: number): { promise: Promise<never>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BatchTimeoutError()), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

export function createKafkaSink(options: KafkaSinkOptions): AuditSink & { connect(): Promise<void> } {
  const { config, logger, spool } = options;
  if (config.on_unavailable === 'spool' && !spool) throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: 'spool mode needs a spool' });
  const newProducer = (): Producer => {
    const p = options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 2000 },
    });
    p.on(p.events.DISCONNECT, () => {
      if (p !== producer) return;
      connected = false;
      if (!closed) scheduleConnect();
    });
    return p;
  };
  let connected = false;
  let closed = false;
  let lastError: string | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let draining: Promise<void> | undefined;
  let drainTimer: NodeJS.Timeout | undefined;
  let producer: Producer = newProducer();

  /**
   * After an error kafkajs will not retry (e.g. the broker no longer knows the producer id after a
   * restart), an idempotent producer can stay stuck; a fresh one gets a new producer id.
   */
  async function replaceProducer(reason: string): Promise<void> {
    logger.warn({ err: reason }, 'audit producer replaced after an error Kafka will not retry');
    const old = producer;
    producer = newProducer();
    connected = false;
    await old.disconnect().catch(() => undefined);
    await connectOnce();
  }

  async function connectOnce(): Promise<void> {
    try {
      await producer.connect();
      connected = true;
      lastError = undefined;
      logger.info({ brokers: config.brokers, topic: config.topic }, 'audit producer connected');
      drainSoon();
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      logger.warn({ err: lastError, mode: config.on_unavailable }, 'audit producer cannot connect');
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
      try {
        await producer.send({ topic: config.topic, acks: -1, messages });
      } catch (err) {
        if ((err as { retriable?: unknown } | null)?.retriable !== true && !closed) await replaceProducer(err instanceof Error ? err.message : String(err));
        throw err;
      }
    },
  });

  /**
   * Resolves once Kafka acknowledged every message. A message still queued when the deadline
   * passes is withdrawn by the batcher; one already sent may still land later, which the
   * consumer's dedupe by record id absorbs.
   */
  async function sendAll(messages: readonly Message[], deadlineMs: number): Promise<void> {
    const t = timeout(deadlineMs);
    try {
      await Promise.race([Promise.all(messages.map((m) => batcher.submit(m, deadlineMs))), t.promise]);
    } finally {
      t.cancel();
    }
  }

  /** Publishes the spool oldest first, one chunk at a time, releasing each chunk only after Kafka acknowledged it. */
  async function drain(): Promise<void> {
    while (spool && !closed && connected && spool.pending() > 0) {
      const batch = await spool.read(DRAIN_CHUNK);
      if (batch.records.length === 0) break;
      try {
        // No deadline: spooled records are already committed; they wait for Kafka as long as it takes.
        await Promise.all(batch.records.map((r) => batcher.submit(messageOf(r), MAX_TIMER_MS)));
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
        logger.warn({ err: lastError, pending: spool.pending() }, 'audit spool drain failed; retrying');
        return;
      }
      await spool.release(batch);
      if (spool.pending() === 0) logger.info('audit spool drained');
    }
  }

  function drainSoon(): void {
    if (!spool || closed || draining || spool.pending() === 0) return;
    draining = drain()
      .catch((err: unknown) => logger.error({ err: err instanceof Error ? err.message : String(err) }, 'audit spool drain stopped'))
      .finally(() => {
        draining = undefined;
      });
  }

  if (spool) {
    // A safety net: retries a drain that stopped on an error, and starts one for a spool found at start-up.
    drainTimer = setInterval(drainSoon, RECONNECT_MS);
    drainTimer.unref();
  }

  async function toSpool(bytes: readonly Uint8Array[]): Promise<void> {
    await spool!.append(bytes);
    drainSoon();
  }

  return {
    connect: connectOnce,

    async publish(records: readonly AuditRecordV1[]) {
      if (closed) throw new GatewayError('GW_ERR_SHUTTING_DOWN');
      const bytes = records.map(recordBytes);
      if (config.on_unavailable === 'spool') {
        // While anything is spooled, new records queue behind it, so Kafka sees them in order.
        if (!connected || spool!.pending() > 0 || draining) return toSpool(bytes);
        try {
          await sendAll(bytes.map((b, i) => messageOf(b, records[i])), config.ack_timeout_ms);
          return;
        } catch (cause) {
          if (!(cause instanceof BatchTimeoutError)) lastError = cause instanceof Error ? cause.message : String(cause);
          logger.warn({ err: lastError ?? 'no acknowledgement in time' }, 'audit record spooled: Kafka did not acknowledge');
          return toSpool(bytes);
        }
      }
      if (!connected) throw new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', { data: { reason: lastError ?? 'not connected' } });
      try {
        await sendAll(bytes.map((b, i) => messageOf(b, records[i])), config.ack_timeout_ms);
      } catch (cause) {
        if (!(cause instanceof BatchTimeoutError)) lastError = cause instanceof Error ? cause.message : String(cause);
        throw new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', { cause });
      }
    },

    status(): ComponentStatus {
      if (spool) {
        const pending = spool.pending();
        if (connected && pending === 0) return { ready: true };
        // Spooling keeps requests audited, so the gateway stays ready while Kafka is away.
        return { ready: true, detail: `kafka: ${connected ? 'connected' : (lastError ?? 'connecting')}; ${pending} record(s) spooled` };
      }
      if (connected) return { ready: true };
      return { ready: false, detail: `kafka: ${lastError ?? 'connecting'}` };
    },

    async close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      if (drainTimer) clearInterval(drainTimer);
      // A drain waiting on an unreachable broker would never end; what it did not release stays spooled.
      await Promise.race([draining, new Promise((r) => setTimeout(r, 2000).unref())]);
      await Promise.race([batcher.drain(), new Promise((r) => setTimeout(r, config.ack_timeout_ms).unref())]);
      if (spool) {
        const left = spool.pending();
        if (left > 0) logger.warn({ pending: left }, 'audit spool not empty at shutdown; it is published after the next start');
        await spool.close();
      }
      await producer.disconnect();
    },
  };
}
