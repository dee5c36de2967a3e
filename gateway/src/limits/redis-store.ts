// Counters in Redis, shared by every gateway that points at it: each check and each correction is
// one atomic script, so N gateways together admit exactly what one would.
import type { BudgetAdjustment, BudgetCheck, LimitStore, RateAdjustment, RateCheck, StoreVerdict } from './limit-store.js';
import type { RedisConnection } from './redis-client.js';
import { ADJUST_SCRIPT, CHECK_SCRIPT, runScript } from './redis-scripts.js';

function numbers(reply: unknown): number[] {
  if (!Array.isArray(reply)) throw new Error('unexpected reply from the limits script');
  return reply.map((v) => {
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) throw new Error('unexpected value from the limits script');
    return n;
  });
}

export function createRedisLimitStore(redis: RedisConnection): LimitStore {
  const prefixed = (k: string): string => `${redis.prefix}${k}`;
  return {
    backend: 'redis',
    async check(rates: readonly RateCheck[], budgets: readonly BudgetCheck[]): Promise<StoreVerdict> {
      const keys = [...rates.map((r) => prefixed(r.key)), ...budgets.map((b) => prefixed(b.key))];
      const args: (string | number)[] = [rates.length];
      for (const r of rates) args.push(r.limit, r.windowMs, r.cost);
      for (const b of budgets) args.push(b.limitMicros, Math.ceil(b.reserveMicros), Math.ceil(b.expiresAt));
      const out = numbers(await runScript(redis.client, CHECK_SCRIPT, keys, args));
      let i = 1;
      const next = (): number => out[i++] as number;
      return {
        allowed: out[0] === 1,
        rates: rates.map(() => {
          const allowed = next() === 1;
          const remaining = next();
          const resetMs = next();
          const retry = next();
          return { allowed, remaining, resetMs, retryAfterMs: retry < 0 ? Infinity : retry };
        }),
        budgets: budgets.map(() => {
          const allowed = next() === 1;
          return { allowed, spentMicros: next() };
        }),
      };
    },
    async adjust(rates: readonly RateAdjustment[], budgets: readonly BudgetAdjustment[]): Promise<number[]> {
      if (rates.length === 0 && budgets.length === 0) return [];
      const keys = [...rates.map((r) => prefixed(r.key)), ...budgets.map((b) => prefixed(b.key))];
      const args: (string | number)[] = [rates.length];
      for (const r of rates) args.push(r.limit, r.windowMs, r.delta);
      for (const b of budgets) args.push(Math.round(b.deltaMicros), Math.ceil(b.expiresAt));
      return numbers(await runScript(redis.client, ADJUST_SCRIPT, keys, args));
    },
    status: () => redis.status(),
    // The connection is shared with the cache; whoever created it closes it.
    close: () => Promise.resolve(),
  };
}
