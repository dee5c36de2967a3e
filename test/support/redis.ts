// Real Redis servers for tests: a private redis-server per test file on a free loopback port, with
// no persistence, stopped by the test (and by `timeout` if the test process dies first).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { REPO } from './gateway.js';

const execFileAsync = promisify(execFile);
/** A first run installs redis-server with apt-get (scripts/redis.sh). */
const ENSURE_TIMEOUT_MS = 300_000;
const READY_TIMEOUT_MS = 15_000;
/** redis-server exits by itself after this long even if nobody stops it. */
const MAX_LIFETIME = '20m';

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** A plain client for inspecting what the gateway wrote; closed by stop(). */
  readonly client: Redis;
  /** Stops the server, runs `during`, then starts it again on the same port (empty: nothing is persisted). */
  outage(during: () => Promise<void>): Promise<void>;
  /** Stops the server and deletes its directory. */
  stop(): Promise<void>;
}

let serverPath: Promise<string> | undefined;

function redisServerPath(): Promise<string> {
  serverPath ??= execFileAsync('bash', [join(REPO, 'scripts/redis.sh'), 'ensure'], { timeout: ENSURE_TIMEOUT_MS }).then(({ stdout }) => stdout.trim());
  return serverPath;
}

/** A port nobody listens on right now (the kernel's choice for port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address !== 'object') throw new Error('no port');
  return address.port;
}

function waitReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`redis-server not ready after ${READY_TIMEOUT_MS} ms:\n${out}`)), READY_TIMEOUT_MS);
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) done();
    };
    const onExit = (code: number | null): void => fail(new Error(`redis-server exited with ${code}:\n${out}`));
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    const done = (): void => {
      cleanup();
      resolve();
    };
    const fail = (err: Error): void => {
      cleanup();
      child.kill('SIGTERM');
      reject(err);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

function spawnServer(binary: string, port: number, dir: string): ChildProcess {
  return spawn('timeout', [MAX_LIFETIME, binary, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // `timeout` passes SIGTERM on to redis-server and exits once it has.
  child.kill('SIGTERM');
  await exited;
}

export async function startRedis(): Promise<RedisServer> {
  const binary = await redisServerPath();
  const dir = await mkdtemp(join(tmpdir(), 'palisade-redis-'));
  let lastError: unknown;
  // Another process may take the free port before redis-server binds it; try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    let child = spawnServer(binary, port, dir);
    try {
      await waitReady(child);
    } catch (err) {
      lastError = err;
      continue;
    }
    child.stdout?.resume();
    child.stderr?.resume();
    const url = `redis://127.0.0.1:${port}`;
    const client = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 2000 });
    let stopped = false;
    return {
      url,
      port,
      client,
      async outage(during) {
        await stopServer(child);
        try {
          await during();
        } finally {
          child = spawnServer(binary, port, dir);
          await waitReady(child);
          child.stdout?.resume();
          child.stderr?.resume();
        }
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        client.disconnect();
        await stopServer(child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error('could not start redis-server', { cause: lastError });
}

/**
 * A Redis that hangs: it answers the client's ready check (INFO) and then never answers again, as
 * a stuck or overloaded server would.
 */
export async function startHangingRedis(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    let readyCheckDone = false;
    s.on('data', (d: Buffer) => {
      // Commands in RESP arrays: answer the connection set-up (CLIENT ..., INFO), then nothing.
      for (const m of d.toString('latin1').matchAll(/\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n/g)) {
        if (readyCheckDone) return;
        const command = (m[1] ?? '').toLowerCase();
        if (command === 'client') s.write('+OK\r\n');
        else if (command === 'info') {
          const info = '# Server\r\nredis_version:7.0.0\r\nloading:0\r\n';
          s.write(`$${Buffer.byteLength(info)}\r\n${info}\r\n`);
          readyCheckDone = true;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('no port');
  return {
    url: `redis://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
