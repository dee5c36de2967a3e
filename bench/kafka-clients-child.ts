// One Kafka client measured alone in its own process, for `bench/kafka-clients.ts`: Node reports
// CPU per process, so two clients in one process would blur each other's CPU per record and idle
// cost. Run as `node --conditions=development --import tsx bench/kafka-clients-child.ts JOB`, with
// JOB the JSON of a `Job`; prints one line, the JSON of a `Result`.
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Producer, ProduceAcks, stringSerializer } from '@platformatic/kafka';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { NUMBERED_RECORD_HEAD, numberedRecords } from './numbered-records.js';
import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';

/** `none` connects nothing: its idle figure is what the Node process (with tsx) costs on its own. */
export const ClientName = z.enum(['kafkajs', '@platformatic/kafka', 'none']);
export type ClientName = z.infer<typeof ClientName>;

export const Job = z.object({
  /** `overlap`: no lane, every caller awaits its own send() on the shared producer. */
  mode: z.enum(['measure', 'overlap']),
  client: ClientName,
  brokers: z.array(z.string()),
  topic: z.string(),
  warmup: z.number().int(),
  sequential: z.number().int(),
  concurrent: z.number().int(),
  concurrency: z.number().int(),
  idleMs: z.number().int(),
});
export type Job = z.infer<typeof Job>;

export const Result = z.object({
  /** Process CPU (user + system, every thread) per second of wall time while connected and idle. */
  idleCpuUsPerS: z.number(),
  /**
   * The same, the median of its 1 s slices: V8's memory reducer runs a full GC or two some
   * seconds after a process goes quiet (tens of ms, in the main thread and in tsx's loader
   * thread), which lands in the mean but not here; a timer that never stops lands in both.
   */
  idleSliceCpuUsPerS: z.number(),
  sends: z
    .object({
      /** Records acknowledged, warm-up and the connecting send included: what the topic must hold. */
      sent: z.number(),
      seqP50Ms: z.number(),
      seqP99Ms: z.number(),
      seqCpuUsPerRecord: z.number(),
      concCpuUsPerRecord: z.number(),
      concRecordsPerS: z.number(),
      /** Produce requests the concurrent run took: batching differs with each client's speed. */
      concRequests: z.number(),
    })
    .nullable(),
});
export type Result = z.infer<typeof Result>;

export const OverlapResult = z.object({ acknowledged: z.number(), failed: z.number() });
export type OverlapResult = z.infer<typeof OverlapResult>;

/** What the gateway's sink hands a producer: keyed by decision id, two small headers. */
interface Message {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

interface Client {
  /** Resolves once the broker acknowledged every message (acks=all). */
  send(messages: Message[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Both clients as the sink configures kafkajs: idempotent, acks=all, one request in flight, no
 * topic auto-creation. @platformatic/kafka forces one request in flight and acks=all itself when
 * idempotent; its metadata is set to expire after kafkajs's default (5 minutes) rather than its
 * own 5 s, which would otherwise add a metadata round trip to one send every 5 s.
 */
async function connect(name: Exclude<ClientName, 'none'>, brokers: string[], topic: string): Promise<Client> {
  if (name === 'kafkajs') {
    const producer = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING }).producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    return {
      send: async (messages) => {
        await producer.send({ topic, acks: -1, messages });
      },
      close: () => producer.disconnect(),
    };
  }
  const producer = new Producer<string, Buffer, string, string>({
    clientId: 'bench',
    bootstrapBrokers: brokers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    autocreateTopics: false,
    metadataMaxAge: 300_000,
    serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
  });
  return {
    send: async (messages) => {
      await producer.send({ messages: messages.map((m) => ({ topic, key: m.key, value: m.value, headers: m.headers })) });
    },
    close: () => producer.close(),
  };
}

/**
 * Decision records of about 1.5 KB, made by string edits of one canonical record so that making
 * them costs next to nothing beside the client.
 */
export function messageMaker(): (n: number) => Message {
  const record: AuditRecordV1 = {
    ...NUMBERED_RECORD_HEAD,
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    principal: { sub: 'analyst@example.com', iss: 'https://idp.example.com', tenant: 'acme', roles: ['analyst', 'support'], auth: 'oidc', app: 'support-bot', credential_id: 'key-7f3a' },
    request: { api: 'openai.chat', route: '/v1/chat/completions', model_requested: 'gpt-4o-mini', stream: false, client_address: '10.1.2.3' },
    classification: {
      labels: ['PII', 'CONFIDENTIAL'],
      entities: { EMAIL_ADDRESS: { count: 1, max_score: 0.9, fields: ['messages[1].content'] }, PHONE_NUMBER: { count: 2, max_score: 0.75, fields: ['messages[1].content'] } },
      injection: { score: 0.02, detected: false, signals: [], tier: 'model' },
    },
    policy: {
      bundle: 'palisade',
      revision: 'sha256:3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b',
      digest: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      entrypoint: 'palisade/request/decision',
      allow: true,
      reasons: [{ code: 'PII_REDACTED', message: 'e-mail addresses are replaced by placeholders' }],
    },
    content: {
      mode: 'hash',
      key_id: '0123456789abcdef0123456789abcdef',
      request: { bytes: 1840, commitment: 'a'.repeat(64) },
    },
    limits: { tier: 'standard', key: 'tenant:acme', allowed: true, remaining: 4812 },
    redaction: { operators: { EMAIL_ADDRESS: 'placeholder', '*': 'mask' }, redacted: { EMAIL_ADDRESS: 1 } },
  };
  const numbered = numberedRecords(record);
  return (n) => {
    const { hex, text } = numbered(n);
    return { key: `3f2504e0-4f89-41d3-9a0c-${hex}`, value: Buffer.from(text, 'utf8'), headers: { record_id: `01890a5d-ac96-7000-8000-${hex}`, phase: 'decision' } };
  };
}

interface Waiter {
  message: Message;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Concurrent callers go through what the gateway's producer lane does with linger 0: a record
 * arriving while a send is in flight waits, and everything waiting goes in the next send. kafkajs
 * would otherwise queue each overlapping send as its own request behind a lock; @platformatic/kafka
 * numbers a request's records when it builds it and advances the sequence only on the answer, so
 * overlapping sends reuse sequence numbers and the broker drops them as duplicates (see `overlap`).
 */
function coalescing(client: Client): { submit: (m: Message) => Promise<void>; requests: () => number } {
  let waiting: Waiter[] = [];
  let inFlight = false;
  let requests = 0;
  const pump = (): void => {
    if (inFlight || waiting.length === 0) return;
    const batch = waiting;
    waiting = [];
    inFlight = true;
    requests++;
    client
      .send(batch.map((w) => w.message))
      .then(
        () => batch.forEach((w) => w.resolve()),
        (err: unknown) => batch.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        inFlight = false;
        pump();
      });
  };
  return {
    submit: (message) =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ message, resolve, reject });
        pump();
      }),
    requests: () => requests,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function cpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

async function idleCpu(ms: number): Promise<Pick<Result, 'idleCpuUsPerS' | 'idleSliceCpuUsPerS'>> {
  const slices: number[] = [];
  const cpuStart = cpuUs();
  const start = performance.now();
  for (let done = 0; done < ms; done += 1000) {
    const cpu0 = cpuUs();
    const t0 = performance.now();
    await sleep(Math.min(1000, ms - done));
    slices.push((cpuUs() - cpu0) / ((performance.now() - t0) / 1000));
  }
  slices.sort((a, b) => a - b);
  return { idleCpuUsPerS: (cpuUs() - cpuStart) / ((performance.now() - start) / 1000), idleSliceCpuUsPerS: percentile(slices, 50) };
}

async function run(job: Job): Promise<Result> {
  if (job.client === 'none') return { ...(await idleCpu(job.idleMs)), sends: null };
  const client = await connect(job.client, job.brokers, job.topic);
  const make = messageMaker();
  let next = 0;
  try {
    // The connecting send: @platformatic/kafka opens its connection and gets its producer id only
    // when it first sends, so both clients are fully connected before anything counts.
    await client.send([make(next++)]);
    for (let i = 0; i < job.warmup; i++) await client.send([make(next++)]);

    const idle = await idleCpu(job.idleMs);

    const latencies: number[] = [];
    let cpu0 = cpuUs();
    for (let i = 0; i < job.sequential; i++) {
      const message = make(next++);
      const t0 = performance.now();
      await client.send([message]);
      latencies.push(performance.now() - t0);
    }
    const seqCpuUsPerRecord = (cpuUs() - cpu0) / job.sequential;
    latencies.sort((a, b) => a - b);

    const lane = coalescing(client);
    const end = next + job.concurrent;
    cpu0 = cpuUs();
    const t0 = performance.now();
    const caller = async (): Promise<void> => {
      while (next < end) await lane.submit(make(next++));
    };
    await Promise.all(Array.from({ length: job.concurrency }, caller));
    const concMs = performance.now() - t0;
    const concCpuUsPerRecord = (cpuUs() - cpu0) / job.concurrent;

    return {
      ...idle,
      sends: {
        sent: next,
        seqP50Ms: percentile(latencies, 50),
        seqP99Ms: percentile(latencies, 99),
        seqCpuUsPerRecord,
        concCpuUsPerRecord,
        concRecordsPerS: job.concurrent / (concMs / 1000),
        concRequests: lane.requests(),
      },
    };
  } finally {
    await client.close();
  }
}

/** Whether overlapping send() calls keep every record: what the topic holds is counted by the caller. */
async function overlap(job: Job): Promise<OverlapResult> {
  if (job.client === 'none') return { acknowledged: 0, failed: 0 };
  const client = await connect(job.client, job.brokers, job.topic);
  const make = messageMaker();
  let next = 0;
  let acknowledged = 0;
  let failed = 0;
  try {
    await client.send([make(next++)]);
    acknowledged++;
    const caller = async (): Promise<void> => {
      while (next <= job.concurrent) {
        try {
          await client.send([make(next++)]);
          acknowledged++;
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: job.concurrency }, caller));
    return { acknowledged, failed };
  } finally {
    await client.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const job = Job.parse(JSON.parse(process.argv[2] ?? ''));
  const result = job.mode === 'overlap' ? await overlap(job) : await run(job);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
