// Calendar periods of spend budgets, in UTC: hour, day, ISO week (from Monday) and month.
import type { BudgetConfig } from '../config/schema.js';

export interface Period {
  /** Epoch ms of the period's first instant. */
  start: number;
  /** Epoch ms of the next period's first instant. */
  end: number;
}

export function periodOf(kind: BudgetConfig['period'], now: number): Period {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  switch (kind) {
    case 'hour': {
      const start = Date.UTC(y, m, day, d.getUTCHours());
      return { start, end: start + 3_600_000 };
    }
    case 'day': {
      const start = Date.UTC(y, m, day);
      return { start, end: start + 86_400_000 };
    }
    case 'week': {
      const sinceMonday = (d.getUTCDay() + 6) % 7;
      const start = Date.UTC(y, m, day - sinceMonday);
      return { start, end: start + 7 * 86_400_000 };
    }
    case 'month':
      return { start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
  }
}
