// Answers in Redis, shared by every gateway that points at it; Redis's own TTL expires them and
// its maxmemory policy bounds them.
import type { RedisConnection } from '../limits/redis-client.js';
import type { CacheStore } from './cache-store.js';

export function createRedisCacheStore(redis: RedisConnection): CacheStore {
  const keyOf = (key: string): string => `${redis.prefix}cache:${key}`;
  return {
    backend: 'redis',
    async get(key) {
      const v = await redis.client.get(keyOf(key));
      return v ?? undefined;
    },
    async set(key, value, ttlMs) {
      await redis.client.set(keyOf(key), value, 'PX', Math.max(1, Math.round(ttlMs)));
    },
    bytes: () => undefined,
    status: () => redis.status(),
    // The connection is shared with the limits; whoever created it closes it.
    close: () => Promise.resolve(),
  };
}
