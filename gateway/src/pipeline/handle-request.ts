// The request path of every modelled API, as named steps over one request context:
//
//   authenticate (before this handler) → read → classify → decide → record → forward
//     → guard answer → record outcome
//
// Nothing leaves for the provider before its decision record is durable, and no answer (or final
// stream event) reaches the caller before its outcome record is. Each step is a function of its
// own with the dependencies it needs; this file only orders them.
import type { RequestHandler } from 'express';
import { sendError } from '../http/error-body.js';
import { createMeteredPublish } from '../audit/metered-publish.js';
import type { SseEvent } from '../providers/sse.js';
import type { ApiAdapter } from './api/types.js';
import { eventWithCallerModel } from './caller-model.js';
import { classifySlots } from './classify-slots.js';
import type { PipelineDeps } from './deps.js';
import { relayStream } from './relay-stream.js';
import { answerJson, setPolicyHeaders } from './steps/answer-json.js';
import { openContext } from './steps/context.js';
import { decideRequest, recordRequestDecision } from './steps/decide-request.js';
import { forward, type Forwarded } from './steps/forward.js';
import { readRequest } from './steps/read.js';

async function* renamed(events: AsyncIterable<SseEvent>, alias: string): AsyncGenerator<SseEvent> {
  for await (const ev of events) yield eventWithCallerModel(ev, alias);
}

const isJson = (f: Forwarded): f is Forwarded & { upstream: { kind: 'json' } } => f.upstream.kind === 'json';

export function createApiHandler(adapter: ApiAdapter, deps: PipelineDeps): RequestHandler {
  const { config } = deps;
  const gatewayId = config.server.gateway_id;
  const context = { ids: deps.ids, commit: deps.commit, publish: createMeteredPublish(deps) };
  const readDeps = { providers: deps.providers, authenticator: deps.authenticator, gatewayId, unknownFields: config.ingress.unknown_fields[adapter.route] ?? 'refuse' } as const;
  const decideDeps = { policy: deps.policy, metrics: deps.metrics, limits: deps.limits, gatewayId, hashKey: deps.redaction.hashKey };
  // Model names the gateway writes into outgoing bodies; they come from configuration, not callers.
  const configuredModels = [...new Set(config.models.flatMap((m) => [m.name, m.upstream_model ?? m.name, ...(m.targets ?? []).map((t) => t.model ?? m.name)]))];
  const forwardDeps = { cache: deps.cache, classifier: deps.classifier, providers: deps.providers, metrics: deps.metrics, clock: deps.clock, configuredModels };
  const answerDeps = { classifier: deps.classifier, policy: deps.policy, metrics: deps.metrics, providers: deps.providers, cache: deps.cache, clock: deps.clock, hashKey: deps.redaction.hashKey };

  return async (req, res) => {
    const ctx = openContext(req, res, context);

    const read = await readRequest(ctx, adapter, readDeps);
    if (!read) return;

    const classified = await ctx.trace.step('palisade.classify', () => classifySlots(deps.classifier, read.parsed.slots));

    const decided = await decideRequest(ctx, decideDeps, read, classified, { route: adapter.route, req });

    await recordRequestDecision(ctx, read.parsed, decided, classified.summary);
    setPolicyHeaders(res, decided.result.output?.headers);
    for (const [name, value] of Object.entries(decided.admission?.headers ?? {})) res.setHeader(name, value);
    if (decided.refusal) {
      sendError(res, decided.refusal, adapter.shape, { decisionId: ctx.state.decisionId, ...(decided.result.allow ? {} : { reasons: [...decided.result.reasons] }) });
      return;
    }

    const forwarded = await forward(ctx, forwardDeps, read, decided, classified.summary);
    if (!forwarded) return;

    const restoreMap = deps.redaction.restore ? decided.redaction?.map : undefined;
    if (isJson(forwarded)) {
      await answerJson(ctx, answerDeps, adapter, read, decided, forwarded, restoreMap);
      return;
    }
    const { parsed, route } = read;
    const { upstream, trace, cached, cachePlan, signal } = forwarded;
    if (upstream.kind !== 'stream') return;
    let events = route.upstreamModel !== parsed.model ? renamed(upstream.events, parsed.model) : upstream.events;
    if (!cached) events = deps.cache.tap(cachePlan, decided.admission?.meter(events, adapter.stream) ?? events, adapter.stream, () => trace.usage);
    await relayStream({ deps, adapter, res, state: ctx.state, base: decided.base, route, parsed, input: decided.input, events, signal, commit: ctx.records.publish, cached, trace, ...(restoreMap ? { restoreMap } : {}) });
  };
}
