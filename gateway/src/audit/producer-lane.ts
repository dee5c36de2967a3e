// One idempotent Kafka producer with its own send queue. Sends on a producer never overlap
// (kafkajs's idempotent producer breaks sequence numbers when they do), so a record arriving while
// a send is in flight waits for it; the sink runs several lanes side by side and hands each new
// record to a lane that can send it at once.
import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from '../logging/logger.js';
import { createBatcher, type Batcher, type BatcherState } from './batcher.js';

export interface LaneMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

export interface ProducerLane {
  /** Connects, or keeps retrying in the background; `onConnect` runs after each success. */
  connect(): Promise<void>;
  connected(): boolean;
  lastError(): string | undefined;
  /** Resolves once Kafka acknowledged the message; rejects on a send error or when still queued after `timeoutMs`. */
  submit(message: LaneMessage, timeoutMs: number): Promise<void>;
  /** Resolves when everything submitted so far was sent or failed. */
  drain(): Promise<void>;
  /** Whether a message submitted now is sent at once, joins a send about to start, or waits for one in flight. */
  state(): BatcherState;
  /** Messages waiting for a send. */
  pending(): number;
  close(): Promise<void>;
}

/** Delay between connection attempts while the broker is unreachable. */
const RECONNECT_MS = 1000;

export function createProducerLane(options: { kafka: Kafka; topic: string; lingerMs: number; logger: Logger; onConnect: () => void }): ProducerLane {
  const { logger } = options;
  let connected = false;
  let closed = false;
  let lastError: string | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;

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
  let producer = newProducer();

  async function connectOnce(): Promise<void> {
    try {
      await producer.connect();
      connected = true;
      lastError = undefined;
      options.onConnect();
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
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

  const batcher: Batcher<LaneMessage> = createBatcher<LaneMessage>({
    lingerMs: options.lingerMs,
    maxBatch: 500,
    async flush(messages) {
      try {
        await producer.send({ topic: options.topic, acks: -1, messages });
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
        if ((err as { retriable?: unknown } | null)?.retriable !== true && !closed) await replaceProducer(lastError);
        throw err;
      }
    },
  });

  return {
    connect: connectOnce,
    connected: () => connected,
    lastError: () => lastError,
    submit: (message, timeoutMs) => batcher.submit(message, timeoutMs),
    drain: () => batcher.drain(),
    state: () => batcher.state(),
    pending: () => batcher.pending(),
    async close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      await producer.disconnect();
    },
  };
}

/**
 * The lane where a record waits least: one about to send (it joins that round trip), else an
 * idle one, else the one with the shortest queue. Only for records whose order against earlier
 * ones is already settled, e.g. an outcome published after its decision was acknowledged.
 * Ties go to the first lane from `start` on: a caller moving `start` along spreads records over
 * every lane, so while traffic flows no lane's connection sits idle until the broker closes it
 * and the next burst pays for a reconnect.
 */
export function freestLane<L extends Pick<ProducerLane, 'state' | 'pending'>>(lanes: readonly L[], start = 0): L {
  let best = lanes[0]!;
  let bestRank = Number.POSITIVE_INFINITY;
  for (let i = 0; i < lanes.length; i++) {
    const lane = lanes[(start + i) % lanes.length]!;
    const state = lane.state();
    const rank = state === 'gathering' ? -2 : state === 'idle' ? -1 : lane.pending();
    if (rank < bestRank) {
      best = lane;
      bestRank = rank;
    }
  }
  return best;
}

/** FNV-1a of the key: a stable lane for every record of one decision, which keeps them in order when they are sent together. */
export function laneOf(key: string, lanes: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % lanes;
}
