// Publishes audit records to Kafka with idempotent producers (acks=all); concurrent requests share
// produce round trips, and several producer lanes keep a request from queueing behind a round trip
// already in flight. When Kafka cannot acknowledge in time, `reject` refuses the request and
// `spool` commits the record to a local spool that is published, in order, later.
import type { AuditRecordV1 } from '@palisade/audit-core';
import type { Kafka } from 'kafkajs';
import type { KafkaAuditConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { AuditSpool } from './audit-spool.js';
import { BatchTimeoutError } from './batcher.js';
import { createProducerLane, freestLane, laneOf, type LaneMessage, type ProducerLane } from './producer-lane.js';
import { recordBytes } from './record-bytes.js';
import type { AuditSink } from './sink.js';
import type { ComponentStatus } from '../health.js';

export interface KafkaSinkOptions {
  kafka: Kafka;
  config: KafkaAuditConfig;
  logger: Logger;
  /** Required when config.on_unavailable is "spool". */
  spool?: AuditSpool;
}

/** Delay between drain attempts of the spool. */
const DRAIN_RETRY_MS = 1000;
/** The longest timer Node accepts (about 24.8 days): spooled records are never withdrawn. */
const MAX_TIMER_MS = 2_147_483_647;
/** Records published per step of draining the spool. */
const DRAIN_CHUNK = 500;

type RoutingFields = Pick<AuditRecordV1, 'decision_id' | 'record_id' | 'phase'>;

/** The Kafka message of a record: keyed by decision id so both records of one request share a partition, in order. */
function messageOf(bytes: Uint8Array, fields?: RoutingFields): LaneMessage {
  const value = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // A spooled record has only its bytes: its three routing fields are read back from them.
  const { decision_id, record_id, phase } = fields ?? (JSON.parse(value.toString('utf8')) as RoutingFields);
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
  let closed = false;
  let draining: Promise<void> | undefined;
  let drainTimer: NodeJS.Timeout | undefined;
  let announced = false;

  const lanes: ProducerLane[] = Array.from({ length: Math.max(1, config.producers) }, () =>
    createProducerLane({
      kafka: options.kafka,
      topic: config.topic,
      lingerMs: config.linger_ms,
      logger,
      onConnect: () => {
        if (connected() && !announced) {
          announced = true;
          logger.info({ brokers: config.brokers, topic: config.topic, producers: lanes.length }, 'audit producers connected');
        }
        drainSoon();
      },
    }),
  );
  const connected = (): boolean => lanes.every((l) => l.connected());
  const lastError = (): string | undefined => lanes.map((l) => l.lastError()).find((e) => e !== undefined);
  const laneFor = (m: LaneMessage): ProducerLane => lanes[laneOf(m.key, lanes.length)]!;
  let turn = 0;

  /**
   * Resolves once Kafka acknowledged every message. A message still queued when the deadline
   * passes is withdrawn; one already sent may still land later, which the consumer's dedupe by
   * record id absorbs.
   *
   * Any lane will do: the pipeline publishes a request's outcome only after its decision was
   * acknowledged, so records of one call never race records of an earlier call. The messages of
   * one call share a lane, which sends them in order.
   */
  async function sendAll(messages: readonly LaneMessage[], deadlineMs: number): Promise<void> {
    const t = timeout(deadlineMs);
    const lane = freestLane(lanes, turn);
    turn = (turn + 1) % lanes.length;
    try {
      await Promise.race([Promise.all(messages.map((m) => lane.submit(m, deadlineMs))), t.promise]);
    } finally {
      t.cancel();
    }
  }

  /**
   * Publishes the spool oldest first, one chunk at a time, releasing each chunk only after Kafka
   * acknowledged all of it. A decision's records take one lane, in spool order, so its outcome
   * never reaches Kafka before its decision.
   */
  async function drain(): Promise<void> {
    while (spool && !closed && connected() && spool.pending() > 0) {
      const batch = await spool.read(DRAIN_CHUNK);
      if (batch.records.length === 0) break;
      try {
        // No deadline: spooled records are already committed; they wait for Kafka as long as it takes.
        await Promise.all(batch.records.map((r) => messageOf(r)).map((m) => laneFor(m).submit(m, MAX_TIMER_MS)));
      } catch (err) {
        logger.warn({ err: err instanceof Error ? err.message : String(err), pending: spool.pending() }, 'audit spool drain failed; retrying');
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
    drainTimer = setInterval(drainSoon, DRAIN_RETRY_MS);
    drainTimer.unref();
  }

  async function toSpool(bytes: readonly Uint8Array[]): Promise<void> {
    await spool!.append(bytes);
    drainSoon();
  }

  return {
    async connect() {
      await Promise.all(lanes.map((l) => l.connect()));
      if (!connected()) logger.warn({ err: lastError(), mode: config.on_unavailable }, 'audit producers cannot connect yet');
    },

    async publish(records: readonly AuditRecordV1[]) {
      if (closed) throw new GatewayError('GW_ERR_SHUTTING_DOWN');
      const bytes = records.map(recordBytes);
      if (config.on_unavailable === 'spool') {
        // While anything is spooled, new records queue behind it, so Kafka sees them in order.
        if (!connected() || spool!.pending() > 0 || draining) return toSpool(bytes);
        try {
          await sendAll(bytes.map((b, i) => messageOf(b, records[i])), config.ack_timeout_ms);
          return;
        } catch (cause) {
          logger.warn({ err: cause instanceof BatchTimeoutError ? 'no acknowledgement in time' : (lastError() ?? String(cause)) }, 'audit record spooled: Kafka did not acknowledge');
          return toSpool(bytes);
        }
      }
      if (!connected()) throw new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', { data: { reason: lastError() ?? 'not connected' } });
      try {
        await sendAll(bytes.map((b, i) => messageOf(b, records[i])), config.ack_timeout_ms);
      } catch (cause) {
        throw new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', { cause });
      }
    },

    status(): ComponentStatus {
      const kafkaState = connected() ? 'connected' : (lastError() ?? 'connecting');
      if (spool) {
        const pending = spool.pending();
        if (connected() && pending === 0) return { ready: true };
        // Spooling keeps requests audited, so the gateway stays ready while Kafka is away.
        return { ready: true, detail: `kafka: ${kafkaState}; ${pending} record(s) spooled` };
      }
      if (connected()) return { ready: true };
      return { ready: false, detail: `kafka: ${kafkaState}` };
    },

    async close() {
      closed = true;
      if (drainTimer) clearInterval(drainTimer);
      // A drain waiting on an unreachable broker would never end; what it did not release stays spooled.
      await Promise.race([draining, new Promise((r) => setTimeout(r, 2000).unref())]);
      await Promise.race([Promise.all(lanes.map((l) => l.drain())), new Promise((r) => setTimeout(r, config.ack_timeout_ms).unref())]);
      if (spool) {
        const left = spool.pending();
        if (left > 0) logger.warn({ pending: left }, 'audit spool not empty at shutdown; it is published after the next start');
        await spool.close();
      }
      await Promise.all(lanes.map((l) => l.close().catch(() => undefined)));
    },
  };
}
