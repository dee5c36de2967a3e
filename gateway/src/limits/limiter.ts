// Rate limits and spend budgets: picks the limits that apply to a request (from config, and the
// tier the policy selected), checks and reserves them in one atomic step on the backend, and turns
// the verdict into headers, an audit entry and, when refused, a coded error.
import type { Registry } from 'prom-client';
import type { AuditLimits } from '@palisade/audit-core';
import type { BudgetConfig, BudgetsConfig, LimitsConfig, RateLimitConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { Principal } from '../identity/principal.js';
import type { PolicyOutput } from '../policy/types.js';
import type { ComponentStatus } from '../health.js';
import { admitted, refused, unlimited, UNLIMITED, type Admission } from './admission.js';
import { periodOf, type Period } from './budget-period.js';
import type { BudgetAdjustment, BudgetCheck, LimitStore, RateAdjustment, RateCheck, StoreVerdict } from './limit-store.js';
import { createLimitMetrics } from './limit-metrics.js';
import { counterIds, describeCounter, matches, type Subject } from './principal-match.js';
import { costMicros, type Pricing } from './pricing.js';
import { rateLimitHeaders, retryHeaders, tightest } from './rate-limit-headers.js';

export interface AdmitRequest {
  principal: Principal;
  /** The model as the caller named it. */
  model: string;
  /** The upstream model it routes to, for prices kept under that name. */
  upstreamModel?: string;
  /** The prompt's pre-flight token estimate, reserved against token limits until usage is known. */
  estimatedTokens: number;
  /** The request policy's decision; `limits: {"tier": NAME}` selects a configured tier. */
  output?: PolicyOutput;
}

export interface Limits {
  /** Never rejects: backend failures become a refusal or an unchecked admission, by configuration. */
  admit(request: AdmitRequest): Promise<Admission>;
  status(): ComponentStatus;
  /** Waits for corrections still in flight. */
  close(): Promise<void>;
}

export interface LimitsDeps {
  store: LimitStore;
  limits: LimitsConfig;
  budgets: BudgetsConfig;
  pricing: Pricing;
  clock: () => number;
  logger: Logger;
  registry: Registry;
}

interface CompiledRate {
  /** `rule` for config rules, `tier/rule` for a tier's. */
  name: string;
  rule: RateLimitConfig;
  windowMs: number;
}

/** Budgets left after an hour past their period, so late corrections still find their counter. */
const BUDGET_GRACE_MS = 3_600_000;

function compileRates(rules: readonly RateLimitConfig[], tier?: string): CompiledRate[] {
  const seen = new Set<string>();
  return rules.map((rule) => {
    if (seen.has(rule.name)) throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `limits: two limits named "${rule.name}"${tier ? ` in tier "${tier}"` : ''}` });
    seen.add(rule.name);
    return { name: tier ? `${tier}/${rule.name}` : rule.name, rule, windowMs: rule.window_s * 1000 };
  });
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))} s`;
}

function usd(micros: number): string {
  return (micros / 1e6).toFixed(2);
}

export function createLimits(deps: LimitsDeps): Limits {
  const { store, pricing, clock, logger } = deps;
  const metrics = createLimitMetrics(deps.registry);
  const rules = compileRates(deps.limits.rules);
  const tiers = new Map<string, CompiledRate[]>(Object.entries(deps.limits.tiers).map(([name, list]) => [name, compileRates(list, name)]));
  const budgetRules = deps.budgets.rules;
  const budgetNames = new Set<string>();
  for (const b of budgetRules) {
    if (budgetNames.has(b.name)) throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `budgets: two budgets named "${b.name}"` });
    budgetNames.add(b.name);
  }
  const failOpen = deps.limits.on_backend_error === 'open';
  const counterId = counterIds();
  const countCheck = metrics.countCheck;
  const periods = new Map<BudgetConfig, Period>();
  const currentPeriod = (b: BudgetConfig, now: number): Period => {
    let p = periods.get(b);
    if (p === undefined || now >= p.end || now < p.start) {
      p = periodOf(b.period, now);
      periods.set(b, p);
    }
    return p;
  };
  const pending = new Set<Promise<unknown>>();
  let backendDown = false;

  const backendFailed = (operation: 'check' | 'adjust', err: unknown): void => {
    metrics.backendErrors.inc({ backend: store.backend, operation });
    if (!backendDown) {
      logger.error(
        { err, backend: store.backend, operation, on_backend_error: deps.limits.on_backend_error },
        failOpen ? 'limits backend unavailable; limits and budgets are NOT enforced until it recovers (fail open)' : 'limits backend unavailable; requests with limits or budgets are refused until it recovers (fail closed)',
      );
    }
    backendDown = true;
  };
  const backendAnswered = (): void => {
    if (backendDown) logger.info({ backend: store.backend }, 'limits backend available again; limits and budgets are enforced');
    backendDown = false;
  };

  const thresholds = new Map(budgetRules.map((b) => [b, [...b.thresholds, 1]]));
  function reportSpend(budget: BudgetConfig, subject: Subject, before: number, after: number): void {
    const limit = budget.usd * 1e6;
    for (const t of thresholds.get(budget) ?? []) {
      if (before < t * limit && after >= t * limit) {
        metrics.budgetThresholds.inc({ budget: budget.name, threshold: String(t) });
        logger.warn(
          { budget: budget.name, threshold: t, spent_usd: usd(after), budget_usd: budget.usd, period: budget.period, counter: describeCounter(budget.by, subject) },
          t >= 1 ? 'budget used up; further requests are refused until the period ends' : `budget ${Math.round(t * 100)}% spent`,
        );
      }
    }
  }

  function parseTier(output: PolicyOutput | undefined): { tier?: string; error?: GatewayError } {
    const raw = output?.limits;
    if (raw === undefined) return {};
    const keys = Object.keys(raw);
    const tier = raw['tier'];
    if (keys.some((k) => k !== 'tier') || (tier !== undefined && typeof tier !== 'string')) {
      return { error: new GatewayError('GW_ERR_POLICY_OUTPUT_INVALID', { detail: '"limits" may only hold "tier", a string.' }) };
    }
    if (tier !== undefined && !tiers.has(tier)) {
      return { error: new GatewayError('GW_ERR_POLICY_OUTPUT_INVALID', { detail: `The limits tier "${tier}" is not configured.` }) };
    }
    return tier === undefined ? {} : { tier };
  }

  async function admit(req: AdmitRequest): Promise<Admission> {
    const subject: Subject = { principal: req.principal, model: req.model };
    const { tier, error: tierError } = parseTier(req.output);
    if (tierError) return refused(tierError, {}, { allowed: false, key: 'tier' });

    const rates = rules.filter((r) => matches(r.rule.match, subject));
    if (tier !== undefined) for (const r of tiers.get(tier) ?? []) if (matches(r.rule.match, subject)) rates.push(r);
    const budgets = budgetRules.filter((b) => matches(b.match, subject));
    const base: AuditLimits = tier !== undefined ? { tier, allowed: true } : { allowed: true };
    if (rates.length === 0 && budgets.length === 0) return tier !== undefined ? unlimited(base) : UNLIMITED;

    const price = budgets.length > 0 ? pricing.priceOf(req.model, req.upstreamModel) : undefined;
    if (budgets.length > 0 && price === undefined && deps.budgets.unpriced === 'deny') {
      const b = budgets[0] as BudgetConfig;
      countCheck(`budget:${b.name}`, false);
      return refused(new GatewayError('GW_ERR_BUDGET_UNPRICED', { detail: `Budget "${b.name}" applies and model "${req.model}" has no price.` }), { 'x-should-retry': 'false' }, { ...base, allowed: false, key: `budget:${b.name}` });
    }

    const estimate = Math.max(0, Math.ceil(req.estimatedTokens));
    const now = clock();
    const rateChecks: RateCheck[] = rates.map((r) => ({
      key: `rl:${r.name}:${counterId(r.rule.by, subject)}`,
      limit: r.rule.limit,
      windowMs: r.windowMs,
      cost: r.rule.unit === 'requests' ? 1 : estimate,
    }));
    const reserveMicros = price ? Math.ceil(costMicros(price, estimate, 0)) : 0;
    const budgetPeriods = budgets.map((b) => currentPeriod(b, now));
    const budgetChecks: BudgetCheck[] = budgets.map((b, i) => {
      const p = budgetPeriods[i] as Period;
      return { key: `bg:${b.name}:${p.start}:${counterId(b.by, subject)}`, limitMicros: Math.round(b.usd * 1e6), reserveMicros, expiresAt: p.end + BUDGET_GRACE_MS };
    });

    let verdict: StoreVerdict;
    try {
      verdict = await store.check(rateChecks, budgetChecks);
      backendAnswered();
    } catch (cause) {
      backendFailed('check', cause);
      if (failOpen) return unlimited({ ...base, key: 'unchecked' });
      return refused(new GatewayError('GW_ERR_LIMITS_UNAVAILABLE', { cause }), {}, { ...base, allowed: false, key: 'unavailable' });
    }

    const states = verdict.rates.map((s, i) => {
      const rate = rates[i] as CompiledRate;
      countCheck(rate.name, s.allowed);
      return { allowed: s.allowed, remaining: s.remaining, resetMs: s.resetMs, retryAfterMs: s.retryAfterMs, limit: rate.rule.limit, rate };
    });
    budgets.forEach((b, i) => countCheck(`budget:${b.name}`, verdict.budgets[i]?.allowed === true));
    const pace = tightest(states);
    const headers: Record<string, string> = pace ? rateLimitHeaders(pace) : {};

    if (!verdict.allowed) {
      const deniedRate = states.filter((s) => !s.allowed).sort((a, b) => b.retryAfterMs - a.retryAfterMs)[0];
      if (deniedRate) {
        const r = deniedRate.rate;
        const per = `per ${r.rule.window_s} s${r.rule.by.length > 0 ? ` for each ${r.rule.by.join(' and ')}` : ''}`;
        const detail = Number.isFinite(deniedRate.retryAfterMs)
          ? `Limit "${r.name}" allows ${r.rule.limit} ${r.rule.unit} ${per}; try again in ${seconds(deniedRate.retryAfterMs)}.`
          : `Limit "${r.name}" allows ${r.rule.limit} ${r.rule.unit} ${per}, and this request alone is estimated at ${estimate} tokens.`;
        Object.assign(headers, rateLimitHeaders(deniedRate), retryHeaders(deniedRate.retryAfterMs, true));
        return refused(new GatewayError('GW_ERR_RATE_LIMITED', { detail }), headers, { ...base, allowed: false, key: r.name, remaining: deniedRate.remaining });
      }
      const i = verdict.budgets.findIndex((b) => !b.allowed);
      const b = budgets[i] as BudgetConfig;
      const p = budgetPeriods[i] as Period;
      const spent = verdict.budgets[i]?.spentMicros ?? 0;
      const detail = `Budget "${b.name}" of ${b.usd} USD per ${b.period}${b.by.length > 0 ? ` for each ${b.by.join(' and ')}` : ''} is used up until ${new Date(p.end).toISOString()}.`;
      Object.assign(headers, retryHeaders(p.end - now, false));
      return refused(new GatewayError('GW_ERR_BUDGET_EXCEEDED', { detail }), headers, { ...base, allowed: false, key: `budget:${b.name}`, remaining: Math.max(0, b.usd - spent / 1e6) });
    }

    budgets.forEach((b, i) => {
      const after = verdict.budgets[i]?.spentMicros ?? 0;
      reportSpend(b, subject, after - reserveMicros, after);
    });
    const record: AuditLimits = { ...base };
    if (pace) {
      record.key = pace.rate.name;
      record.remaining = pace.remaining;
    } else if (budgets.length > 0) {
      const b = budgets[0] as BudgetConfig;
      record.key = `budget:${b.name}`;
      record.remaining = Math.max(0, b.usd - (verdict.budgets[0]?.spentMicros ?? 0) / 1e6);
    }

    const tokenRates: { key: string; limit: number; windowMs: number; charged: number }[] = [];
    rateChecks.forEach((c, i) => {
      if ((rates[i] as CompiledRate).rule.unit === 'tokens') tokenRates.push({ key: c.key, limit: c.limit, windowMs: c.windowMs, charged: estimate });
    });
    return admitted(headers, record, {
      estimateTokens: estimate,
      tokenRates,
      budgets: budgetChecks.map((c, i) => ({ key: c.key, expiresAt: c.expiresAt, charged: reserveMicros, index: i })),
      cost: (prompt, completion) => (price ? costMicros(price, prompt, completion) : undefined),
      apply(rateAdjustments: RateAdjustment[], budgetAdjustments: BudgetAdjustment[], indexes: number[]) {
        const p = store
          .adjust(rateAdjustments, budgetAdjustments)
          .then((after) => {
            backendAnswered();
            after.forEach((spent, j) => {
              const delta = (budgetAdjustments[j] as BudgetAdjustment).deltaMicros;
              if (delta > 0) reportSpend(budgets[indexes[j] as number] as BudgetConfig, subject, spent - delta, spent);
            });
          })
          .catch((err: unknown) => backendFailed('adjust', err))
          .finally(() => pending.delete(p));
        pending.add(p);
      },
    });
  }

  return {
    admit,
    status() {
      const s = store.status();
      if (s.ready || failOpen) return s.ready ? s : { ready: true, detail: `${s.detail ?? 'backend unavailable'}; limits are not enforced (fail open)` };
      return s;
    },
    async close() {
      await Promise.allSettled([...pending]);
      await store.close();
    },
  };
}
