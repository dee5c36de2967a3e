// Where the gateway's CPU goes per request: the bench gateway (bench/gateway.ts's configuration,
// embedded ledger on disk) run under `node --cpu-prof` while autocannon holds 64 connections for
// BENCH_DURATION_S seconds, then the profile's samples summed by where their code lives: each
// folder of the gateway's sources, our other packages, each npm package, Node's own internals,
// and V8's garbage collector and compiler. Self time only, so the parts add up to the whole.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { benchConfig, KEY, spawnChild } from './gateway.js';

const REPO = resolve(import.meta.dirname, '..');
const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 64);
const WARMUP_S = 3;
/** Where to keep the .cpuprofile, when set. */
const KEEP = process.env['BENCH_PROFILE_OUT'];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber?: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The part of the system a sample's code belongs to. */
/** Node's own modules by what they do: node:internal/streams/… and node:stream are both streams. */
function nodeArea(url: string): string {
  const name = url.replace(/^node:(internal\/)?/, '').replace(/^deps\//, '');
  if (/^_?http|^http/.test(name)) return 'HTTP';
  if (/^(streams|stream)/.test(name)) return 'streams';
  if (/^(net|stream_base_commons|dgram|tls)/.test(name)) return 'sockets';
  if (/^(fs|modules|vm)/.test(name)) return 'files and modules';
  if (/^(timers|process|async_hooks|event_target|events)/.test(name)) return 'timers, events and ticks';
  if (/^(crypto|webstreams)/.test(name)) return 'crypto';
  if (/^(url|querystring|util|buffer|encoding)/.test(name)) return 'url, util and buffers';
  if (/^(perf_hooks|histogram)/.test(name)) return 'perf_hooks';
  return name.split('/')[0] ?? 'other';
}

export function partOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (url === '') {
    if (functionName === '(garbage collector)') return 'V8: garbage collection';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return 'V8 and native code (program)';
    return `V8: ${functionName || 'other'}`;
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1] !== undefined && !pkg[1].startsWith('@palisade/')) return `npm: ${pkg[1]}`;
  const own = /\/(gateway|audit-consumer)\/(?:dist|src)\/([^/]+)(\/|\.js)/.exec(url);
  if (own?.[2] !== undefined) return own[3] === '/' ? `${own[1]}/${own[2]}/` : `${own[1]}: top-level files`;
  const packaged = /\/packages\/([^/]+)\//.exec(url);
  if (packaged?.[1] !== undefined) return `packages/${packaged[1]}`;
  if (url.startsWith('wasm://')) return 'policy WebAssembly (opa)';
  if (url.startsWith('node:')) return `Node: ${nodeArea(url)}`;
  return 'other';
}

export function summariseProfile(profile: CpuProfile): { part: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parts = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (node === undefined) return;
    const part = partOf(node);
    parts.set(part, (parts.get(part) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...parts].map(([part, ms]) => ({ part, ms })).sort((a, b) => b.ms - a.ms);
}

/** Self time by function, for the functions of our own code (gateway, consumer and packages). */
export function ownFunctions(profile: CpuProfile): { fn: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const fns = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const own = frame === undefined ? null : /\/(gateway|audit-consumer|packages\/[^/]+)\/(?:dist|src)\/(.+)$/.exec(frame.url);
    if (frame === undefined || own === null) return;
    const fn = `${frame.functionName || '(anonymous)'} (${own[1]}/${own[2]}:${(frame.lineNumber ?? 0) + 1})`;
    fns.set(fn, (fns.get(fn) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...fns].map(([fn, ms]) => ({ fn, ms })).sort((a, b) => b.ms - a.ms);
}

const requestBody = JSON.stringify({
  model: 'bench',
  messages: [
    { role: 'system', content: 'You are a helpful assistant for a regulated bank.' },
    { role: 'user', content: 'Summarise the attached quarterly report in three bullet points, with figures. '.repeat(6) },
  ],
});

async function load(port: number, seconds: number): Promise<number> {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: requestBody,
  });
  return r['2xx'];
}

export async function benchProfile(): Promise<string[]> {
  const work = mkdtempSync(join(tmpdir(), 'palisade-profile-'));
  const profiles = join(work, 'profiles');
  const upstream = spawnChild(['--import', 'tsx', join(REPO, 'bench/upstream.ts')]);
  try {
    const upstreamPort = Number(await upstream.line);
    writeFileSync(join(work, 'gateway.json'), JSON.stringify(benchConfig(work, upstreamPort)));
    // --cpu-prof profiles the whole life of the process: start-up and warm-up are in it too, a
    // second or two against the run's many.
    const gateway = spawnChild(['--cpu-prof', `--cpu-prof-dir=${profiles}`, join(REPO, 'gateway/bin/palisade.js'), 'serve', '--config', join(work, 'gateway.json')], /^Palisade is listening on /);
    const port = Number(/:(\d+)/.exec(await gateway.line)?.[1]);
    const answered = (await load(port, WARMUP_S)) + (await load(port, DURATION_S));
    const exited = new Promise<void>((r) => gateway.proc.once('exit', () => r()));
    gateway.proc.kill('SIGTERM');
    await exited;
    const file = readdirSync(profiles).find((f) => f.endsWith('.cpuprofile'));
    if (file === undefined) return ['no profile was written'];
    // To open in Chrome DevTools or speedscope as a flame graph.
    if (KEEP !== undefined) copyFileSync(join(profiles, file), KEEP);
    const profile = JSON.parse(readFileSync(join(profiles, file), 'utf8')) as CpuProfile;
    const parts = summariseProfile(profile);
    const busy = parts.filter((p) => p.part !== '(idle)');
    const total = busy.reduce((a, p) => a + p.ms, 0);
    const lines = [
      `Gateway under --cpu-prof: ${CONNECTIONS} connections for ${WARMUP_S} s of warm-up and ${DURATION_S} s more, ${answered} answered with 2xx; the profile covers start-up too: ${total.toFixed(0)} ms busy in all, ${((total / answered) * 1000).toFixed(0)} µs per answer.`,
      '',
      '| part | busy ms | share | µs per answer |',
      '|---|---:|---:|---:|',
      ...busy.slice(0, 25).map((p) => `| ${p.part} | ${p.ms.toFixed(0)} | ${((p.ms / total) * 100).toFixed(1)}% | ${((p.ms / answered) * 1000).toFixed(0)} |`),
      '',
      'Our own functions with the most self time (the compiled files; line numbers are of dist/):',
      '',
      '| function | µs per answer |',
      '|---|---:|',
      ...ownFunctions(profile).slice(0, 20).map((f) => `| ${f.fn} | ${((f.ms / answered) * 1000).toFixed(1)} |`),
    ];
    return lines;
  } finally {
    upstream.proc.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
}
