// Kafka to ledger: one tile log per partition; validate, dedupe, append durably, and only then commit offset + 1.
import { join } from 'node:path';
import { Partitioners, type Consumer, type EachBatchPayload, type Kafka, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { MAX_ENTRY_SIZE, type NoteSigner } from '@palisade/audit-core';
import { AuditError } from './errors.js';
import { RecentIds } from './recent-ids.js';
import { createRecordValidator } from './record-validator.js';
import { openTileLog, type TileLog, type TileLogStatus } from './tile-log.js';

export interface ConsumerOptions {
  /** A kafkajs client; the consumer and the dead-letter producer are created from it. */
  kafka: Kafka;
  topic: string;
  groupId: string;
  /** Folder holding one log folder per partition, named by partition number. */
  ledgerDir: string;
  /** Each partition's log origin is `<originPrefix>/<partition>`. */
  originPrefix: string;
  signer: NoteSigner;
  logger: Logger;
  /** Record ids remembered per partition for dedupe (default 100,000), rebuilt from the log tail on start. */
  dedupeWindow?: number;
  /** fsync ledger files (default true). */
  fsync?: boolean;
}

export interface ConsumerCounters {
  appended: number;
  duplicates: number;
  deadLettered: number;
  batches: number;
}

export interface ConsumerStatus {
  ok: boolean;
  running: boolean;
  topic: string;
  deadLetterTopic: string;
  counters: ConsumerCounters;
  logs: Record<string, TileLogStatus>;
  error?: string;
}

export interface ConsumerHandle {
  close(): Promise<void>;
  status(): ConsumerStatus;
}

interface PartitionLedger {
  log: TileLog;
  seen: RecentIds;
}

const HEADER_REASON = 'palisade-dead-letter-reason';

/** Reads the record ids of the last `window` entries, so dedupe survives restarts. */
async function rebuildSeen(log: TileLog, window: number): Promise<RecentIds> {
  const seen = new RecentIds(window);
  for await (const { entry } of log.entries(Math.max(0, log.size() - window))) {
    try {
      const value: unknown = JSON.parse(Buffer.from(entry).toString('utf8'));
      const id = (value as { record_id?: unknown } | null)?.record_id;
      if (typeof id === 'string') seen.add(id);
    } catch {
      // Entries that are not records cannot collide with a record id; verify reports them.
    }
  }
  return seen;
}

/** Joins the consumer group and starts consuming; resolves once the consumer is running. */
export async function startConsumer(options: ConsumerOptions): Promise<ConsumerHandle> {
  const { kafka, topic, groupId, ledgerDir, originPrefix, signer, logger } = options;
  const deadLetterTopic = `${topic}.dead-letter`;
  const window = options.dedupeWindow ?? 100_000;
  const validate = createRecordValidator();
  const log = logger.child({ component: 'audit-consumer', topic, groupId });
  const counters: ConsumerCounters = { appended: 0, duplicates: 0, deadLettered: 0, batches: 0 };
  const ledgers = new Map<number, Promise<PartitionLedger>>();
  const opened = new Map<number, PartitionLedger>();
  let running = false;
  let closing: Promise<void> | undefined;
  let failure: string | undefined;

  const ledgerFor = (partition: number): Promise<PartitionLedger> => {
    let ledger = ledgers.get(partition);
    if (!ledger) {
      ledger = (async () => {
        const tileLog = await openTileLog({
          dir: join(ledgerDir, String(partition)),
          origin: `${originPrefix}/${partition}`,
          signer,
          fsync: options.fsync ?? true,
        });
        const seen = await rebuildSeen(tileLog, window);
        log.info({ partition, size: tileLog.size(), remembered: seen.size }, 'partition log opened');
        const ready = { log: tileLog, seen };
        opened.set(partition, ready);
        return ready;
      })();
      // A failed open is retried on the next batch rather than cached forever.
      ledger.catch(() => ledgers.delete(partition));
      ledgers.set(partition, ledger);
    }
    return ledger;
  };

  const deadLetter = (m: KafkaMessage, partition: number, reason: string): Message => ({
    key: m.key,
    value: m.value,
    headers: {
      [HEADER_REASON]: reason,
      'palisade-source-topic': topic,
      'palisade-source-partition': String(partition),
      'palisade-source-offset': m.offset,
    },
  });

  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer: Consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> => {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const { partition } = batch;
    const ledger = await ledgerFor(partition);
    const fresh: Uint8Array[] = [];
    const freshIds: string[] = [];
    const batchIds = new Set<string>();
    const dead: Message[] = [];

    for (const m of batch.messages) {
      if (!m.value || m.value.length === 0) {
        dead.push(deadLetter(m, partition, 'empty message'));
        continue;
      }
      const check = validate(m.value);
      if (!check.ok) {
        dead.push(deadLetter(m, partition, check.reason));
        continue;
      }
      if (check.canonical.length > MAX_ENTRY_SIZE) {
        dead.push(deadLetter(m, partition, `canonical record is ${check.canonical.length} bytes, more than ${MAX_ENTRY_SIZE}`));
        continue;
      }
      const id = check.record.record_id;
      if (ledger.seen.has(id) || batchIds.has(id)) {
        counters.duplicates++;
        continue;
      }
      batchIds.add(id);
      fresh.push(check.canonical);
      freshIds.push(id);
    }

    // Dead letters are acknowledged by Kafka before the offsets that cover them are committed.
    if (dead.length > 0) {
      await producer.send({ topic: deadLetterTopic, acks: -1, messages: dead });
      counters.deadLettered += dead.length;
      for (const d of dead) {
        log.warn({ partition, offset: d.headers?.['palisade-source-offset'], reason: d.headers?.[HEADER_REASON] }, 'record sent to dead-letter topic');
      }
    }
    if (fresh.length > 0) {
      let appended;
      try {
        appended = await ledger.log.append(fresh);
      } catch (err) {
        // A log whose write failed refuses further appends; reopening re-checks it against its checkpoint.
        if (!ledger.log.status().ok) {
          ledgers.delete(partition);
          opened.delete(partition);
          await ledger.log.close();
        }
        throw err;
      }
      const { firstIndex, size } = appended;
      for (const id of freshIds) ledger.seen.add(id);
      counters.appended += fresh.length;
      log.debug({ partition, firstIndex, size }, 'records appended');
    }

    const last = batch.messages[batch.messages.length - 1]!.offset;
    resolveOffset(last);
    // The committed offset is the next one to read; it is only written after the ledger is durable.
    await consumer.commitOffsets([{ topic: batch.topic, partition, offset: (BigInt(last) + 1n).toString() }]);
    counters.batches++;
    await heartbeat();
  };

  consumer.on(consumer.events.CRASH, (event) => {
    log.error({ err: event.payload.error, restart: event.payload.restart }, 'consumer crashed');
    // kafkajs restarts the consumer after retriable errors; only a final crash stops consumption.
    if (!event.payload.restart) {
      failure = event.payload.error.message;
      running = false;
    }
  });

  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch });
  } catch (err) {
    // Open connections would keep the process alive after a failed start.
    await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
    throw new AuditError('AUD_ERR_KAFKA_START', { cause: err, detail: `Topic ${topic}: ${err instanceof Error ? err.message : String(err)}` });
  }
  running = true;
  log.info({ ledgerDir, deadLetterTopic }, 'audit consumer started');

  const close = (): Promise<void> => {
    closing ??= (async () => {
      running = false;
      // Disconnecting the consumer waits for the batch in flight, so no append is cut short.
      await consumer.disconnect();
      await producer.disconnect();
      const settled = await Promise.allSettled(ledgers.values());
      for (const r of settled) if (r.status === 'fulfilled') await r.value.log.close();
      log.info(counters, 'audit consumer stopped');
    })();
    return closing;
  };

  const status = (): ConsumerStatus => {
    const logs: Record<string, TileLogStatus> = {};
    for (const [partition, l] of opened) logs[String(partition)] = l.log.status();
    const error = closing ? 'closed' : failure;
    return { ok: running && !failure && Object.values(logs).every((l) => l.ok), running, topic, deadLetterTopic, counters: { ...counters }, logs, ...(error ? { error } : {}) };
  };

  return { close, status };
}
