// `make bench ONLY=peers`: Palisade side by side with the gateways people would pick instead, on
// this machine, against one loopback upstream. Portkey's gateway always; LiteLLM's proxy too with
// BENCH_PEERS=portkey,litellm (its install takes minutes). scripts/peers.sh installs both, pinned,
// into the user's cache. Palisade runs its full pipeline with the ledger on disk, and on tmpfs to
// show what the disk's fsyncs cost. Rounds interleave the systems in rotating order, so a passing
// disturbance from other work on the machine touches them all alike; figures are medians over rounds.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawnChild } from './gateway.js';
import { firstContent, manyAtOnce, oneAtATime, pct } from './peers-measure.js';
import { cpuMs, rssMiB, stopProcess } from './peers-proc.js';
import { direct, startLiteLLM, startPalisade, startPortkey, type System } from './peers-systems.js';
import { goalsTable, measureFsync } from './peers-goals.js';
import { ratioTable, summarise, systemsTable, type Round } from './peers-table.js';
import { CHUNK_MS } from './peers-upstream.js';

const REPO = resolve(import.meta.dirname, '..');
const PEERS = (process.env['BENCH_PEERS'] ?? 'portkey').split(',').map((s) => s.trim()).filter((s) => s !== '');
const ROUNDS = Number(process.env['BENCH_PEERS_ROUNDS'] ?? 3);
const SEQUENTIAL = Number(process.env['BENCH_SEQUENTIAL'] ?? 1000);
const STREAMS = Number(process.env['BENCH_PEERS_STREAMS'] ?? 20);
const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 64);

interface Installed {
  version: string;
  program: string;
}

/** Installs one peer through scripts/peers.sh (nothing when it is already there). */
function install(name: string): Installed {
  const out = execFileSync('bash', [join(REPO, 'scripts/peers.sh'), name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [, version, program] = /^\S+ (\S+) (.+)$/m.exec(out) ?? [];
  if (version === undefined || program === undefined) throw new Error(`scripts/peers.sh printed no install line for ${name}`);
  return { version, program };
}

const loads = (): string => loadavg().map((l) => l.toFixed(2)).join(' / ');

async function measure(s: System, round: number, notes: string[]): Promise<Round> {
  const seq = await oneAtATime(s.target, SEQUENTIAL);
  const first = await firstContent(s.target, STREAMS);
  const before = cpuMs(s.pid);
  const many = await manyAtOnce(s.target, CONNECTIONS, DURATION_S);
  const used = cpuMs(s.pid) - before;
  if (many.failures !== '') notes.push(`${s.label}, round ${round}, ${CONNECTIONS} connections: ${many.failures}`);
  return {
    p50: pct(seq, 50),
    p99: pct(seq, 99),
    firstContent: pct(first, 50),
    okPerS: many.okPerS,
    failed: many.failed,
    cpuUs: (used / many.answered) * 1000,
    cores: used / many.wallMs,
    rssMiB: rssMiB(s.pid),
  };
}

const missed: Round = { p50: NaN, p99: NaN, firstContent: NaN, okPerS: NaN, failed: 0, cpuUs: NaN, cores: NaN, rssMiB: NaN };

export async function benchPeers(): Promise<string[]> {
  const notes: string[] = [];
  const installed = new Map<string, Installed>();
  for (const name of PEERS) {
    try {
      installed.set(name, install(name));
    } catch (e) {
      notes.push(`${name} not measured: its install failed (${(e as Error).message.split('\n')[0]})`);
    }
  }

  const loadBefore = loads();
  const upstream = spawnChild(['--import', 'tsx', join(REPO, 'bench/peers-upstream.ts')], /^\d+$/);
  const upstreamPort = Number(await upstream.line);
  const work = mkdtempSync(join(tmpdir(), 'palisade-peers-'));
  const systems: System[] = [direct(upstreamPort)];
  const lines: string[] = [];
  try {
    systems.push(await startPalisade('Palisade, ledger on disk', tmpdir(), upstreamPort));
    if (existsSync('/dev/shm')) systems.push(await startPalisade('Palisade, ledger on tmpfs', '/dev/shm', upstreamPort));
    else notes.push('no /dev/shm here: Palisade measured with its ledger on disk only');
    // Every core: one worker per core on the one port (docs/workers.md).
    if (availableParallelism() > 1) systems.push(await startPalisade(`Palisade, ${availableParallelism()} workers, ledger on disk`, tmpdir(), upstreamPort, { workers: availableParallelism() }));
    const starters: [string, (i: Installed) => Promise<System>][] = [
      ['portkey', (i) => startPortkey(i.program, work, upstreamPort)],
      ['litellm', (i) => startLiteLLM(i.program, work, upstreamPort)],
    ];
    for (const [name, start] of starters) {
      const i = installed.get(name);
      if (i === undefined) continue;
      try {
        systems.push(await start(i));
      } catch (e) {
        notes.push(`${name} not measured: ${(e as Error).message}`);
      }
    }

    // Warm every system (JIT, connection pools, WASM, caches) before anything is recorded; one
    // that fails here is left out with the reason rather than ending the run.
    for (const s of [...systems]) {
      try {
        await oneAtATime(s.target, 300);
        await firstContent(s.target, 5);
        await manyAtOnce(s.target, CONNECTIONS, 2);
      } catch (e) {
        if (s === systems[0]) throw e;
        notes.push(`${s.label} not measured: it failed while warming up (${(e as Error).message})`);
        systems.splice(systems.indexOf(s), 1);
        await s.stop();
      }
    }
    const rounds = new Map<string, Round[]>(systems.map((s) => [s.label, []]));
    const roundLoads: string[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      roundLoads.push(loads());
      for (let k = 0; k < systems.length; k++) {
        const s = systems[(k + r) % systems.length] as System;
        try {
          rounds.get(s.label)?.push(await measure(s, r + 1, notes));
        } catch (e) {
          rounds.get(s.label)?.push(missed);
          notes.push(`${s.label}, round ${r + 1}: ${(e as Error).message}`);
        }
      }
    }

    const baseline = rounds.get(systems[0]?.label ?? '') ?? [];
    const summaries = systems.slice(1).map((s) => summarise(s.label, rounds.get(s.label) ?? [], baseline));
    const ours = summaries.filter((s) => s.label.startsWith('Palisade'));
    const peers = summaries.filter((s) => !s.label.startsWith('Palisade'));
    const palisadeVersion = (JSON.parse(readFileSync(join(REPO, 'gateway/package.json'), 'utf8')) as { version: string }).version;
    const litellm = installed.get('litellm');
    const python = litellm === undefined ? '' : execFileSync(join(dirname(litellm.program), 'python'), ['--version'], { encoding: 'utf8' }).trim();
    lines.push(
      `Versions: Node ${process.version}, Palisade ${palisadeVersion}` +
        [...installed].map(([name, i]) => `, ${name === 'portkey' ? '@portkey-ai/gateway' : 'litellm[proxy]'} ${i.version}`).join('') +
        (python === '' ? '' : ` (${python})`),
      `${ROUNDS} rounds, systems in rotating order; per system and round: ${SEQUENTIAL} non-streamed requests one at a time, ${STREAMS} streams (a chunk every ${CHUNK_MS} ms) one at a time, then autocannon with ${CONNECTIONS} connections for ${DURATION_S} s.`,
      `Load average (1 / 5 / 15 min): before ${loadBefore}; at the start of each round ${roundLoads.join('; ')}; after ${loads()}.`,
      '',
      ...systemsTable(baseline, summaries, CONNECTIONS),
      '',
      ...(peers.length > 0 ? ratioTable(ours, peers) : ['(no peer measured, so no ratios)']),
      '',
      // The disk's fsync, measured where the on-disk ledger lives, after the rounds so it does not disturb them.
      ...goalsTable(ours, peers, { fsync: await measureFsync(tmpdir()), cores: availableParallelism(), chunkMs: CHUNK_MS }),
    );
  } finally {
    for (const s of systems) await s.stop();
    await stopProcess(upstream.proc);
    rmSync(work, { recursive: true, force: true });
  }
  if (notes.length > 0) lines.push('', ...notes.map((n) => `Note: ${n}`));
  return lines;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  for (const line of await benchPeers()) process.stdout.write(`${line}\n`);
}
