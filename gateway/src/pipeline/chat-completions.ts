// POST /v1/chat/completions: classify, decide, record the decision, forward, record the outcome,
// answer. Nothing leaves for the provider before its decision record is durable, and no answer
// (or final stream event) reaches the caller before its outcome record is.
import type { Request, RequestHandler, Response } from 'express';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { GatewayError, isGatewayError } from '../errors.js';
import { decisionRecord, outcomeRecord, type RecordBase } from '../audit/records.js';
import { errorBody, sendError } from '../http/error-body.js';
import type { ChatBody, ProviderResult } from '../providers/types.js';
import type { ModelRoute } from '../providers/registry.js';
import { buildDecisionInput, type ClassificationSummary } from './decision-input.js';
import type { PipelineDeps } from './deps.js';
import { messageTexts, parseChatBody, summarisePrompt } from './prompt.js';
import { stateOf, type RequestState } from './request-state.js';
import { answerText, deltaText, usageOf, type Usage } from './usage.js';

type Outcome = NonNullable<AuditRecordV1['outcome']>;

function toGatewayError(err: unknown): GatewayError {
  return isGatewayError(err) ? err : new GatewayError('GW_ERR_INTERNAL', { cause: err });
}

export function chatCompletionsHandler(deps: PipelineDeps): RequestHandler {
  const { config, metrics, logger } = deps;

  async function commit(records: AuditRecordV1[], phase: 'decision' | 'outcome'): Promise<void> {
    const end = metrics.auditPublishDuration.startTimer({ phase });
    try {
      await deps.audit.publish(records);
    } catch (err) {
      metrics.auditFailures.inc({ phase });
      throw err;
    } finally {
      end();
    }
  }

  return async (req: Request, res: Response) => {
    const state = stateOf(res);
    const principal = state.principal;
    if (!principal) throw new GatewayError('GW_ERR_INTERNAL', { detail: 'no principal' });
    const body = parseChatBody(req.body);
    const route = deps.providers.resolve(body.model);
    if (!route) throw new GatewayError('GW_ERR_MODEL_NOT_FOUND', { detail: `Unknown model "${body.model}".` });

    const texts = messageTexts(body);
    const classified = deps.classifier.classifyMany(texts);
    const classification: ClassificationSummary = {
      labels: classified.labels,
      entities: classified.counts,
      injection: classified.injection,
    };
    const stream = body.stream === true;
    const input = buildDecisionInput({
      principal,
      api: state.api,
      route: state.route,
      model: body.model,
      stream,
      prompt: summarisePrompt(body, texts),
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
      request: { api: state.api, route: state.route, model_requested: body.model, stream },
    };
    const policy: NonNullable<AuditRecordV1['policy']> = {
      bundle: result.bundle?.name ?? '',
      revision: result.bundle?.revision ?? '',
      digest: result.bundle?.digest ?? '',
      entrypoint: result.entrypoint,
      allow: result.allow,
      reasons: [...result.reasons],
    };
    if (result.error) policy.error = result.error.code;
    const requestText = JSON.stringify(body.messages);
    await commit([decisionRecord(deps.ids, base, { classification, policy, content: { request: deps.commit(requestText) } })], 'decision');

    if (!result.allow) {
      const err = result.error ? new GatewayError(result.error.code) : new GatewayError('GW_ERR_POLICY_DENIED', {
        detail: result.reasons.map((r) => r.message).join(' '),
      });
      sendError(res, err, state.shape, { decisionId: state.decisionId, reasons: [...result.reasons] });
      return;
    }

    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const upstreamBody: ChatBody = { ...body, model: route.upstreamModel };
    let upstream: ProviderResult;
    try {
      upstream = await route.provider.chat(upstreamBody, { signal: abort.signal });
    } catch (err) {
      const gwErr = toGatewayError(err);
      metrics.upstreamErrors.inc({ provider: route.provider.name, code: gwErr.code });
      await commit([outcomeRecord(deps.ids, base, failedOutcome(state, route, deps.clock(), gwErr))], 'outcome');
      throw gwErr;
    }

    if (upstream.kind === 'json') {
      const text = answerText(upstream.body);
      const outcome: Outcome = { status: upstream.status, provider: route.provider.name, model: route.upstreamModel, latency_ms: deps.clock() - state.startedAt };
      const usage = usageOf(upstream.body);
      if (usage) outcome.usage = usage;
      await commit([outcomeRecord(deps.ids, base, outcome, { response: deps.commit(text) })], 'outcome');
      res.setHeader('x-palisade-decision-id', state.decisionId);
      res.status(upstream.status).json(upstream.body);
      return;
    }
    await relayStream(deps, res, state, base, route, upstream.events, abort.signal, commit, logger);
  };
}

function failedOutcome(state: RequestState, route: ModelRoute, now: number, err: GatewayError): Outcome {
  return {
    status: err.status,
    provider: route.provider.name,
    model: route.upstreamModel,
    latency_ms: now - state.startedAt,
    error: { code: err.code, message: err.message },
  };
}

function writeEvent(res: Response, data: string): Promise<void> {
  if (res.write(`data: ${data}\n\n`)) return Promise.resolve();
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

/**
 * Passes upstream events through as they arrive and holds back only the final `[DONE]`, which is
 * sent once the outcome record is durable. A failure mid-stream ends with an error event in
 * OpenAI's shape instead of `[DONE]`.
 */
async function relayStream(
  deps: PipelineDeps,
  res: Response,
  state: RequestState,
  base: RecordBase,
  route: ModelRoute,
  events: AsyncIterable<{ data: string }>,
  signal: AbortSignal,
  commit: (records: AuditRecordV1[], phase: 'decision' | 'outcome') => Promise<void>,
  logger: PipelineDeps['logger'],
): Promise<void> {
  res.status(200);
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('x-palisade-decision-id', state.decisionId);
  res.flushHeaders();

  let text = '';
  let usage: Usage | undefined;
  let done = false;
  let failure: GatewayError | undefined;
  try {
    for await (const ev of events) {
      if (ev.data === '[DONE]') {
        done = true;
        break;
      }
      let chunk: unknown;
      try {
        chunk = JSON.parse(ev.data);
      } catch (cause) {
        failure = new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', { cause });
        break;
      }
      text += deltaText(chunk);
      usage = usageOf(chunk) ?? usage;
      await writeEvent(res, ev.data);
      if (signal.aborted) break;
    }
    if (!done && !failure && !signal.aborted) failure = new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', { detail: 'The stream ended early.' });
  } catch (cause) {
    failure = signal.aborted ? undefined : new GatewayError('GW_ERR_UPSTREAM_UNREACHABLE', { cause });
  }

  const outcome: Outcome = { status: 200, provider: route.provider.name, model: route.upstreamModel, latency_ms: deps.clock() - state.startedAt };
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
    await commit([outcomeRecord(deps.ids, base, outcome, { response: deps.commit(text) })], 'outcome');
  } catch (err) {
    failure = toGatewayError(err);
    logger.error({ decision_id: state.decisionId, code: failure.code }, 'outcome record not committed; the stream ends without its final event');
  }
  if (!res.writableEnded && !signal.aborted) {
    if (failure) {
      await writeEvent(res, JSON.stringify(errorBody(failure, 'openai', { decisionId: state.decisionId })));
    } else {
      await writeEvent(res, '[DONE]');
    }
  }
  res.end();
}
