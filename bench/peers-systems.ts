// The systems the peers benchmark compares, each started as its own process on loopback and pointed
// at the same upstream: Palisade with its full pipeline, Portkey's gateway, LiteLLM's proxy.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { benchConfig, KEY, spawnChild } from './gateway.js';
import type { Target } from './peers-measure.js';
import { freePort, spawnPeer, stopProcess, waitReady, type Peer } from './peers-proc.js';

const REPO = resolve(import.meta.dirname, '..');
const UPSTREAM_KEY = 'sk-bench-upstream';

export interface System {
  label: string;
  target: Target;
  /** The process whose CPU time and memory are the system's cost; none for the upstream itself. */
  pid: number | undefined;
  stop: () => Promise<void>;
}

/** Palisade from dist/, bench/gateway.ts's configuration: API key, classification, WASM policy, fsync'd audit to the embedded ledger under `parent`. */
export async function startPalisade(label: string, parent: string, upstreamPort: number, options: { workers?: number } = {}): Promise<System> {
  if (!existsSync(join(REPO, 'gateway/dist/cli.js'))) throw new Error('gateway/dist is missing: build with `npx tsc -b` (make bench does)');
  const work = mkdtempSync(join(parent, 'palisade-peers-'));
  const config = benchConfig(work, upstreamPort);
  // Several workers: the primary and its workers are one system; their CPU and memory are summed.
  if (options.workers !== undefined) config['server'] = { ...(config['server'] as Record<string, unknown>), workers: options.workers };
  writeFileSync(join(work, 'gateway.json'), JSON.stringify(config));
  const child = spawnChild([join(REPO, 'gateway/bin/palisade.js'), 'serve', '--config', join(work, 'gateway.json')], /^Palisade is listening on /);
  const port = Number(/listening on http:\/\/[^ ]+:(\d+)/.exec(await child.line)?.[1]);
  return {
    label,
    target: { port, headers: { authorization: `Bearer ${KEY}` } },
    pid: child.proc.pid,
    stop: async () => {
      await stopProcess(child.proc);
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Starts a peer and waits until `GET readyPath` answers; on failure says why with the peer's last words. */
async function startPeer(name: string, program: string, args: string[], port: number, readyPath: string, cwd: string, env: NodeJS.ProcessEnv): Promise<Peer> {
  const peer = spawnPeer(program, args, { cwd, env });
  try {
    await waitReady(peer.proc, port, readyPath, 180_000);
  } catch (e) {
    await peer.stop();
    throw new Error(`${name} did not start: ${(e as Error).message}; its last output: ${peer.tail()}`, { cause: e });
  }
  return peer;
}

/**
 * Portkey's gateway as its package starts it (`--headless` leaves out the log viewer, which no
 * server deployment serves), routed per request by its headers: provider `openai` at a custom host.
 */
export async function startPortkey(main: string, work: string, upstreamPort: number): Promise<System> {
  const port = await freePort();
  const peer = await startPeer('Portkey', process.execPath, [main, `--port=${port}`, '--headless'], port, '/', work, process.env);
  return {
    label: 'Portkey',
    target: {
      port,
      headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `http://127.0.0.1:${upstreamPort}/v1`, authorization: `Bearer ${UPSTREAM_KEY}` },
    },
    pid: peer.proc.pid,
    stop: peer.stop,
  };
}

/**
 * LiteLLM's proxy with one model routed to the upstream and a master key (the proxy's own caller
 * authentication, as it is deployed), one worker.
 */
export async function startLiteLLM(program: string, work: string, upstreamPort: number): Promise<System> {
  const port = await freePort();
  const config = join(work, 'litellm.yaml');
  writeFileSync(
    config,
    [
      'model_list:',
      '  - model_name: bench',
      '    litellm_params:',
      '      model: openai/bench-model',
      `      api_base: http://127.0.0.1:${upstreamPort}/v1`,
      `      api_key: ${UPSTREAM_KEY}`,
      'general_settings:',
      `  master_key: ${KEY}`,
      '',
    ].join('\n'),
  );
  // The cost map ships with the package; without this the proxy tries to download a newer one at start.
  const env = { ...process.env, LITELLM_LOCAL_MODEL_COST_MAP: 'True', LITELLM_LOG: 'ERROR' };
  const args = ['--config', config, '--host', '127.0.0.1', '--port', String(port), '--num_workers', '1'];
  const peer = await startPeer('LiteLLM', program, args, port, '/health/liveliness', work, env);
  return { label: 'LiteLLM', target: { port, headers: { authorization: `Bearer ${KEY}` } }, pid: peer.proc.pid, stop: peer.stop };
}

/** The upstream called straight: the baseline every added figure is taken against. */
export function direct(upstreamPort: number): System {
  return { label: 'direct to the upstream', target: { port: upstreamPort, headers: {} }, pid: undefined, stop: async () => undefined };
}
