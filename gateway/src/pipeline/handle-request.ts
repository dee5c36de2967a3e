// The request path shared by every served API: classify, decide, record the decision, forward,
// record the outcome, answer. Nothing leaves for the provider before its decision record is
// durable, and no answer (or final stream event) reaches the caller before its outcome record is.
import type { Request, RequestHandler, Response } from 'express';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { GatewayError, isGatewayError } from '../errors.js';
import { decisionRecord, outcomeRecord, type RecordBase } from '../audit/records.js';
import { contentModeOf } from '../audit/commitment.js';
import { sendError } from '../http/error-body.js';
import { newTrace, type CallTrace, type ProviderResult } from '../providers/types.js';
import { forwardedHeaders, providerOutcome } from './api/provider-outcome.js';
import type { ModelRoute } from '../providers/registry.js';
import type { SseEvent } from '../providers/sse.js';
import type { ApiAdapter, ParsedRequest, Usage } from './api/types.js';
import { buildDecisionInput, type ClassificationSummary } from './decision-input.js';
import type { PipelineDeps } from './deps.js';
import { stateOf, type RequestState } from './request-state.js';

type Outcome = NonNullable<AuditRecordV1['outcome']>;
type Commit = (records: AuditRecordV1[], phase: 'decision' | 'outcome') => Promise<void>;

function toGatewayError(err: unknown): GatewayError {
  return isGatewayError(err) ? err : new GatewayError('GW_ERR_INTERNAL', { cause: err });
}

export function createApiHandler(adapter: ApiAdapter, deps: PipelineDeps): RequestHandler {
  const { config, metrics } = deps;

  const commit: Commit = async (records, phase) => {
    const end = metrics.auditPublishDuration.startTimer({ phase });
    try {
      await deps.audit.publish(records);
    } catch (err) {
      metrics.auditFailures.inc({ phase });
      throw err;
    } finally {
      end();
    }
  };

  return async (req: Request, res: Response) => {
    const state = stateOf(res);
    const principal = state.principal;
    if (!principal) throw new GatewayError('GW_ERR_INTERNAL', { detail: 'no principal' });
    const parsed = adapter.parse(req.body);
    const route = deps.providers.resolve(parsed.model);
    if (!route || !route.provider.supports(parsed.api)) throw new GatewayError('GW_ERR_MODEL_NOT_FOUND', { detail: `Unknown model "${parsed.model}".` });

    const classified = deps.classifier.classifyMany(parsed.texts);
    const classification: ClassificationSummary = { labels: classified.labels, entities: classified.counts, injection: classified.injection };
    const input = buildDecisionInput({
      principal,
      api: parsed.api,
      route: adapter.route,
      model: parsed.model,
      stream: parsed.stream,
      params: parsed.params,
      prompt: parsed.prompt,
      classification,
      now: new Date(state.startedAt).toISOString(),
      gatewayId: config.server.gateway_id,
      ...(req.socket.remoteAddress !== undefined ? { clientAddress: req.socket.remoteAddress } : {}),
    });
    const result = deps.policy.evaluate('request', input);
    metrics.policyDecisions.inc({ entrypoint: 'request', allow: String(result.allow), error: result.error?.code ?? '' });

    const base: RecordBase = {
      decisionId: state.decisionId,
      gatewayId: config.server.gateway_id,
      principal,
      request: { api: parsed.api, route: adapter.route, model_requested: parsed.model, stream: parsed.stream },
    };
    const policy: NonNullable<AuditRecordV1['policy']> = {
      bundle: result.bundle?.name ?? '',
      revision: result.bundle?.revision ?? '',
      digest: result.bundle?.digest ?? '',
      entrypoint: result.entrypoint,
      allow: result.allow,
      reasons: [...result.reasons],
      input: input as unknown as Record<string, unknown>,
    };
    if (result.error) policy.error = result.error.code;
    if (result.shadow) {
      const sh = result.shadow;
      policy.shadow = { bundle: sh.bundle.name, revision: sh.bundle.revision, allow: sh.allow, differs: sh.differs, reasons: [...sh.reasons] };
    }
    // Limits and budgets apply only to requests the policy allows; their verdict is part of the decision record.
    const admission = result.allow ? await deps.limits.admit({ principal, model: parsed.model, upstreamModel: route.upstreamModel, estimatedTokens: parsed.prompt.estimated_tokens, output: result.output }) : undefined;
    if (admission) res.once('close', () => admission.finish());
    base.contentMode = contentModeOf(result.output?.audit);
    const decision = decisionRecord(deps.ids, base, { classification, policy });
    await deps.commit.attach(decision, base.contentMode, { request: parsed.texts });
    admission?.annotate(decision);
    await commit([decision], 'decision');

    if (!result.allow) {
      const err = result.error
        ? new GatewayError(result.error.code)
        : new GatewayError('GW_ERR_POLICY_DENIED', { detail: result.reasons.map((r) => r.message).join(' ') });
      sendError(res, err, adapter.shape, { decisionId: state.decisionId, reasons: [...result.reasons] });
      return;
    }
    if (admission) {
      for (const [name, value] of Object.entries(admission.headers)) res.setHeader(name, value);
      if (admission.error) {
        sendError(res, admission.error, adapter.shape, { decisionId: state.decisionId });
        return;
      }
    }

    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const cachePlan = deps.cache.plan({ api: parsed.api, model: parsed.model, stream: parsed.stream, body: parsed.body, params: parsed.params, principal, output: result.output, revision: policy.revision, cacheControl: req.headers['cache-control'] });
    const cached = await deps.cache.lookup(cachePlan);
    for (const [name, value] of Object.entries(cached.headers)) res.setHeader(name, value);
    const trace = newTrace();
    let upstream: ProviderResult;
    try {
      upstream = cached.hit ?? await route.provider.call(
        { api: parsed.api, body: parsed.body, stream: parsed.stream, headers: forwardedHeaders(req.headers) },
        { signal: abort.signal, trace, policyRoute: result.output?.route },
      );
    } catch (err) {
      if (abort.signal.aborted) {
        // The caller left before an answer started: nothing to answer, and no gateway failure to log.
        const left = providerOutcome(deps.providers, { trace, route, parsed, status: 499, startedAt: state.startedAt, now: deps.clock(), answerText: '' });
        left.error = { code: 'client_disconnected', message: 'The caller closed the connection.' };
        await commit([outcomeRecord(deps.ids, base, left)], 'outcome');
        return;
      }
      const gwErr = toGatewayError(err);
      const failed = providerOutcome(deps.providers, { trace, route, parsed, status: gwErr.status, startedAt: state.startedAt, now: deps.clock(), answerText: '', error: gwErr });
      metrics.upstreamErrors.inc({ provider: failed.provider ?? route.provider.name, code: gwErr.code });
      await commit([outcomeRecord(deps.ids, base, failed)], 'outcome');
      throw gwErr;
    }

    if (upstream.kind === 'json') {
      const answerUsage = adapter.usage(upstream.body);
      const outcome: Outcome = providerOutcome(deps.providers, {
        trace, route, parsed, status: upstream.status, startedAt: state.startedAt, now: deps.clock(),
        ...(answerUsage ? { usage: answerUsage } : {}), answerText: adapter.answerText(upstream.body), cached: cached.hit !== undefined,
      });
      const usage = outcome.usage;
      if (cached.hit) outcome.cached = true;
      else {
        admission?.settle({ usage, costUsd: outcome.cost_usd });
        deps.cache.store(cachePlan, upstream.status, upstream.body);
      }
      const answered = outcomeRecord(deps.ids, base, outcome);
      await deps.commit.attach(answered, base.contentMode ?? 'hash', { response: adapter.answerText(upstream.body) });
      await commit([answered], 'outcome');
      res.setHeader('x-palisade-decision-id', state.decisionId);
      res.status(upstream.status).json(upstream.body);
      return;
    }
    let events = upstream.events;
    if (!cached.hit) events = deps.cache.tap(cachePlan, admission?.meter(events, adapter.stream) ?? events, adapter.stream);
    await relayStream({ deps, adapter, res, state, base, route, parsed, events, signal: abort.signal, commit, cached: cached.hit !== undefined, trace });
  };
}

function writeEvent(res: Response, ev: SseEvent): Promise<void> {
  const text = `${ev.event !== undefined ? `event: ${ev.event}\n` : ''}data: ${ev.data}\n\n`;
  if (res.write(text)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

interface StreamContext {
  deps: PipelineDeps;
  adapter: ApiAdapter;
  res: Response;
  state: RequestState;
  base: RecordBase;
  route: ModelRoute;
  parsed: ParsedRequest;
  events: AsyncIterable<SseEvent>;
  signal: AbortSignal;
  commit: Commit;
  /** Answered from the response cache. */
  cached?: boolean;
  trace: CallTrace;
}

/**
 * Passes events through as they arrive and holds back only the API's final event, which is sent
 * once the outcome record is durable. A failure mid-stream ends with the API's error event.
 */
async function relayStream(c: StreamContext): Promise<void> {
  const { res, adapter, state, signal, deps } = c;
  res.status(200);
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('x-palisade-decision-id', state.decisionId);
  res.flushHeaders();

  let text = '';
  let usage: Usage | undefined;
  let final: SseEvent | undefined;
  let failure: GatewayError | undefined;
  try {
    for await (const ev of c.events) {
      if (adapter.stream.isFinal(ev)) {
        final = ev;
        break;
      }
      let parsedEvent: unknown;
      if (adapter.stream.isJson(ev)) {
        try {
          parsedEvent = JSON.parse(ev.data);
        } catch (cause) {
          failure = new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', { cause });
          break;
        }
      }
      text += adapter.stream.text(ev, parsedEvent);
      usage = adapter.stream.usage(ev, parsedEvent) ?? usage;
      await writeEvent(res, ev);
      if (signal.aborted) break;
    }
    if (!final && !failure && !signal.aborted) failure = new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', { detail: 'The stream ended early.' });
  } catch (cause) {
    failure = signal.aborted ? undefined : isGatewayError(cause) ? cause : new GatewayError('GW_ERR_UPSTREAM_UNREACHABLE', { cause });
  }

  const status = failure ? failure.status : signal.aborted ? 499 : 200;
  const outcome: Outcome = providerOutcome(deps.providers, {
    trace: c.trace, route: c.route, parsed: c.parsed, status, startedAt: state.startedAt, now: deps.clock(),
    ...(usage ? { usage } : {}), answerText: text, cached: c.cached === true,
  });
  if (c.cached) outcome.cached = true;
  if (failure) {
    outcome.status = failure.status;
    outcome.error = { code: failure.code, message: failure.message };
  } else if (signal.aborted) {
    // 499: the caller closed the connection (nginx's convention).
    outcome.status = 499;
    outcome.error = { code: 'client_disconnected', message: 'The caller closed the connection.' };
  }
  try {
    const streamed = outcomeRecord(deps.ids, c.base, outcome);
    await deps.commit.attach(streamed, c.base.contentMode ?? 'hash', { response: text });
    await c.commit([streamed], 'outcome');
  } catch (err) {
    failure = toGatewayError(err);
    deps.logger.error({ decision_id: state.decisionId, code: failure.code }, 'outcome record not committed; the stream ends without its final event');
  }
  if (!res.writableEnded && !signal.aborted) {
    await writeEvent(res, failure ? adapter.stream.errorEvent(failure, state.decisionId) : (final as SseEvent));
  }
  res.end();
}
