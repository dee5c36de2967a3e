// Counters in this process's memory: the embedded default for a single gateway. Exact and
// synchronous; idle counters are swept so memory stays flat however many callers come and go.
import type { BudgetAdjustment, BudgetCheck, LimitStore, RateAdjustment, RateCheck, StoreVerdict } from './limit-store.js';
import { gcraAdjust, gcraCheck } from './gcra.js';

export interface MemoryStoreOptions {
  clock: () => number;
  /** How often idle counters are dropped. */
  sweepIntervalMs?: number;
}

interface Spend {
  micros: number;
  expiresAt: number;
}

export function createMemoryLimitStore(options: MemoryStoreOptions): LimitStore {
  const { clock } = options;
  const tats = new Map<string, number>();
  const spends = new Map<string, Spend>();

  const sweep = (): void => {
    const now = clock();
    for (const [k, tat] of tats) if (tat <= now) tats.delete(k);
    for (const [k, s] of spends) if (s.expiresAt <= now) spends.delete(k);
  };
  const timer = setInterval(sweep, options.sweepIntervalMs ?? 60_000);
  timer.unref();

  const spentOf = (key: string, now: number): number => {
    const s = spends.get(key);
    return s === undefined || s.expiresAt <= now ? 0 : s.micros;
  };

  return {
    backend: 'memory',
    check(rates: readonly RateCheck[], budgets: readonly BudgetCheck[]): Promise<StoreVerdict> {
      const now = clock();
      let allowed = true;
      const verdicts = rates.map((r) => {
        const v = gcraCheck(tats.get(r.key), now, r, r.cost);
        if (!v.allowed) allowed = false;
        return v;
      });
      const spent = budgets.map((b) => {
        const s = spentOf(b.key, now);
        if (!(s < b.limitMicros && s + b.reserveMicros <= b.limitMicros)) allowed = false;
        return s;
      });
      if (allowed) {
        rates.forEach((r, i) => tats.set(r.key, (verdicts[i] as { tat: number }).tat));
        budgets.forEach((b, i) => {
          const micros = (spent[i] as number) + b.reserveMicros;
          spends.set(b.key, { micros, expiresAt: b.expiresAt });
          spent[i] = micros;
        });
      }
      return Promise.resolve({
        allowed,
        rates: verdicts,
        budgets: budgets.map((b, i) => {
          const s = spent[i] as number;
          return { allowed: allowed || (s < b.limitMicros && s + b.reserveMicros <= b.limitMicros), spentMicros: s };
        }),
      });
    },
    adjust(rates: readonly RateAdjustment[], budgets: readonly BudgetAdjustment[]): Promise<number[]> {
      const now = clock();
      for (const r of rates) {
        const tat = gcraAdjust(tats.get(r.key), now, r, r.delta);
        if (tat === undefined) tats.delete(r.key);
        else tats.set(r.key, tat);
      }
      return Promise.resolve(
        budgets.map((b) => {
          const micros = Math.max(0, spentOf(b.key, now) + b.deltaMicros);
          spends.set(b.key, { micros, expiresAt: b.expiresAt });
          return micros;
        }),
      );
    },
    status: () => ({ ready: true }),
    close() {
      clearInterval(timer);
      tats.clear();
      spends.clear();
      return Promise.resolve();
    },
  };
}
