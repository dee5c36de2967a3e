// Audit ledger speed, each figure beside a baseline measured in the same run: group-fsync'd
// appends and single appends against raw fsync'd file appends, inclusion proofs from tiles
// against an all-in-memory tree, verification of a 1,000,000-entry log against merely reading
// and hashing it, and the latency durable audit adds to a request at 500 requests/s with a real
// Kafka broker (acks=all) against one raw produce round trip.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, openSync, closeSync, writeSync, fdatasyncSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import {
  MerkleTree,
  TILE_WIDTH,
  canonicalJson,
  decodeEntryBundle,
  entriesPath,
  generateNoteKey,
  leafHash,
  parseSigner,
  type AuditRecordV1,
} from '@palisade/audit-core';
import { openTileLog, verifyLedger } from '@palisade/audit-consumer';
import { createKafkaSink } from '../gateway/src/audit/kafka-sink.js';

const ROOT = resolve(import.meta.dirname, '..');
const execFileAsync = promisify(execFile);
const signer = parseSigner(generateNoteKey('bench.palisade/ledger', Buffer.alloc(32, 1)).skey);
const BATCHED = Number(process.env['BENCH_AUDIT_BATCHED'] ?? 200_000);
const SINGLES = Number(process.env['BENCH_AUDIT_SINGLES'] ?? 1_000);
const VERIFY_SIZE = Number(process.env['BENCH_AUDIT_VERIFY_SIZE'] ?? 1_000_000);
const PROOFS = 20_000;
const RATE = 500;
const KAFKA_SECONDS = Number(process.env['BENCH_AUDIT_KAFKA_S'] ?? 10);

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

/**
 * Valid, canonical AuditRecordV1 entries made fast: one canonical record with a fixed-width
 * counter in its record and decision ids, so a million entries cost string edits, not serialisation.
 */
function entryMaker(): (n: number) => Uint8Array {
  const record: AuditRecordV1 = {
    schema_version: 1,
    record_id: '01890a5d-ac96-7000-8000-RRRRRRRRRRRR',
    decision_id: '3f2504e0-4f89-41d3-9a0c-DDDDDDDDDDDD',
    phase: 'decision',
    timestamp: '2026-01-02T03:04:05.678Z',
    gateway_id: 'gw-bench',
    principal: { sub: 'analyst@example.com', iss: 'https://idp.example.com', tenant: 'acme', roles: ['analyst'], auth: 'oidc', app: 'support-bot' },
    request: { api: 'openai.chat', route: '/v1/chat/completions', model_requested: 'gpt-4o-mini', stream: false },
    classification: { labels: ['PII'], entities: { EMAIL_ADDRESS: { count: 1, max_score: 0.9 } }, injection: { score: 0.02, detected: false, signals: [] } },
    policy: { bundle: 'palisade', revision: 'sha256:abc', digest: 'sha256:def', entrypoint: 'palisade/request/decision', allow: true, reasons: [] },
    content: { mode: 'hash', key_id: '0123456789abcdef0123456789abcdef', request: { bytes: 120, commitment: 'a'.repeat(64) } },
  };
  const template = canonicalJson(record);
  return (n) => {
    const hex = n.toString(16).padStart(12, '0');
    return Buffer.from(template.replace('RRRRRRRRRRRR', hex).replace('DDDDDDDDDDDD', hex), 'utf8');
  };
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

/** One request's audit at `RATE` requests/s: its decision record, then its outcome record, each acknowledged by Kafka. */
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
  const lines: string[] = [];
  try {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'bench.audit', numPartitions: 2, replicationFactor: 1 }] });
    await admin.disconnect();
    const make = entryMaker();
    const recordOf = (n: number, phase: 'decision' | 'outcome'): AuditRecordV1 => {
      const r = JSON.parse(Buffer.from(make(n)).toString('utf8')) as AuditRecordV1;
      r.record_id = `01890a5d-ac96-7000-8000-${(2 * n + (phase === 'outcome' ? 1 : 0)).toString(16).padStart(12, '0')}`;
      r.phase = phase;
      if (phase === 'outcome') r.outcome = { status: 200, latency_ms: 3 };
      return r;
    };
    const run = async (audit: (n: number) => Promise<void>, seconds: number): Promise<number[]> => {
      const times: number[] = [];
      const pending: Promise<void>[] = [];
      const start = performance.now();
      for (let n = 0; n < RATE * seconds; n++) {
        // Open loop: request n starts at its slot whatever happened to the ones before.
        const due = start + (n * 1000) / RATE;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        pending.push(
          (async () => {
            const t = performance.now();
            await audit(n);
            times.push(performance.now() - t);
          })(),
        );
      }
      await Promise.all(pending);
      return times;
    };
    const measure = async (producers: number, offset: number): Promise<Stats> => {
      const sink = createKafkaSink({
        kafka,
        config: { brokers, topic: 'bench.audit', client_id: 'bench', ack_timeout_ms: 5000, linger_ms: 0, on_unavailable: 'reject', producers },
        logger: pino({ level: 'silent' }),
      });
      await sink.connect();
      await run(async (n) => sink.publish([recordOf(offset + n, 'decision')]), 2);
      const stats = percentiles(
        await run(async (n) => {
          await sink.publish([recordOf(offset + 10_000 + n, 'decision')]);
          await sink.publish([recordOf(offset + 10_000 + n, 'outcome')]);
        }, KAFKA_SECONDS),
      );
      await sink.close();
      return stats;
    };
    const single = await measure(1, 0);
    const lanes = await measure(4, 100_000);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const oneAtATime = percentiles(await (async () => {
      const times: number[] = [];
      for (let n = 0; n < 1000; n++) {
        const t = performance.now();
        await producer.send({ topic: 'bench.audit', acks: -1, messages: [{ key: String(n), value: Buffer.from(make(n)) }] });
        times.push(performance.now() - t);
      }
      return times;
    })());
    await producer.disconnect();
    lines.push(`durable audit per request at ${RATE} requests/s, real broker on loopback, acks=all (ms)`);
    lines.push(`  decision + outcome, 1 producer (default)   p50 ${f3(single.p50)}  p99 ${f3(single.p99)}`);
    lines.push(`  decision + outcome, 4 producer lanes       p50 ${f3(lanes.p50)}  p99 ${f3(lanes.p99)}`);
    lines.push(`  one raw produce round trip, nothing else   p50 ${f3(oneAtATime.p50)}  p99 ${f3(oneAtATime.p99)}   ratio p99 ${(single.p99 / oneAtATime.p99).toFixed(2)}x (two round trips are the floor)`);
  } finally {
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
