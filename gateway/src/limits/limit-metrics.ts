// Prometheus instruments of limits and budgets, on the gateway's registry.
import { Counter, type Registry } from 'prom-client';

export interface LimitMetrics {
  /** Counts one check of one limit; cheap enough for the request path (see createLimitMetrics). */
  countCheck(limit: string, allowed: boolean): void;
  backendErrors: Counter<'backend' | 'operation'>;
  budgetThresholds: Counter<'budget' | 'threshold'>;
}

export function createLimitMetrics(registry: Registry): LimitMetrics {
  const registers = [registry];
  // prom-client hashes label sets on every inc, which is a sizeable share of a microsecond-scale
  // check; checks are tallied in plain numbers and handed over when /metrics is scraped.
  const pending = new Map<string, { limit: string; allowed: number; limited: number }>();
  new Counter({
    name: 'palisade_limit_checks_total',
    help: 'Rate limit and budget checks by limit and result (allowed, limited)',
    labelNames: ['limit', 'result'],
    registers,
    collect() {
      for (const t of pending.values()) {
        if (t.allowed > 0) this.inc({ limit: t.limit, result: 'allowed' }, t.allowed);
        if (t.limited > 0) this.inc({ limit: t.limit, result: 'limited' }, t.limited);
        t.allowed = 0;
        t.limited = 0;
      }
    },
  });
  return {
    countCheck(limit, allowed) {
      let t = pending.get(limit);
      if (t === undefined) {
        t = { limit, allowed: 0, limited: 0 };
        pending.set(limit, t);
      }
      if (allowed) t.allowed++;
      else t.limited++;
    },
    backendErrors: new Counter({ name: 'palisade_limit_backend_errors_total', help: 'Limit operations the backend could not answer', labelNames: ['backend', 'operation'], registers }),
    budgetThresholds: new Counter({
      name: 'palisade_budget_threshold_crossings_total',
      help: 'Times a budget counter crossed one of its thresholds (1 = used up)',
      labelNames: ['budget', 'threshold'],
      registers,
    }),
  };
}
