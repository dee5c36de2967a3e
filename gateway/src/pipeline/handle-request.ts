// The request path shared by every served API: classify, decide, record the decision, forward,
// record the outcome, answer. Nothing leaves for the provider before its decision record is
// durable, and no answer (or final stream event) reaches the caller before its outcome record is.
import type { Request, RequestHandler, Response } from 'express';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { GatewayError, toGatewayError } from '../errors.js';
import { decisionRecord, outcomeRecord, type RecordBase } from '../audit/records.js';
import { contentModeOf } from '../audit/commitment.js';
import { createMeteredPublish } from '../audit/metered-publish.js';
import { sendError } from '../http/error-body.js';
import { newTrace, type ProviderResult } from '../providers/types.js';
import { forwardedHeaders, providerOutcome } from './api/provider-outcome.js';
import type { ApiAdapter } from './api/types.js';
import type { PolicyOutput } from '../policy/index.js';
import { decideAnswer, rewriteAnswer, summaryOf, type RewrittenAnswer } from './answer-policy.js';
import { buildDecisionInput } from './decision-input.js';
import type { PipelineDeps } from './deps.js';
import { policyRecord } from './policy-record.js';
import { redactPrompt, type PromptRedaction } from './prompt-redaction.js';
import { blockedAnswerError, relayStream } from './relay-stream.js';
import { stateOf } from './request-state.js';

type Outcome = NonNullable<AuditRecordV1['outcome']>;

/** The decision's `headers`; their names and values were checked against the output schema. */
function setPolicyHeaders(res: Response, output: PolicyOutput | undefined): void {
  for (const [name, value] of Object.entries(output?.headers ?? {})) res.setHeader(name, value);
}

export function createApiHandler(adapter: ApiAdapter, deps: PipelineDeps): RequestHandler {
  const { config, metrics } = deps;

  const commit = createMeteredPublish(deps);

  return async (req: Request, res: Response) => {
    const state = stateOf(res);
    const principal = state.principal;
    if (!principal) throw new GatewayError('GW_ERR_INTERNAL', { detail: 'no principal' });
    const parsed = adapter.parse(req.body);
    const route = deps.providers.resolve(parsed.model);
    if (!route || !route.provider.supports(parsed.api)) throw new GatewayError('GW_ERR_MODEL_NOT_FOUND', { detail: `Unknown model "${parsed.model}".` });

    const classified = deps.classifier.classifyMany(parsed.texts);
    const classification = summaryOf(classified);
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
    const policy = policyRecord(result, input);
    // Limits and budgets apply only to requests the policy allows; their verdict is part of the decision record.
    const admission = result.allow ? await deps.limits.admit({ principal, model: parsed.model, upstreamModel: route.upstreamModel, estimatedTokens: parsed.prompt.estimated_tokens, output: result.output }) : undefined;
    if (admission) res.once('close', () => admission.finish());
    base.contentMode = contentModeOf(result.output?.audit);
    const decision = decisionRecord(deps.ids, base, { classification, policy });
    // The prompt leaves redacted as the decision says, or not at all.
    let redaction: PromptRedaction | undefined;
    let refusal: GatewayError | undefined;
    if (result.allow) {
      try {
        redaction = redactPrompt(adapter, parsed, classified, result.output, deps.redaction.hashKey);
        if (redaction) decision.redaction = redaction.record;
      } catch (err) {
        refusal = toGatewayError(err);
        decision.error = { code: refusal.code, message: refusal.message };
      }
    }
    await deps.commit.attach(decision, base.contentMode, { request: parsed.texts });
    admission?.annotate(decision);
    await commit([decision], 'decision');

    setPolicyHeaders(res, result.output);
    if (refusal) {
      sendError(res, refusal, adapter.shape, { decisionId: state.decisionId });
      return;
    }
    if (!result.allow) {
      const err = result.error
        ? new GatewayError(result.error.code)
        : new GatewayError('GW_ERR_POLICY_DENIED', { detail: result.reasons.map((r) => r.message).join(' '), ...(result.output?.status !== undefined ? { status: result.output.status } : {}) });
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
        { api: parsed.api, body: redaction?.body ?? parsed.body, stream: parsed.stream, headers: forwardedHeaders(req.headers) },
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

    const restoreMap = deps.redaction.restore ? redaction?.map : undefined;
    if (upstream.kind === 'json') {
      const answerUsage = adapter.usage(upstream.body);
      const providerTexts = adapter.answerTexts(upstream.body);
      const providerText = providerTexts.join('');
      const outcome: Outcome = providerOutcome(deps.providers, {
        trace, route, parsed, status: upstream.status, startedAt: state.startedAt, now: deps.clock(),
        ...(answerUsage ? { usage: answerUsage } : {}), answerText: providerText, cached: cached.hit !== undefined,
      });
      const usage = outcome.usage;
      if (cached.hit) outcome.cached = true;
      else {
        admission?.settle({ usage, costUsd: outcome.cost_usd });
        deps.cache.store(cachePlan, upstream.status, upstream.body);
      }
      // The answer is classified and decided on before anything of it reaches the caller.
      // Tool call arguments are judged with the text; entity parts past the text are never rewritten.
      const answerClass = deps.classifier.classifyMany([...providerTexts, ...adapter.answerToolTexts(upstream.body)]);
      const verdict = decideAnswer(deps, input, answerClass, { chars: providerText.length, ...(usage ? { usage } : {}) });
      let blocked: GatewayError | undefined = verdict.result.allow ? undefined : blockedAnswerError(verdict);
      let answer: RewrittenAnswer = { body: upstream.body, text: providerText };
      if (!blocked) {
        try {
          answer = rewriteAnswer(adapter, upstream.body, providerTexts, answerClass, verdict.result.output, deps.redaction.hashKey, restoreMap);
        } catch (err) {
          blocked = toGatewayError(err);
        }
      }
      if (blocked) {
        outcome.status = blocked.status;
        outcome.error = { code: blocked.code, message: blocked.message };
      }
      const answered = outcomeRecord(deps.ids, base, outcome);
      answered.classification = verdict.classification;
      answered.policy = policyRecord(verdict.result, verdict.input);
      if (answer.record) answered.redaction = answer.record;
      // What the caller received; a withheld answer is kept as the provider wrote it.
      await deps.commit.attach(answered, base.contentMode ?? 'hash', { response: blocked ? providerText : answer.text });
      await commit([answered], 'outcome');
      setPolicyHeaders(res, verdict.result.output);
      if (blocked) {
        sendError(res, blocked, adapter.shape, { decisionId: state.decisionId, reasons: [...verdict.result.reasons] });
        return;
      }
      res.setHeader('x-palisade-decision-id', state.decisionId);
      res.status(upstream.status).json(answer.body);
      return;
    }
    let events = upstream.events;
    if (!cached.hit) events = deps.cache.tap(cachePlan, admission?.meter(events, adapter.stream) ?? events, adapter.stream);
    await relayStream({ deps, adapter, res, state, base, route, parsed, input, events, signal: abort.signal, commit, cached: cached.hit !== undefined, trace, ...(restoreMap ? { restoreMap } : {}) });
  };
}
