// The forward step: the response cache first, then the provider, with the last check of every
// string that leaves (egress). When nothing comes back, the outcome record says why before the
// error reaches the caller; a caller who left gets no answer, only the record.
import { toGatewayError } from '../../errors.js';
import type { ResponseCache } from '../../cache/index.js';
import type { CachePlan } from '../../cache/response-cache.js';
import type { Classifier } from '../../classify/index.js';
import type { GatewayMetrics } from '../../metrics/metrics.js';
import { newTrace, type CallTrace, type ProviderResult } from '../../providers/types.js';
import type { ProviderRegistry } from '../../providers/registry.js';
import { forwardedHeaders, providerOutcome } from '../api/provider-outcome.js';
import type { ClassificationSummary } from '../decision-input.js';
import { createEgressCheck } from '../egress-check.js';
import type { RequestContext } from './context.js';
import type { DecidedRequest } from './decide-request.js';
import type { ReadRequest } from './read.js';
import { recordOutcome } from './record.js';

export interface ForwardDeps {
  cache: ResponseCache;
  classifier: Classifier;
  providers: ProviderRegistry;
  metrics: Pick<GatewayMetrics, 'upstreamErrors'>;
  clock: () => number;
  /** Model names the gateway itself writes into outgoing bodies (from configuration, not callers). */
  configuredModels: readonly string[];
}

export interface Forwarded {
  upstream: ProviderResult;
  /** Answered from the response cache. */
  cached: boolean;
  cachePlan: CachePlan;
  trace: CallTrace;
  /** Aborted when the caller leaves before the answer is complete. */
  signal: AbortSignal;
}

/** The provider's (or the cache's) answer, or undefined once a departed caller's outcome is recorded. */
export async function forward(ctx: RequestContext, deps: ForwardDeps, read: ReadRequest, decided: DecidedRequest, summary: ClassificationSummary): Promise<Forwarded | undefined> {
  const { req, res, state } = ctx;
  const { parsed, route } = read;
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const output = decided.result.output;
  const cachePlan = deps.cache.plan({ api: parsed.api, model: parsed.model, stream: parsed.stream, body: parsed.body, params: parsed.params, principal: ctx.principal, output, revision: decided.policy.revision, cacheControl: req.headers['cache-control'] });
  const cached = await deps.cache.lookup(cachePlan);
  for (const [name, value] of Object.entries(cached.headers)) res.setHeader(name, value);
  const trace = newTrace();
  if (cached.hit) return { upstream: cached.hit, cached: true, cachePlan, trace, signal: abort.signal };
  const examined = decided.redaction?.texts ?? parsed.texts;
  const examine = ctx.trace.upstream({ api: parsed.api, model: parsed.model, stream: parsed.stream }, trace, createEgressCheck({ classifier: deps.classifier, examined, decided: summary, trusted: deps.configuredModels }));
  try {
    const upstream = await route.provider.call(
      { api: parsed.api, body: decided.redaction?.body ?? parsed.body, stream: parsed.stream, headers: forwardedHeaders(req.headers) },
      { signal: abort.signal, trace, policyRoute: output?.route, examine },
    );
    return { upstream, cached: false, cachePlan, trace, signal: abort.signal };
  } catch (err) {
    const failure = abort.signal.aborted ? undefined : toGatewayError(err);
    const outcome = providerOutcome(deps.providers, { trace, route, parsed, status: failure?.status ?? 499, startedAt: state.startedAt, now: deps.clock(), answerText: '', ...(failure ? { error: failure } : {}) });
    if (!failure) {
      // The caller left before an answer started: nothing to answer, and no gateway failure to log.
      outcome.error = { code: 'client_disconnected', message: 'The caller closed the connection.' };
      await recordOutcome(ctx.records, decided.base, outcome);
      return undefined;
    }
    deps.metrics.upstreamErrors.inc({ provider: outcome.provider ?? route.provider.name, code: failure.code });
    await recordOutcome(ctx.records, decided.base, outcome);
    throw failure;
  }
}
