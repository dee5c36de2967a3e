// A model alias as one provider: picks the target (policy route, strategy, circuit state), retries
// a failing target with backoff while nothing has reached the caller, falls back to the next
// target (translating formats as needed), and records every attempt. A stream counts as started
// once its first event arrives; nothing is retried after that.
import type { ModelApi } from '../api-names.js';
import { GatewayError, isGatewayError, toGatewayError } from '../errors.js';
import type { RoutingConfig, RoutingStrategy } from '../config/schema.js';
import { isRetryable, retryAfterOf, upstreamError, upstreamStatusOf } from '../providers/upstream-error.js';
import type { SseEvent } from '../providers/sse.js';
import { newTrace, type Provider, type ProviderCall, type ProviderResult, type UpstreamRequest } from '../providers/types.js';
import { retryDelay, sleep } from './backoff.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { LatencyTracker } from './latency-tracker.js';
import { allows, readPolicyRoute } from './policy-route.js';
import type { RoutingMetrics } from './routing-metrics.js';
import { orderTargets } from './target-order.js';
import { readCallerRetries } from './caller-retries.js';

export interface RoutedTarget {
  key: string;
  provider: Provider;
  model: string;
  weight: number;
  /** Where the provider's endpoint is, when configured (for the policy's route.region). */
  region?: string;
  breaker: CircuitBreaker;
}

export interface AliasRoute {
  name: string;
  strategy: RoutingStrategy;
  fallbacks: boolean;
  targets: RoutedTarget[];
}

export interface RouterDeps {
  config: RoutingConfig;
  /** Every configured alias, for a policy that routes to another model. */
  aliases: ReadonlyMap<string, AliasRoute>;
  latency: LatencyTracker;
  price(provider: string, model: string): number | undefined;
  metrics: RoutingMetrics;
  clock: () => number;
  random: () => number;
}

/** Yields the peeked first event, then the rest; reports a failure after the start to the breaker. */
async function* resumed(first: IteratorResult<SseEvent>, it: AsyncIterator<SseEvent>, onFailure: (err: unknown) => void, onEnd: () => void): AsyncGenerator<SseEvent> {
  try {
    if (first.done) return;
    yield first.value;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  } catch (err) {
    onFailure(err);
    throw err;
  } finally {
    onEnd();
    await it.return?.();
  }
}

/** How long until the first resting target takes calls again; a second when none is resting (its probes are out). */
function restingFor(targets: readonly RoutedTarget[], now: number): number {
  const waits = targets.map((t) => t.breaker.retryInMs(now)).filter((ms) => ms > 0);
  return waits.length > 0 ? Math.min(...waits) : 1000;
}

export function createRoutedProvider(alias: AliasRoute, deps: RouterDeps): Provider {
  const { config, clock, metrics } = deps;

  function candidates(api: ModelApi, policyRoute: unknown): { route: AliasRoute; targets: RoutedTarget[] } {
    const constraint = readPolicyRoute(policyRoute);
    let route = alias;
    if (constraint.model !== undefined && constraint.model !== alias.name) {
      const other = deps.aliases.get(constraint.model);
      if (!other) throw new GatewayError('GW_ERR_POLICY_ROUTE_INVALID', { detail: `The policy routed to "${constraint.model}", which is not configured.` });
      route = other;
    }
    const able = route.targets.filter((t) => t.provider.supports(api));
    if (able.length === 0) throw new GatewayError('GW_ERR_MODEL_NOT_FOUND', { detail: `The model "${route.name}" cannot answer this API.` });
    const allowed = able.filter((t) => allows(constraint, { provider: t.provider.name, region: t.region }));
    if (allowed.length === 0) throw new GatewayError('GW_ERR_POLICY_ROUTE_INVALID', { detail: 'No target of the model is among those the policy allows.' });
    return { route, targets: allowed };
  }

  async function call(request: UpstreamRequest, call: ProviderCall): Promise<ProviderResult> {
    const trace = call.trace ?? newTrace();
    const { route, targets } = candidates(request.api, call.policyRoute);
    let ordered = orderTargets(targets, route.strategy, deps);
    if (!route.fallbacks) ordered = ordered.slice(0, 1);
    const deadline = clock() + config.deadline_ms;
    const caller = readCallerRetries(request.headers);
    const maxAttempts = caller.maxRetries === undefined ? config.retry.max_attempts : Math.min(config.retry.max_attempts, caller.maxRetries + 1);
    const outgoing: UpstreamRequest = { api: request.api, body: request.body, stream: request.stream, ...(caller.headers !== undefined ? { headers: caller.headers } : {}) };
    let lastError: GatewayError | undefined;

    for (const target of ordered) {
      const labels = { provider: target.provider.name, model: target.model };
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const now = clock();
        if (!target.breaker.tryAcquire(now)) {
          trace.attempts.push({ ...labels, error: 'circuit_open' });
          metrics.attempts.inc({ ...labels, result: 'circuit_open' });
          break;
        }
        const remaining = deadline - now;
        if (remaining <= 0) {
          target.breaker.release();
          lastError ??= upstreamError('GW_ERR_UPSTREAM_TIMEOUT', { provider: target.provider.name, retryable: false });
          break;
        }
        // Bounds the wait for the answer to start, never the stream once it has.
        const ctl = new AbortController();
        const onCallerAbort = (): void => ctl.abort(call.signal.reason);
        if (call.signal.aborted) ctl.abort(call.signal.reason);
        call.signal.addEventListener('abort', onCallerAbort, { once: true });
        const timer = setTimeout(() => ctl.abort(upstreamError('GW_ERR_UPSTREAM_TIMEOUT', { provider: target.provider.name, retryable: false })), remaining);
        const detach = (): void => call.signal.removeEventListener('abort', onCallerAbort);
        const started = clock();
        // A refusal by the egress examiner is about the request, not the target: no retry, no fallback.
        let examineError: unknown;
        const examine = call.examine;
        const attemptCall: ProviderCall = { signal: ctl.signal, trace };
        if (examine) {
          attemptCall.examine = (outgoing) => {
            try {
              examine(outgoing);
            } catch (err) {
              examineError = err ?? new GatewayError('GW_ERR_INTERNAL');
              throw err;
            }
          };
        }
        try {
          const result = await target.provider.call({ ...outgoing, body: { ...outgoing.body, model: target.model } }, attemptCall);
          if (result.kind === 'json') {
            clearTimeout(timer);
            detach();
            target.breaker.success(clock());
            deps.latency.observe(target.key, clock() - started);
            trace.attempts.push({ ...labels, status: result.status });
            metrics.attempts.inc({ ...labels, result: 'ok' });
            trace.provider = target.provider.name;
            trace.model = target.model;
            return result;
          }
          const it = result.events[Symbol.asyncIterator]();
          const first = await it.next();
          clearTimeout(timer);
          const firstAt = clock();
          target.breaker.success(firstAt);
          deps.latency.observe(target.key, firstAt - started);
          trace.attempts.push({ ...labels, status: result.status });
          metrics.attempts.inc({ ...labels, result: 'ok' });
          trace.provider = target.provider.name;
          trace.model = target.model;
          trace.firstByteAt = firstAt;
          const onFailure = (err: unknown): void => {
            if (!call.signal.aborted) {
              target.breaker.failure(clock());
              metrics.attempts.inc({ ...labels, result: toGatewayError(err).code });
            }
          };
          return { kind: 'stream', status: result.status, events: resumed(first, it, onFailure, detach) };
        } catch (err) {
          clearTimeout(timer);
          detach();
          if (call.signal.aborted) {
            target.breaker.release();
            throw err;
          }
          if (examineError !== undefined) {
            target.breaker.release();
            trace.attempts.push({ ...labels, error: toGatewayError(examineError).code });
            throw examineError;
          }
          const gwErr = toGatewayError(ctl.signal.aborted && isGatewayError(ctl.signal.reason) ? ctl.signal.reason : err);
          const status = upstreamStatusOf(gwErr);
          trace.attempts.push({ ...labels, ...(status !== undefined ? { status } : {}), error: gwErr.code });
          metrics.attempts.inc({ ...labels, result: gwErr.code });
          lastError = gwErr;
          // Errors about the request itself (translation, policy route) would fail anywhere.
          if (gwErr.status < 500 && gwErr.status !== 429) {
            target.breaker.release();
            throw gwErr;
          }
          // A rate limit is the provider pacing us, not an outage: it does not open the circuit,
          // and its Retry-After reaches the caller instead of a 503 from a resting target.
          if (gwErr.status === 429) target.breaker.release();
          else target.breaker.failure(clock());
          if (!isRetryable(gwErr) || attempt === maxAttempts) break;
          const delay = retryDelay(attempt, retryAfterOf(gwErr), config.retry, deps.random);
          if (delay === undefined || clock() + delay >= deadline) break;
          await sleep(delay, call.signal);
        }
      }
    }
    if (lastError) throw lastError;
    throw new GatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', { data: { retry_after_ms: restingFor(ordered, clock()) } });
  }

  return {
    name: alias.name,
    type: 'routed',
    supports: (api) => alias.targets.some((t) => t.provider.supports(api)),
    call,
  };
}
