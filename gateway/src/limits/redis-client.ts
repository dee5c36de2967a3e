// One Redis connection shared by the limits and the response cache, set up so that no request
// can ever wait on Redis for long: every command has a timeout, nothing queues while disconnected,
// and reconnection happens in the background.
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import type { RedisConfig } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import type { ComponentStatus } from '../health.js';

export interface RedisConnection {
  readonly client: Redis;
  /** Prepended to every key this gateway writes. */
  readonly prefix: string;
  readonly url: string;
  ready(): boolean;
  /** Resolves true once connected, or false after `timeoutMs`; never rejects. */
  waitReady(timeoutMs: number): Promise<boolean>;
  status(): ComponentStatus;
  close(): Promise<void>;
}

export interface RedisConnectionDeps {
  logger: Logger;
  /** The password of `password_file`, read by the configuration loader. */
  password?: string;
}

export function createRedisConnection(config: RedisConfig, deps: RedisConnectionDeps): RedisConnection {
  const { logger, password } = deps;
  // Loaded when Redis is configured, not whenever this module is imported.
  const { Redis: RedisClient } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
  const client = new RedisClient(config.url, {
    ...(config.username !== undefined ? { username: config.username } : {}),
    ...(password !== undefined ? { password } : {}),
    connectTimeout: config.connect_timeout_ms,
    commandTimeout: config.command_timeout_ms,
    // Fail at once while disconnected instead of queueing: a queued command is a request that hangs.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 6), 2000),
  });

  let lastError: string | undefined;
  let down = false;
  let closing = false;
  client.on('ready', () => {
    if (down) logger.info({ redis: config.url }, 'redis reachable again');
    down = false;
    lastError = undefined;
  });
  client.on('error', (err: unknown) => {
    const code = (err as { code?: unknown }).code;
    lastError = typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
    if (!down) logger.error({ redis: config.url, error: lastError }, 'redis unreachable');
    down = true;
  });
  client.on('close', () => {
    if (!down && !closing) logger.error({ redis: config.url }, 'redis connection lost; reconnecting');
    down = true;
  });

  const ready = (): boolean => client.status === 'ready';
  return {
    client,
    prefix: config.key_prefix,
    url: config.url,
    ready,
    waitReady(timeoutMs) {
      if (ready()) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (ok: boolean): void => {
          clearTimeout(timer);
          client.off('ready', onReady);
          resolve(ok);
        };
        const onReady = (): void => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        client.once('ready', onReady);
      });
    },
    status: () => (ready() ? { ready: true } : { ready: false, detail: `redis ${client.status}${lastError ? `: ${lastError}` : ''}` }),
    async close() {
      closing = true;
      if (ready()) {
        // QUIT lets Redis finish what it has; the command timeout bounds the wait.
        await client.quit().catch(() => undefined);
      }
      client.disconnect();
    },
  };
}
