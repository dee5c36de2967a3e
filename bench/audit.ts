// Audit ledger speed, each figure beside a baseline measured in the same run: group-fsync'd
// appends and single appends against raw fsync'd file appends, inclusion proofs from tiles
// against an all-in-memory tree, verification of a 1,000,000-entry log against merely reading
// and hashing it, and the latency durable audit adds to a request with a real Kafka broker
// (acks=all), at 500 requests/s and one at a time, against one bare produce round trip.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, openSync, closeSync, writeSync, fdatasyncSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import {
  MerkleTree,
  TILE_WIDTH,
  decodeEntryBundle,
  entriesPath,
  generateNoteKey,
  leafHash,
  parseSigner,
  type AuditRecordV1,
} from '@palisade/audit-core';
import { NUMBERED_RECORD_HEAD, numberedRecords } from './numbered-records.js';
import { openTileLog, verifyLedger } from '@palisade/ledger';
import { createKafkaSink } from '../gateway/src/audit/kafka-sink.js';

const ROOT = resolve(import.meta.dirname, '..');
const execFileAsync = promisify(execFile);
const signer = parseSigner(generateNoteKey('bench.palisade/ledger', Buffer.alloc(32, 1)).skey);
const BATCHED = Number(process.env['BENCH_AUDIT_BATCHED'] ?? 200_000);
const SINGLES = Number(process.env['BENCH_AUDIT_SINGLES'] ?? 1_000);
const VERIFY_SIZE = Number(process.env['BENCH_AUDIT_VERIFY_SIZE'] ?? 1_000_000);
const PROOFS = 20_000;
const RATE = 500;
/** Seconds of each measured run at RATE, and how many rounds of every kind are interleaved. */
const KAFKA_SECONDS = Number(process.env['BENCH_AUDIT_KAFKA_S'] ?? 5);
const KAFKA_ROUNDS = Number(process.env['BENCH_AUDIT_KAFKA_ROUNDS'] ?? 3);

interface Stats {
  p50: number;
  p99: number;
}

function percentiles(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
  return { p50: at(50), p99: at(99) };
}

const f1 = (n: number): string => n.toFixed(1);
const f3 = (n: number): string => n.toFixed(3);
const rate = (n: number, ms: number): string => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')}/s`;

/** Valid, canonical AuditRecordV1 entries made fast (numbered-records.ts). */
function entryMaker(): (n: number) => Uint8Array {
  const record: AuditRecordV1 = {
    ...NUMBERED_RECORD_HEAD,
    principal: { sub: 'analyst@example.com', iss: 'https://idp.example.com', tenant: 'acme', roles: ['analyst'], auth: 'oidc', app: 'support-bot' },
    request: { api: 'openai.chat', route: '/v1/chat/completions', model_requested: 'gpt-4o-mini', stream: false },
    classification: { labels: ['PII'], entities: { EMAIL_ADDRESS: { count: 1, max_score: 0.9 } }, injection: { score: 0.02, detected: false, signals: [] } },
    policy: { bundle: 'palisade', revision: 'sha256:abc', digest: 'sha256:def', entrypoint: 'palisade/request/decision', allow: true, reasons: [] },
    content: { mode: 'hash', key_id: '0123456789abcdef0123456789abcdef', request: { bytes: 120, commitment: 'a'.repeat(64) } },
  };
  const numbered = numberedRecords(record);
  return (n) => Buffer.from(numbered(n).text, 'utf8');
}

/** The disk's own cost: the same bytes appended to a plain file with one fdatasync per batch. */
function rawAppends(dir: string, batches: readonly Uint8Array[][]): number {
  const fd = openSync(join(dir, 'raw.dat'), 'a');
  const t0 = performance.now();
  for (const batch of batches) {
    writeSync(fd, Buffer.concat(batch));
    fdatasyncSync(fd);
  }
  const ms = performance.now() - t0;
  closeSync(fd);
  return ms;
}

async function benchAppends(work: string, make: (n: number) => Uint8Array): Promise<string[]> {
  const lines: string[] = [];
  const entries = Array.from({ length: BATCHED }, (_, i) => make(i));
  const batches: Uint8Array[][] = [];
  for (let i = 0; i < entries.length; i += 1000) batches.push(entries.slice(i, i + 1000));
  const log = await openTileLog({ dir: join(work, 'appends'), origin: 'bench.palisade/ledger/0', signer, checkpointEvery: 65_536, checkpointIntervalMs: 1000 });
  const t0 = performance.now();
  for (const b of batches) await log.append(b);
  await log.publishCheckpoint();
  const ours = performance.now() - t0;
  const raw = rawAppends(work, batches);
  lines.push(`appends, batches of 1,000 (${entries[0]!.length}-byte records, journal fdatasync per batch, checkpoint every 65,536)`);
  lines.push(`  ledger    ${rate(BATCHED, ours)}   (tiles, bundles and signed checkpoints included)`);
  lines.push(`  raw file  ${rate(BATCHED, raw)}   ratio ${(ours / raw).toFixed(2)}x the raw time`);

  const singles: number[] = [];
  for (let i = 0; i < SINGLES; i++) {
    const t = performance.now();
    await log.append([make(BATCHED + i)]);
    singles.push(performance.now() - t);
  }
  await log.close();
  const rawSingles: number[] = [];
  const fd = openSync(join(work, 'raw-single.dat'), 'a');
  for (let i = 0; i < SINGLES; i++) {
    const t = performance.now();
    writeSync(fd, make(i));
    fdatasyncSync(fd);
    rawSingles.push(performance.now() - t);
  }
  closeSync(fd);
  const s = percentiles(singles);
  const r = percentiles(rawSingles);
  lines.push('', `single-record appends, one after another (ms; what one embedded request waits for, twice)`);
  lines.push(`  ledger    p50 ${f3(s.p50)}  p99 ${f3(s.p99)}  = ${rate(SINGLES, singles.reduce((a, b) => a + b, 0))}`);
  lines.push(`  raw file  p50 ${f3(r.p50)}  p99 ${f3(r.p99)}   ratio p50 ${(s.p50 / r.p50).toFixed(2)}x`);
  return lines;
}

async function benchLargeLog(work: string, make: (n: number) => Uint8Array): Promise<string[]> {
  const lines: string[] = [];
  const dir = join(work, 'large');
  const log = await openTileLog({ dir, origin: 'bench.palisade/ledger/1', signer, checkpointEvery: 262_144, tileCacheBytes: 96 * 1024 * 1024 });
  const tree = new MerkleTree();
  const t0 = performance.now();
  for (let i = 0; i < VERIFY_SIZE; i += 10_000) {
    const batch = Array.from({ length: Math.min(10_000, VERIFY_SIZE - i) }, (_, k) => make(i + k));
    await log.append(batch);
    for (const e of batch) tree.appendEntry(e);
  }
  await log.publishCheckpoint();
  const built = performance.now() - t0;
  lines.push(`a log of ${VERIFY_SIZE.toLocaleString('en-US')} entries written in ${f1(built / 1000)} s (${rate(VERIFY_SIZE, built)}, in-memory reference tree included)`, '');

  const indexes = Array.from({ length: PROOFS }, () => Math.floor(Math.random() * VERIFY_SIZE));
  const cold: number[] = [];
  for (const i of indexes.slice(0, 2000)) {
    const t = performance.now();
    await log.proveInclusion(i);
    cold.push(performance.now() - t);
  }
  // Warm every tile once, as a long-running server has.
  for (let i = 0; i < VERIFY_SIZE; i += 128) await log.proveInclusion(i);
  const warm: number[] = [];
  for (const i of indexes) {
    const t = performance.now();
    await log.proveInclusion(i);
    warm.push(performance.now() - t);
  }
  const mem: number[] = [];
  for (const i of indexes) {
    const t = performance.now();
    tree.proveInclusion(i);
    mem.push(performance.now() - t);
  }
  await log.close();
  const c = percentiles(cold);
  const w = percentiles(warm);
  const m = percentiles(mem);
  lines.push(`inclusion proofs at random indexes of ${VERIFY_SIZE.toLocaleString('en-US')} (µs)`);
  lines.push(`  tiles, cached      p50 ${f1(w.p50 * 1000)}  p99 ${f1(w.p99 * 1000)}`);
  lines.push(`  tiles, first read  p50 ${f1(c.p50 * 1000)}  p99 ${f1(c.p99 * 1000)}   (reads the tile and hashes its inner nodes once)`);
  lines.push(`  in-memory tree     p50 ${f1(m.p50 * 1000)}  p99 ${f1(m.p99 * 1000)}   ratio cached p50 ${(w.p50 / m.p50).toFixed(2)}x`, '');

  // As an auditor runs it: the built command, which checks entries on worker threads.
  const cli = join(ROOT, 'audit-consumer/bin/palisade-audit.js');
  const v0 = performance.now();
  const run = await execFileAsync(process.execPath, [cli, 'verify', dir, '--vkey', signer.vkey], { timeout: 600_000 }).catch((err: unknown) => err as { stdout?: string; stderr?: string });
  const verified = performance.now() - v0;
  if (!run.stdout?.startsWith('OK')) lines.push(`  verify FAILED: ${run.stderr ?? ''}`);
  const threads = Math.min(4, availableParallelism());
  // The same check in this thread, through the library.
  const l0 = performance.now();
  const report = await verifyLedger(dir, { vkey: signer.vkey, workers: 0 });
  const inThread = performance.now() - l0;
  if (!report.ok) lines.push(`  verify FAILED: ${report.logs[0]?.problems[0]?.message ?? ''}`);
  // The floor: read every bundle and hash every entry, checking nothing.
  const h0 = performance.now();
  for (let b = 0; b * TILE_WIDTH < VERIFY_SIZE; b++) {
    const width = Math.min(TILE_WIDTH, VERIFY_SIZE - b * TILE_WIDTH);
    const data = await readFile(join(dir, width === TILE_WIDTH ? entriesPath(b) : entriesPath(b, width)));
    for (const e of decodeEntryBundle(data)) leafHash(e);
  }
  const floor = performance.now() - h0;
  lines.push(`verify of ${VERIFY_SIZE.toLocaleString('en-US')} entries (schema, canonical form, every tile, root, signature)`);
  lines.push(`  palisade-audit verify, ${threads} worker threads   ${f1(verified / 1000)} s  (${rate(VERIFY_SIZE, verified)})`);
  lines.push(`  verifyLedger in one thread            ${f1(inThread / 1000)} s  (${rate(VERIFY_SIZE, inThread)})`);
  lines.push(`  read and hash only, one thread        ${f1(floor / 1000)} s   ratio ${(verified / floor).toFixed(2)}x (command) ${(inThread / floor).toFixed(2)}x (one thread)`);
  return lines;
}

/** Latency samples of one measured run, with what the gateway's own process did meanwhile. */
interface Run {
  times: number[];
  /** 99th percentile of event-loop delay (ms): stalls on our side of the round trip. */
  loopDelayP99: number;
  /** Node CPU time per request (µs): kafkajs encoding, socket writes and our batching. */
  cpuPerRequest: number;
}

/** Runs `work` at `rate` per second (open loop: request n starts at its slot whatever happened to the ones before) or one after another. */
async function drive(work: () => Promise<void>, count: number, rate?: number): Promise<Run> {
  const times: number[] = [];
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let n = 0; n < count; n++) {
    const one = async (): Promise<void> => {
      const t = performance.now();
      await work();
      times.push(performance.now() - t);
    };
    if (rate === undefined) {
      await one();
      continue;
    }
    const wait = start + (n * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(one());
  }
  await Promise.all(pending);
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  return { times, loopDelayP99: loop.percentile(99) / 1e6, cpuPerRequest: (cpu.user + cpu.system) / count };
}

/** Runs of one kind gathered over interleaved rounds, so a burst of load elsewhere lands on every kind alike. */
class Gathered {
  private readonly times: number[] = [];
  private readonly roundP99: number[] = [];
  private readonly delays: number[] = [];
  private readonly cpu: number[] = [];
  add(run: Run): void {
    this.times.push(...run.times);
    this.roundP99.push(percentiles(run.times).p99);
    this.delays.push(run.loopDelayP99);
    this.cpu.push(run.cpuPerRequest);
  }
  stats(): Stats {
    return percentiles(this.times);
  }
  line(label: string, floor?: Stats): string {
    const s = this.stats();
    const ratio = floor ? `   ratio p50 ${(s.p50 / floor.p50).toFixed(1)}x p99 ${(s.p99 / floor.p99).toFixed(1)}x` : '';
    const extra = `p99 by round ${this.roundP99.map(f1).join('/')}; loop delay p99 ${this.delays.map(f1).join('/')}; ${Math.round(this.cpu.reduce((a, b) => a + b, 0) / this.cpu.length)} µs Node CPU each`;
    return `  ${label.padEnd(38)} p50 ${f3(s.p50)}  p99 ${f3(s.p99)}${ratio}   (${extra})`;
  }
}

/**
 * The latency durable audit adds to one request (its decision record, then its outcome record,
 * each acknowledged by a real broker with acks=all) at `RATE` requests/s and one request at a
 * time, beside one bare produce round trip from the same client in the same run.
 */
async function benchKafka(work: string): Promise<string[]> {
  const state = join(work, 'kafka');
  let bootstrap: string;
  try {
    bootstrap = (await execFileAsync('bash', [join(ROOT, 'scripts/kafka.sh'), 'start', state], { timeout: 300_000 })).stdout.trim();
  } catch (err) {
    return [`kafka: skipped, no broker could be started (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`];
  }
  const brokers = bootstrap.split(',');
  const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING });
  const topic = 'bench.audit';
  const lines: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  try {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2, replicationFactor: 1 }] });
    await admin.disconnect();
    const make = entryMaker();
    let next = 0;
    const recordOf = (n: number, phase: 'decision' | 'outcome'): AuditRecordV1 => {
      const r = JSON.parse(Buffer.from(make(n)).toString('utf8')) as AuditRecordV1;
      r.record_id = `01890a5d-ac96-7000-8000-${(2 * n + (phase === 'outcome' ? 1 : 0)).toString(16).padStart(12, '0')}`;
      r.phase = phase;
      if (phase === 'outcome') r.outcome = { status: 200, latency_ms: 3 };
      return r;
    };
    const sinkWith = async (producers: number): Promise<() => Promise<void>> => {
      const sink = createKafkaSink({
        kafka,
        config: { brokers, topic, client_id: 'bench', ack_timeout_ms: 5000, linger_ms: 0, on_unavailable: 'reject', producers },
        logger: pino({ level: 'silent' }),
      });
      await sink.connect();
      closers.push(() => sink.close());
      // As the pipeline does: the outcome is published once the decision is acknowledged.
      return async () => {
        const n = next++;
        await sink.publish([recordOf(n, 'decision')]);
        await sink.publish([recordOf(n, 'outcome')]);
      };
    };
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    closers.push(() => producer.disconnect());
    const raw = async (): Promise<void> => {
      const n = next++;
      await producer.send({ topic, acks: -1, messages: [{ key: String(n), value: Buffer.from(make(n)) }] });
    };
    const kinds = { one: await sinkWith(1), four: await sinkWith(4) };

    const load0 = loadavg()[0]!;
    // The broker's JIT and the client's connections warm up before anything counts.
    await drive(raw, 1000);
    await drive(kinds.one, RATE * 3, RATE);
    await drive(kinds.four, RATE * 3, RATE);
    const g = { raw: new Gathered(), c1: new Gathered(), one: new Gathered(), four: new Gathered() };
    for (let round = 0; round < KAFKA_ROUNDS; round++) {
      g.raw.add(await drive(raw, 1000));
      g.c1.add(await drive(kinds.four, 1000));
      g.one.add(await drive(kinds.one, RATE * KAFKA_SECONDS, RATE));
      g.four.add(await drive(kinds.four, RATE * KAFKA_SECONDS, RATE));
    }
    const load1 = loadavg()[0]!;
    const floor = g.raw.stats();
    lines.push(`durable audit added per request: decision, then outcome, each acknowledged by a real broker (acks=all, loopback), ${KAFKA_ROUNDS} interleaved rounds, load average ${load0.toFixed(1)} -> ${load1.toFixed(1)} on ${availableParallelism()} CPUs (ms)`);
    lines.push(g.raw.line('one bare produce round trip (floor)'));
    lines.push(g.c1.line('one request at a time, 4 producers', floor));
    lines.push(g.one.line(`${RATE} requests/s, 1 producer`, floor));
    lines.push(g.four.line(`${RATE} requests/s, 4 producers (default)`, floor));
    lines.push('  (a request waits for two round trips in a row: its p50 cannot go below 2x the bare round trip)');
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await execFileAsync('bash', [join(ROOT, 'scripts/kafka.sh'), 'stop', state], { timeout: 60_000 }).catch(() => undefined);
  }
  return lines;
}

export async function benchAudit(): Promise<string[]> {
  const work = mkdtempSync(join(tmpdir(), 'palisade-bench-audit-'));
  const make = entryMaker();
  try {
    const digest = createHash('sha256').update(make(0)).digest('hex').slice(0, 8);
    const lines = [`Audit ledger (Node ${process.version}; sample record ${make(0).length} bytes, ${digest})`, ''];
    lines.push(...(await benchAppends(work, make)), '');
    lines.push(...(await benchLargeLog(work, make)), '');
    lines.push(...(await benchKafka(work)));
    return lines;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
