// Builds the limits and the response cache on their configured backends: this process's memory,
// or one Redis connection both share. The composition root calls this once.
import type { Registry } from 'prom-client';
import type { GatewayConfig } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import { createLruStore, createRedisCacheStore, createResponseCache, type CacheStore, type ResponseCache } from '../cache/index.js';
import { createLimits, type Limits } from './limiter.js';
import type { LimitStore } from './limit-store.js';
import { createMemoryLimitStore } from './memory-store.js';
import { createPriceTable } from '../tokens/price-table.js';
import { pricingFrom, type Pricing } from './pricing.js';
import { createRedisConnection, type RedisConnection } from './redis-client.js';
import { createRedisLimitStore } from './redis-store.js';

export interface SharedState {
  limits: Limits;
  cache: ResponseCache;
  close(): Promise<void>;
}

export interface SharedStateDeps {
  clock: () => number;
  logger: Logger;
  registry: Registry;
  /** Where spend comes from; the config's `prices` when omitted. */
  pricing?: Pricing;
  /** The password of `redis.password_file`, read by the configuration loader. */
  redisPassword?: string;
  /**
   * Stores to use where the config says `memory`, instead of this process's own: a worker passes
   * the primary's, so that every worker counts against the same limits and shares one cache.
   */
  memoryStores?: { limits: LimitStore; cache: CacheStore };
}

export async function createSharedState(config: Pick<GatewayConfig, 'limits' | 'budgets' | 'cache' | 'redis' | 'prices'>, deps: SharedStateDeps): Promise<SharedState> {
  const { clock, logger, registry } = deps;
  const needsRedis = config.limits.backend === 'redis' || config.cache.backend === 'redis';
  let redis: RedisConnection | undefined;
  if (needsRedis && config.redis !== undefined) {
    redis = createRedisConnection(config.redis, { logger: logger.child({ component: 'redis' }), ...(deps.redisPassword !== undefined ? { password: deps.redisPassword } : {}) });
    // Start serving either way: readiness reports Redis, and requests get the configured failure behaviour.
    if (await redis.waitReady(config.redis.connect_timeout_ms)) logger.info({ redis: config.redis.url }, 'redis connected');
  }
  const limits = createLimits({
    store: config.limits.backend === 'redis' && redis ? createRedisLimitStore(redis) : (deps.memoryStores?.limits ?? createMemoryLimitStore({ clock })),
    limits: config.limits,
    budgets: config.budgets,
    pricing: deps.pricing ?? pricingFrom(createPriceTable(config.prices)),
    clock,
    logger: logger.child({ component: 'limits' }),
    registry,
  });
  const cacheStore =
    config.cache.backend === 'off'
      ? undefined
      : config.cache.backend === 'redis' && redis
        ? createRedisCacheStore(redis)
        : (deps.memoryStores?.cache ?? createLruStore({ maxBytes: config.cache.max_bytes, clock }));
  const cache = createResponseCache({ config: config.cache, ...(cacheStore ? { store: cacheStore } : {}), clock, logger: logger.child({ component: 'cache' }), registry });
  return {
    limits,
    cache,
    async close() {
      await limits.close();
      await cache.close();
      await redis?.close();
    },
  };
}
