// The port between the limiter and where counters live (this process, or Redis shared by many
// gateways): one atomic check-and-reserve per request, and corrections after the answer.
import type { ComponentStatus } from '../health.js';

export interface RateCheck {
  key: string;
  limit: number;
  windowMs: number;
  /** 1 for a request limit; the reserved token estimate for a token limit. */
  cost: number;
}

export interface BudgetCheck {
  key: string;
  /** Budget and amounts in micro-USD, so that stores add integers. */
  limitMicros: number;
  reserveMicros: number;
  /** Epoch ms after which the counter may be dropped (its period is over). */
  expiresAt: number;
}

export interface RateState {
  allowed: boolean;
  remaining: number;
  resetMs: number;
  /** 0 when allowed; Infinity when the request can never fit. */
  retryAfterMs: number;
}

export interface BudgetState {
  allowed: boolean;
  /** Spend in the period: after the reservation when everything was admitted, before it otherwise. */
  spentMicros: number;
}

export interface StoreVerdict {
  /** True only when every rate and budget admitted; nothing is recorded otherwise. */
  allowed: boolean;
  rates: RateState[];
  budgets: BudgetState[];
}

export interface RateAdjustment {
  key: string;
  limit: number;
  windowMs: number;
  /** Units to add (positive) or give back (negative). */
  delta: number;
}

export interface BudgetAdjustment {
  key: string;
  deltaMicros: number;
  expiresAt: number;
}

export interface LimitStore {
  readonly backend: 'memory' | 'redis';
  /** All-or-nothing: records every cost and reservation only when all of them are admitted. */
  check(rates: readonly RateCheck[], budgets: readonly BudgetCheck[]): Promise<StoreVerdict>;
  /** Applies corrections; resolves with each budget's spend afterwards, in order. */
  adjust(rates: readonly RateAdjustment[], budgets: readonly BudgetAdjustment[]): Promise<number[]>;
  status(): ComponentStatus;
  close(): Promise<void>;
}
