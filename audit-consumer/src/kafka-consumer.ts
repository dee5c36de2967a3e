// Kafka to ledger: one tile log per partition; validate, dedupe, append durably, and only then commit offset + 1.
import { join } from 'node:path';
import { Partitioners, type Consumer, type EachBatchPayload, type Kafka, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { MAX_ENTRY_SIZE, type NoteSigner } from '@palisade/audit-core';
import { AuditError, DecisionIndex, createRecordValidator, isAuditError, liveLedgerLog, openTileLog, pruneLog, type LedgerLog, type TileLog, type TileLogStatus } from '@palisade/ledger';
import { RecentIds } from './recent-ids.js';

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
  /** Sign a checkpoint once this many appended records are not covered by one (default 4096). */
  checkpointEvery?: number;
  /** ...and at the latest this long after an append (default 1000 ms). */
  checkpointIntervalMs?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Remove entry bundles older than this (ms), checked every retentionCheckMs; absent: keep everything. */
  retentionMs?: number;
  retentionCheckMs?: number;
  clock?: () => number;
}

export interface ConsumerCounters {
  appended: number;
  duplicates: number;
  deadLettered: number;
  /** Records refused because their canonical form exceeds 65,535 bytes (also dead-lettered). */
  oversized: number;
  batches: number;
  checkpoints: number;
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
  /** The partition logs opened so far, for serving. */
  logs(): LedgerLog[];
}

interface PartitionLedger {
  log: TileLog;
  seen: RecentIds;
  decisions: DecisionIndex;
  view: LedgerLog;
}

const HEADER_REASON = 'palisade-dead-letter-reason';

/** Reads the last `window` entries to remember their record ids and decisions, so dedupe and receipts survive restarts. */
async function rebuildRecent(log: TileLog, window: number): Promise<{ seen: RecentIds; decisions: DecisionIndex }> {
  const seen = new RecentIds(window);
  const decisions = new DecisionIndex(window);
  const from = Math.max(log.prunedBelow(), log.size() - window);
  for await (const { index, entry } of log.entries(from)) {
    try {
      const value = JSON.parse(Buffer.from(entry).toString('utf8')) as { record_id?: unknown; decision_id?: unknown; phase?: unknown } | null;
      if (typeof value?.record_id === 'string') seen.add(value.record_id);
      if (typeof value?.decision_id === 'string' && (value.phase === 'decision' || value.phase === 'outcome')) decisions.addRecord(index, value.decision_id, value.phase);
    } catch {
      // Entries that are not records cannot collide with a record id; verify reports them.
    }
  }
  return { seen, decisions };
}

/** Joins the consumer group and starts consuming; resolves once the consumer is running. */
export async function startConsumer(options: ConsumerOptions): Promise<ConsumerHandle> {
  const { kafka, topic, groupId, ledgerDir, originPrefix, signer, logger } = options;
  const deadLetterTopic = `${topic}.dead-letter`;
  const window = options.dedupeWindow ?? 100_000;
  const clock = options.clock ?? Date.now;
  const validate = createRecordValidator();
  const log = logger.child({ component: 'audit-consumer', topic, groupId });
  const counters: ConsumerCounters = { appended: 0, duplicates: 0, deadLettered: 0, oversized: 0, batches: 0, checkpoints: 0 };
  const ledgers = new Map<number, Promise<PartitionLedger>>();
  const opened = new Map<number, PartitionLedger>();
  /** Partitions whose log refused to open because its journal is damaged: paused until an operator recovers it. */
  const refused = new Map<number, AuditError>();
  let running = false;
  let closing: Promise<void> | undefined;
  let failure: string | undefined;
  let retentionTimer: NodeJS.Timeout | undefined;

  const ledgerFor = (partition: number): Promise<PartitionLedger> => {
    let ledger = ledgers.get(partition);
    if (!ledger) {
      ledger = (async () => {
        const tileLog = await openTileLog({
          dir: join(ledgerDir, String(partition)),
          origin: `${originPrefix}/${partition}`,
          signer,
          fsync: options.fsync ?? true,
          checkpointEvery: options.checkpointEvery ?? 4096,
          checkpointIntervalMs: options.checkpointIntervalMs ?? 1000,
          onPublish: (p) => {
            counters.checkpoints++;
            log.debug({ partition, size: p.size }, 'checkpoint published');
          },
          onTornJournalTail: (t) => log.warn({ partition, file: t.file, offset: t.offset, bytes: t.bytes }, 'cut off an unacknowledged append a crash left incomplete in the journal'),
        });
        refused.delete(partition);
        const { seen, decisions } = await rebuildRecent(tileLog, window);
        log.info({ partition, size: tileLog.size(), remembered: seen.size }, 'partition log opened');
        const ready: PartitionLedger = { log: tileLog, seen, decisions, view: liveLedgerLog(String(partition), tileLog, decisions) };
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
  const newConsumer = (): Consumer =>
    kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
    });
  let consumer: Consumer = newConsumer();
  let restartTimer: NodeJS.Timeout | undefined;
  let restarts = 0;

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload, from: Consumer): Promise<void> => {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const { partition } = batch;
    let ledger: PartitionLedger;
    try {
      ledger = await ledgerFor(partition);
    } catch (err) {
      if (!(isAuditError(err) && err.code === 'AUD_ERR_JOURNAL_DAMAGED')) throw err;
      // Acknowledged records are at stake: this partition waits for `palisade-audit recover`, the others go on.
      if (!refused.has(partition)) {
        const { file, offset, copy } = err.data ?? {};
        log.error({ partition, code: err.code, file, offset, copy }, 'partition log journal is damaged; not consuming this partition until it is recovered');
      }
      refused.set(partition, err);
      from.pause([{ topic: batch.topic, partitions: [partition] }]);
      return;
    }
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
        counters.oversized++;
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
          await ledger.log.close().catch(() => undefined);
        }
        throw err;
      }
      const { firstIndex, size } = appended;
      freshIds.forEach((id) => ledger.seen.add(id));
      fresh.forEach((entry, k) => ledger.decisions.add(firstIndex + k, entry));
      counters.appended += fresh.length;
      log.debug({ partition, firstIndex, size }, 'records appended');
    }

    const last = batch.messages[batch.messages.length - 1]!.offset;
    resolveOffset(last);
    // The committed offset is the next one to read; it is only written once the appends are durable.
    await from.commitOffsets([{ topic: batch.topic, partition, offset: (BigInt(last) + 1n).toString() }]);
    counters.batches++;
    await heartbeat();
  };

  /** Connects a consumer, joins the group and starts consuming. */
  const launch = async (c: Consumer): Promise<void> => {
    c.on(c.events.CRASH, (event) => {
      log.error({ err: event.payload.error, restart: event.payload.restart }, 'consumer crashed');
      // kafkajs restarts by itself after retriable errors. Others (e.g. no group coordinator while
      // the broker is away) would stop consumption for good, so a fresh consumer takes over.
      if (!event.payload.restart && !closing) relaunchSoon();
    });
    await c.connect();
    await c.subscribe({ topics: [topic], fromBeginning: true });
    await c.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch: (payload) => eachBatch(payload, c) });
  };

  const relaunchSoon = (): void => {
    if (restartTimer || closing) return;
    running = false;
    failure = 'restarting after a crash';
    const delay = Math.min(10_000, 1000 * 2 ** Math.min(restarts++, 4));
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      const old = consumer;
      consumer = newConsumer();
      void old
        .disconnect()
        .catch(() => undefined)
        .then(() => launch(consumer))
        .then(() => {
          running = true;
          failure = undefined;
          restarts = 0;
          log.info('consumer restarted');
        })
        .catch((err: unknown) => {
          log.error({ err }, 'consumer restart failed; trying again');
          relaunchSoon();
        });
    }, delay);
    restartTimer.unref();
  };

  try {
    await producer.connect();
    await launch(consumer);
  } catch (err) {
    // Open connections would keep the process alive after a failed start.
    await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
    throw new AuditError('AUD_ERR_KAFKA_START', { cause: err, detail: `Topic ${topic}: ${err instanceof Error ? err.message : String(err)}` });
  }
  running = true;
  log.info({ ledgerDir, deadLetterTopic }, 'audit consumer started');

  if (options.retentionMs !== undefined) {
    const retentionMs = options.retentionMs;
    const prune = async (): Promise<void> => {
      for (const [partition, l] of opened) {
        try {
          const result = await pruneLog(l.log.dir, clock() - retentionMs, { fsync: options.fsync ?? true });
          if (result.removed > 0) log.info({ partition, prunedBelow: result.prunedBelow, removed: result.removed }, 'retention removed entry bundles');
        } catch (err) {
          log.error({ err, partition }, 'retention failed');
        }
      }
    };
    retentionTimer = setInterval(() => void prune(), options.retentionCheckMs ?? 3_600_000);
    retentionTimer.unref();
  }

  const close = (): Promise<void> => {
    closing ??= (async () => {
      running = false;
      if (retentionTimer) clearInterval(retentionTimer);
      if (restartTimer) clearTimeout(restartTimer);
      // Disconnecting the consumer waits for the batch in flight, so no append is cut short.
      await consumer.disconnect();
      await producer.disconnect();
      const settled = await Promise.allSettled(ledgers.values());
      // Closing publishes a checkpoint over everything appended, so a clean stop leaves nothing to replay.
      for (const r of settled) if (r.status === 'fulfilled') await r.value.log.close();
      log.info(counters, 'audit consumer stopped');
    })();
    return closing;
  };

  const status = (): ConsumerStatus => {
    const logs: Record<string, TileLogStatus> = {};
    for (const [partition, l] of opened) logs[String(partition)] = l.log.status();
    for (const [partition, err] of refused) {
      logs[String(partition)] = { ok: false, origin: `${originPrefix}/${partition}`, dir: join(ledgerDir, String(partition)), size: 0, published: 0, closed: true, error: `${err.code}: ${err.message}` };
    }
    const error = closing ? 'closed' : failure;
    return { ok: running && !failure && Object.values(logs).every((l) => l.ok), running, topic, deadLetterTopic, counters: { ...counters }, logs, ...(error ? { error } : {}) };
  };

  return { close, status, logs: () => [...opened.entries()].sort(([a], [b]) => a - b).map(([, l]) => l.view) };
}
