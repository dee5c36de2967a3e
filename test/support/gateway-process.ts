// `palisade serve` as its own process, as an operator runs it behind a load balancer: started from
// a configuration file, found by the address it prints, and stopped with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Not imported from gateway.ts, which starts gateways through this file.
const BIN = join(resolve(import.meta.dirname, '../..'), 'gateway/bin/palisade.js');
const LISTENING = /Palisade is listening on (http:\/\/127\.0\.0\.1:\d+)/;
/** Enough of the process's output to say why it failed, without keeping a whole run's log. */
const KEPT_OUTPUT_CHARS = 20_000;

export interface GatewayProcess {
  readonly url: string;
  readonly gatewayId: string;
  /** The process's latest output, for failure messages. */
  log(): string;
  /** Sends the process a signal, as an operator's `kill -SIGNAL` does. */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL if it has not exited within the grace period; resolves once it is gone. */
  stop(): Promise<void>;
}

/**
 * Writes `config` to `dir/gateway.json`, runs `palisade serve` on it and resolves once it prints
 * where it listens. The process also ends by itself after `maxLifetimeMs`, should nobody stop it.
 */
export async function startGatewayProcess(
  dir: string,
  config: Record<string, unknown>,
  options: { maxLifetimeMs: number; startTimeoutMs: number; /** Receives the process's log: every whole JSON line it writes (the banner is not one). */ lines?: string[] },
): Promise<GatewayProcess> {
  const file = join(dir, 'gateway.json');
  writeFileSync(file, JSON.stringify(config));
  const gatewayId = String((config['server'] as { gateway_id?: unknown }).gateway_id);
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--config', file], { cwd: resolve(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'pipe'], timeout: options.maxLifetimeMs });
  let output = '';
  const keep = (): ((d: Buffer) => void) => {
    let partial = '';
    return (d) => {
      const text = d.toString('utf8');
      output = (output + text).slice(-KEPT_OUTPUT_CHARS);
      if (options.lines === undefined) return;
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) if (line.startsWith('{')) options.lines.push(line);
    };
  };
  child.stdout?.on('data', keep());
  child.stderr?.on('data', keep());
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const stop = async (): Promise<void> => {
    if (running()) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (running()) child.kill('SIGKILL');
    }
    await exited;
  };

  const deadline = Date.now() + options.startTimeoutMs;
  for (;;) {
    const url = LISTENING.exec(output)?.[1];
    if (url !== undefined) return { url, gatewayId, log: () => output, signal: (signal) => void child.kill(signal), stop };
    if (!running() || Date.now() > deadline) {
      await stop();
      throw new Error(`palisade serve (${gatewayId}) did not start listening:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
