// Limits and the memory cache when several workers serve one port: the counters and answers live
// in the primary process, and every worker reaches them with one call per operation. So a limit of
// N requests admits N in all, whichever worker each request reaches, and an answer cached by one
// worker is found by the others. (With the Redis backends the workers share Redis instead.)
import type { CacheStore } from '../cache/index.js';
import type { ComponentStatus } from '../health.js';
import type { BudgetAdjustment, BudgetCheck, LimitStore, RateAdjustment, RateCheck, StoreVerdict } from '../limits/limit-store.js';
import type { IpcClient, IpcHandlers } from './ipc.js';

/** The calls the primary answers for the workers, over the stores it holds. */
export function sharedStoreHandlers(stores: { limits: LimitStore; cache?: CacheStore }): IpcHandlers {
  const { limits, cache } = stores;
  return {
    'limits.check': (rates: readonly RateCheck[], budgets: readonly BudgetCheck[]) => limits.check(rates, budgets),
    'limits.adjust': (rates: readonly RateAdjustment[], budgets: readonly BudgetAdjustment[]) => limits.adjust(rates, budgets),
    'cache.get': async (key: string) => (cache === undefined ? undefined : cache.get(key)),
    'cache.set': async (key: string, value: string, ttlMs: number) => cache?.set(key, value, ttlMs),
    'cache.bytes': () => cache?.bytes(),
  };
}

/** Ready while the channel to the primary answers: a call that failed last makes it unready. */
function channelHealth(): { ok(): void; failed(err: unknown): void; status(): ComponentStatus } {
  let lastError: string | undefined;
  return {
    ok: () => (lastError = undefined),
    failed: (err) => (lastError = err instanceof Error ? err.message : String(err)),
    status: () => (lastError === undefined ? { ready: true } : { ready: false, detail: lastError }),
  };
}

async function tracked<T>(health: ReturnType<typeof channelHealth>, call: Promise<T>): Promise<T> {
  try {
    const value = await call;
    health.ok();
    return value;
  } catch (err) {
    health.failed(err);
    throw err;
  }
}

/** A worker's limit store: the primary's memory store, one call per check or correction. */
export function createPrimaryLimitStore(client: IpcClient): LimitStore {
  const health = channelHealth();
  return {
    backend: 'memory',
    check: (rates, budgets) => tracked(health, client.call<StoreVerdict>('limits.check', rates, budgets)),
    adjust: (rates, budgets) => tracked(health, client.call<number[]>('limits.adjust', rates, budgets)),
    status: () => health.status(),
    close: async () => {},
  };
}

/**
 * A worker's cache store: the primary's LRU. The size it reports is the primary's as of the last
 * answer, since bytes() is synchronous and is read only for a metric.
 */
export function createPrimaryCacheStore(client: IpcClient): CacheStore {
  const health = channelHealth();
  let bytes: number | undefined;
  const refresh = (): void => {
    client.call<number | undefined>('cache.bytes').then(
      (b) => (bytes = b),
      () => {},
    );
  };
  return {
    backend: 'memory',
    get: (key) => tracked(health, client.call<string | undefined>('cache.get', key)),
    set: async (key, value, ttlMs) => {
      await tracked(health, client.call<void>('cache.set', key, value, ttlMs));
      refresh();
    },
    bytes: () => bytes,
    status: () => health.status(),
    close: async () => {},
  };
}
