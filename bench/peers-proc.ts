// What a benchmarked system costs the machine, read from Linux's /proc, for the system's process
// and every process it started (a Python proxy may serve from worker processes), and the plumbing
// to start and stop systems that are not ours.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

function children(pid: number): number[] {
  try {
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return tasks.split(' ').filter((s) => s.trim() !== '').map(Number);
  } catch {
    return [];
  }
}

/** The process and its descendants. */
export function tree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i] as number));
  return all;
}

/** CPU time (user + system) used so far by a process and its descendants, in ms; NaN off Linux. */
export function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  let ticks = 0;
  for (const p of tree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): utime and stime are fields 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // A process that ended between the listing and the read has nothing left to count.
    }
  }
  // Linux reports clock ticks of 1/100 s on every platform Node runs on.
  return ticks * 10;
}

/** Resident memory of a process and its descendants, in MiB (shared pages counted once per process). */
export function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  let kib = 0;
  for (const p of tree(pid)) {
    try {
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // As above: gone before it could be read.
    }
  }
  return kib / 1024;
}

/** A port free on 127.0.0.1 now, for a program that must be told its port rather than report one. */
export function freePort(): Promise<number> {
  const probe = createServer();
  return new Promise((res, rej) => {
    probe.once('error', rej);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => res(port));
    });
  });
}

/** Resolves once `GET path` answers 200; rejects when the process exits first or after `timeoutMs`. */
export async function waitReady(proc: ChildProcess, port: number, path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`exited (${proc.exitCode ?? proc.signalCode}) before it was ready`);
    const status = await new Promise<number>((res) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: 1000 }, (r) => {
        r.resume();
        res(r.statusCode ?? 0);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => res(0));
      req.end();
    });
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not ready on port ${port} after ${timeoutMs} ms`);
}

export interface Peer {
  proc: ChildProcess;
  /** The last lines the program wrote to stderr, to say why it did not start. */
  tail: () => string;
  /** Stops the program and everything it started. */
  stop: () => Promise<void>;
}

/**
 * Starts a program that is not ours in a process group of its own, under coreutils' `timeout` so
 * that it stops by itself even if the benchmark dies, and so that stopping the group stops any
 * worker it forked too.
 */
export function spawnPeer(program: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Peer {
  const proc = spawn('timeout', ['--kill-after=10', '1800', program, ...args], { ...options, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  proc.stderr?.setEncoding('utf8');
  proc.stderr?.on('data', (d: string) => (tail = (tail + d).slice(-2000)));
  const signal = (s: NodeJS.Signals): void => {
    try {
      if (proc.pid !== undefined) process.kill(-proc.pid, s);
    } catch {
      // The group has already gone.
    }
  };
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((r) => proc.once('exit', () => r()));
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  };
  return { proc, tail: () => tail.trim().split('\n').slice(-3).join(' | '), stop };
}

/** SIGTERM, then SIGKILL if the process has not gone within 10 s. */
export async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const gone = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
}
