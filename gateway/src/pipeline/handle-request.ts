// The request path shared by every served API: classify, decide, record the decision, forward,
// record the outcome, answer. Nothing leaves for the provider before its decision record is
// durable, and no answer (or final stream event) reaches the caller before its outcome record is.
import type { Request, RequestHandler, Response } from 'express';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { GatewayError, isGatewayError } from '../errors.js';
import { decisionRecord, outcomeRecord, type RecordBase } from '../audit/records.js';
import { sendError } from '../http/error-body.js';
import type { ProviderResult } from '../providers/types.js';
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
    await commit([decisionRecord(deps.ids, base, { classification, policy, content: { request: deps.commit(JSON.stringify(parsed.texts)) } })], 'decision');

    if (!result.allow) {
      const err = result.error
        ? new GatewayError(result.error.code)
        : new GatewayError('GW_ERR_POLICY_DENIED', { detail: result.reasons.map((r) => r.message).join(' ') });
      sendError(res, err, adapter.shape, { decisionId: state.decisionId, reasons: [...result.reasons] });
      return;
    }

    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    let upstream: ProviderResult;
    try {
      upstream = await route.provider.call({ api: parsed.api, body: { ...parsed.body, model: route.upstreamModel }, stream: parsed.stream }, { signal: abort.signal });
    } catch (err) {
      const gwErr = toGatewayError(err);
      metrics.upstreamErrors.inc({ provider: route.provider.name, code: gwErr.code });
      await commit([outcomeRecord(deps.ids, base, failedOutcome(state, route, deps.clock(), gwErr))], 'outcome');
      throw gwErr;
    }

    if (upstream.kind === 'json') {
      const outcome: Outcome = { status: upstream.status, provider: route.provider.name, model: route.upstreamModel, latency_ms: deps.clock() - state.startedAt };
      const usage = adapter.usage(upstream.body);
      if (usage) outcome.usage = usage;
      await commit([outcomeRecord(deps.ids, base, outcome, { response: deps.commit(adapter.answerText(upstream.body)) })], 'outcome');
      res.setHeader('x-palisade-decision-id', state.decisionId);
      res.status(upstream.status).json(upstream.body);
      return;
    }
    await relayStream({ deps, adapter, res, state, base, route, parsed, events: upstream.events, signal: abort.signal, commit });
  };
}

function failedOutcome(state: RequestState, route: ModelRoute, now: number, err: GatewayError): Outcome {
  return { status: err.status, provider: route.provider.name, model: route.upstreamModel, latency_ms: now - state.startedAt, error: { code: err.code, message: err.message } };
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
    failure = signal.aborted ? undefined : new GatewayError('GW_ERR_UPSTREAM_UNREACHABLE', { cause });
  }

  const outcome: Outcome = { status: 200, provider: c.route.provider.name, model: c.route.upstreamModel, latency_ms: deps.clock() - state.startedAt };
  if (usage) outcome.usage = usage;
  if (failure) {
    outcome.status = failure.status;
    outcome.error = { code: failure.code, message: failure.message };
  } else if (signal.aborted) {
    // 499: the caller closed the connection (nginx's convention).
    outcome.status = 499;
    outcome.error = { code: 'client_disconnected', message: 'The caller closed the connection.' };
  }
  try {
    await c.commit([outcomeRecord(deps.ids, c.base, outcome, { response: deps.commit(text) })], 'outcome');
  } catch (err) {
    failure = toGatewayError(err);
    deps.logger.error({ decision_id: state.decisionId, code: failure.code }, 'outcome record not committed; the stream ends without its final event');
  }
  if (!res.writableEnded && !signal.aborted) {
    await writeEvent(res, failure ? adapter.stream.errorEvent(failure, state.decisionId) : (final as SseEvent));
  }
  res.end();
}
