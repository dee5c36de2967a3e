// Kafka clients side by side against one real local broker: kafkajs (the audit sink's client,
// unreleased since 2023) and @platformatic/kafka, with the same producer settings (idempotent,
// acks=all, one request in flight) and the same ~1.5 KB audit records. Each client runs in its own
// child process (`kafka-clients-child.ts`) so its CPU figures are its own; the clients take turns,
// in alternating order, for several rounds, and the table shows medians with every round's value.
// After each run the topic's offsets are read back to check it holds exactly what was acknowledged.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { z } from 'zod';
import { Job, OverlapResult, Result, messageMaker, type ClientName } from './kafka-clients-child.js';
import { median } from './peers-table.js';

const ROOT = resolve(import.meta.dirname, '..');
const CHILD = join(import.meta.dirname, 'kafka-clients-child.ts');
const execFileAsync = promisify(execFile);
const ROUNDS = Number(process.env['BENCH_KAFKA_CLIENTS_ROUNDS'] ?? 3);
const IDLE_S = Number(process.env['BENCH_KAFKA_CLIENTS_IDLE_S'] ?? 10);
const WARMUP = 200;
const SEQUENTIAL = 2_000;
const CONCURRENT = 20_000;
const CONCURRENCY = 64;
/** Records sent by overlapping send() calls in the correctness probe. */
const OVERLAP = 2_000;

type Measured = Exclude<ClientName, 'none'>;
const CLIENTS: readonly Measured[] = ['kafkajs', '@platformatic/kafka'];
/** One client's figures from one round. */
type Measurement = NonNullable<Result['sends']> & Omit<Result, 'sends'>;
const topicOf = (client: Measured, run: string): string => `bench.clients.${client === 'kafkajs' ? 'kafkajs' : 'platformatic'}.${run}`;

async function inChild<T>(job: Job, schema: z.ZodType<T>): Promise<T> {
  const { stdout } = await execFileAsync(process.execPath, ['--conditions=development', '--import', 'tsx', CHILD, JSON.stringify(job)], {
    cwd: ROOT,
    timeout: 240_000,
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return schema.parse(JSON.parse(last));
}

/** Records the single-partition topic holds: its high watermark less its low one. */
async function recordsOn(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

interface Row {
  label: string;
  value: (m: Measurement) => number;
  format: (n: number) => string;
}

const ROWS: Row[] = [
  { label: 'sequential, 1 at a time: p50 (ms)', value: (m) => m.seqP50Ms, format: (n) => n.toFixed(2) },
  { label: 'sequential, 1 at a time: p99 (ms)', value: (m) => m.seqP99Ms, format: (n) => n.toFixed(2) },
  { label: 'CPU per record, sequential (µs)', value: (m) => m.seqCpuUsPerRecord, format: count },
  { label: `CPU per record, ${CONCURRENCY} concurrent (µs)`, value: (m) => m.concCpuUsPerRecord, format: (n) => n.toFixed(1) },
  { label: `throughput, ${CONCURRENCY} concurrent (records/s; >1 is better)`, value: (m) => m.concRecordsPerS, format: count },
  { label: `idle CPU, connected, mean of ${IDLE_S} s (µs per s)`, value: (m) => m.idleCpuUsPerS, format: count },
  { label: 'idle CPU, connected, median 1 s slice (µs per s)', value: (m) => m.idleSliceCpuUsPerS, format: count },
];

export async function benchKafkaClients(): Promise<string[]> {
  const work = mkdtempSync(join(tmpdir(), 'palisade-bench-kafka-clients-'));
  const state = join(work, 'kafka');
  const load0 = loadavg()[0];
  let bootstrap: string;
  try {
    bootstrap = (await execFileAsync('bash', [join(ROOT, 'scripts/kafka.sh'), 'start', state], { timeout: 300_000 })).stdout.trim();
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    return [`kafka-clients: skipped, no broker could be started (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`];
  }
  const brokers = bootstrap.split(',');
  const admin = new Kafka({ clientId: 'bench-admin', brokers, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const runs = Array.from({ length: ROUNDS }, (_, r) => String(r + 1));
    const topics = CLIENTS.flatMap((c) => [...runs, 'overlap'].map((run) => topicOf(c, run)));
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })) });

    const job = (client: ClientName, topic: string, mode: Job['mode'] = 'measure'): Job => ({
      mode,
      client,
      brokers,
      topic,
      warmup: WARMUP,
      sequential: SEQUENTIAL,
      concurrent: mode === 'overlap' ? OVERLAP : CONCURRENT,
      concurrency: CONCURRENCY,
      idleMs: IDLE_S * 1000,
    });
    const results: Record<Measured, Measurement[]> = { kafkajs: [], '@platformatic/kafka': [] };
    const checks: Record<Measured, string[]> = { kafkajs: [], '@platformatic/kafka': [] };
    const bare: Omit<Result, 'sends'>[] = [];
    const loads: number[] = [];
    for (const [r, run] of runs.entries()) {
      bare.push(await inChild(job('none', ''), Result));
      // Alternating order, so neither client always runs on a broker the other just warmed or loaded.
      for (const client of r % 2 === 0 ? CLIENTS : [...CLIENTS].reverse()) {
        const { sends, ...idle } = await inChild(job(client, topicOf(client, run)), Result);
        loads.push(loadavg()[0]);
        if (!sends) throw new Error(`${client} reported no sends`);
        const held = await recordsOn(admin, topicOf(client, run));
        checks[client].push(`${count(held)}/${count(sends.sent)}${held === sends.sent ? '' : ' MISMATCH'}`);
        results[client].push({ ...sends, ...idle });
      }
    }
    const overlaps: string[] = [];
    for (const client of CLIENTS) {
      const topic = topicOf(client, 'overlap');
      const o = await inChild(job(client, topic, 'overlap'), OverlapResult);
      const held = await recordsOn(admin, topic);
      overlaps.push(`  ${client}: ${count(o.acknowledged)} acknowledged, ${o.failed} failed, ${count(held)} on the topic${held === o.acknowledged ? '' : ` (${count(o.acknowledged - held)} acknowledged records missing)`}`);
    }

    const size = messageMaker()(0).value.length;
    const lines = [
      `Kafka clients, each in its own process, one broker on loopback (Node ${process.version}; idempotent producer, acks=all, 1 partition, keyed ${size}-byte records with 2 headers)`,
      `${ROUNDS} rounds in alternating order; median (each round); load average ${load0.toFixed(2)} before, ${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)} during, ${availableParallelism()} CPUs`,
      `sequential: ${count(SEQUENTIAL)} sends after ${WARMUP} warm-up; concurrent: ${count(CONCURRENT)} records from ${CONCURRENCY} callers through one send at a time (as the sink's lane); ratio = @platformatic/kafka / kafkajs, <1 is better unless said`,
      '',
      '| | kafkajs | @platformatic/kafka | ratio |',
      '|---|---|---|---|',
    ];
    for (const row of ROWS) {
      const of = (client: Measured): number[] => results[client].map(row.value);
      const cell = (client: Measured): string => `${row.format(median(of(client)))} (${of(client).map(row.format).join(' / ')})`;
      const ratio = median(of('@platformatic/kafka')) / median(of('kafkajs'));
      lines.push(`| ${row.label} | ${cell('kafkajs')} | ${cell('@platformatic/kafka')} | ${ratio.toFixed(2)} |`);
    }
    const perRequest = (client: Measured): string => results[client].map((m) => (CONCURRENT / m.concRequests).toFixed(1)).join(' / ');
    lines.push(
      '',
      `bare Node process with tsx, no client, idle ${IDLE_S} s from its start (µs per s): mean ${count(median(bare.map((b) => b.idleCpuUsPerS)))} (${bare.map((b) => count(b.idleCpuUsPerS)).join(' / ')}), median 1 s slice ${count(median(bare.map((b) => b.idleSliceCpuUsPerS)))} (${bare.map((b) => count(b.idleSliceCpuUsPerS)).join(' / ')})`,
      `records per produce request, ${CONCURRENCY} concurrent: kafkajs ${perRequest('kafkajs')}; @platformatic/kafka ${perRequest('@platformatic/kafka')}`,
      ...CLIENTS.map((c) => `records on the topic / acknowledged, per round: ${c} ${checks[c].join(', ')}`),
      `overlapping send() calls on one idempotent producer, no lane (${CONCURRENCY} callers, ${count(OVERLAP + 1)} records):`,
      ...overlaps,
    );
    return lines;
  } finally {
    await admin.disconnect().catch(() => undefined);
    await execFileAsync('bash', [join(ROOT, 'scripts/kafka.sh'), 'stop', state], { timeout: 60_000 }).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}
