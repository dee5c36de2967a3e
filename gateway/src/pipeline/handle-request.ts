// The request path shared by every served API: classify, decide, record the decision, forward,
// record the outcome, answer. Nothing leaves for the provider before its decision record is
// durable, and no answer (or final stream event) reaches the caller before its outcome record is.
import type { Request, RequestHandler, Response } from 'express';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { ERRORS, GatewayError, toGatewayError } from '../errors.js';
import type { Principal } from '../identity/principal.js';
import { classifySlots } from './classify-slots.js';
import { eventWithCallerModel, withCallerModel } from './caller-model.js';
import { createEgressCheck } from './egress-check.js';
import { decisionRecord, outcomeRecord, type RecordBase } from '../audit/records.js';
import { contentModeOf } from '../audit/commitment.js';
import { createMeteredPublish } from '../audit/metered-publish.js';
import { sendError } from '../http/error-body.js';
import { newTrace, type ProviderResult } from '../providers/types.js';
import type { SseEvent } from '../providers/sse.js';
import { forwardedHeaders, providerOutcome } from './api/provider-outcome.js';
import type { ApiAdapter, ParsedRequest } from './api/types.js';
import type { PolicyOutput } from '../policy/index.js';
import { decideAnswer, rewriteAnswer, type RewrittenAnswer } from './answer-policy.js';
import { requestDecisionInput } from './decision-input.js';
import type { PipelineDeps } from './deps.js';
import { policyRecord } from './policy-record.js';
import { redactPrompt, type PromptRedaction } from './prompt-redaction.js';
import { blockedAnswerError, relayStream } from './relay-stream.js';
import { stateOf } from './request-state.js';
import { traceOf } from '../telemetry/request-trace-state.js';

type Outcome = NonNullable<AuditRecordV1['outcome']>;

/** The decision's `headers`; their names and values were checked against the output schema. */
function setPolicyHeaders(res: Response, output: PolicyOutput | undefined): void {
  for (const [name, value] of Object.entries(output?.headers ?? {})) res.setHeader(name, value);
}

async function* renamed(events: AsyncIterable<SseEvent>, alias: string): AsyncGenerator<SseEvent> {
  for await (const ev of events) yield eventWithCallerModel(ev, alias);
}

export function createApiHandler(adapter: ApiAdapter, deps: PipelineDeps): RequestHandler {
  const { config, metrics } = deps;

  const commit = createMeteredPublish(deps);
  // Model names the gateway writes into outgoing bodies; they come from configuration, not callers.
  const configuredModels = [...new Set(config.models.flatMap((m) => [m.name, m.upstream_model ?? m.name, ...(m.targets ?? []).map((t) => t.model ?? m.name)]))];

  /**
   * A request refused before it could be read (its shape, an unknown field, an unknown model):
   * recorded with the catalogue's message only, since the detail names caller-chosen keys.
   */
  async function refuseUnread(err: GatewayError, request: AuditRecordV1['request'], principal: Principal, decisionId: string, res: Response): Promise<void> {
    if (err.status >= 500) throw err;
    // A flood of bad bodies is counted into summary records past identity.denial_audit's rate.
    if (!deps.authenticator.admitDenial(err.code, adapter.api, adapter.route)) {
      sendError(res, err, adapter.shape, { decisionId });
      return;
    }
    const record = decisionRecord(deps.ids, { decisionId, gatewayId: config.server.gateway_id, principal, request }, {});
    record.error = { code: err.code, message: ERRORS[err.code].message };
    await traceOf(res).commit(commit)([record], 'decision');
    sendError(res, err, adapter.shape, { decisionId });
  }

  return async (req: Request, res: Response) => {
    const state = stateOf(res);
    const requestTrace = traceOf(res);
    const tracedCommit = requestTrace.commit(commit);
    const principal = state.principal;
    if (!principal) throw new GatewayError('GW_ERR_INTERNAL', { detail: 'no principal' });
    const request: AuditRecordV1['request'] = { api: adapter.api, route: adapter.route, stream: false };
    let parsed: ParsedRequest;
    try {
      parsed = await adapter.parse(req.body, { unknownFields: config.ingress.unknown_fields[adapter.route] ?? 'refuse' });
    } catch (err) {
      await refuseUnread(toGatewayError(err), request, principal, state.decisionId, res);
      return;
    }
    const route = deps.providers.resolve(parsed.model);
    if (!route || !route.provider.supports(parsed.api)) {
      // The name stays out of the record: a caller-chosen string that is not a configured model.
      await refuseUnread(new GatewayError('GW_ERR_MODEL_NOT_FOUND'), request, principal, state.decisionId, res);
      return;
    }

    const { classification: classified, summary: classification } = requestTrace.step('palisade.classify', () => classifySlots(deps.classifier, parsed.slots));
    const input = requestDecisionInput(parsed, classification, { principal, route: adapter.route, startedAt: state.startedAt, gatewayId: config.server.gateway_id, clientAddress: req.socket.remoteAddress });
    const result = requestTrace.step('palisade.decide', () => deps.policy.evaluate('request', input));
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
        redaction = redactPrompt(parsed, classified, result.output, deps.redaction.hashKey);
        if (redaction) decision.redaction = redaction.record;
      } catch (err) {
        refusal = toGatewayError(err);
        decision.error = { code: refusal.code, message: refusal.message };
      }
    }
    await deps.commit.attach(decision, base.contentMode, { request: parsed.promptTexts });
    admission?.annotate(decision);
    await tracedCommit([decision], 'decision');

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
        { signal: abort.signal, trace, policyRoute: result.output?.route, examine: requestTrace.upstream({ api: parsed.api, model: parsed.model, stream: parsed.stream }, trace, createEgressCheck({ classifier: deps.classifier, examined: redaction?.texts ?? parsed.texts, decided: classification, trusted: configuredModels })) },
      );
    } catch (err) {
      if (abort.signal.aborted) {
        // The caller left before an answer started: nothing to answer, and no gateway failure to log.
        const left = providerOutcome(deps.providers, { trace, route, parsed, status: 499, startedAt: state.startedAt, now: deps.clock(), answerText: '' });
        left.error = { code: 'client_disconnected', message: 'The caller closed the connection.' };
        await tracedCommit([outcomeRecord(deps.ids, base, left)], 'outcome');
        return;
      }
      const gwErr = toGatewayError(err);
      const failed = providerOutcome(deps.providers, { trace, route, parsed, status: gwErr.status, startedAt: state.startedAt, now: deps.clock(), answerText: '', error: gwErr });
      metrics.upstreamErrors.inc({ provider: failed.provider ?? route.provider.name, code: gwErr.code });
      await tracedCommit([outcomeRecord(deps.ids, base, failed)], 'outcome');
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
      const [answerClass, verdict] = requestTrace.step('palisade.answer_guard', () => {
        const classes = deps.classifier.classifyMany([...providerTexts, ...adapter.answerToolTexts(upstream.body)]);
        return [classes, decideAnswer(deps, input, classes, { chars: providerText.length, ...(usage ? { usage } : {}) })] as const;
      });
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
      await tracedCommit([answered], 'outcome');
      setPolicyHeaders(res, verdict.result.output);
      if (blocked) {
        sendError(res, blocked, adapter.shape, { decisionId: state.decisionId, reasons: [...verdict.result.reasons] });
        return;
      }
      res.setHeader('x-palisade-decision-id', state.decisionId);
      res.status(upstream.status).json(route.upstreamModel !== parsed.model ? withCallerModel(answer.body, parsed.model) : answer.body);
      return;
    }
    let events = route.upstreamModel !== parsed.model ? renamed(upstream.events, parsed.model) : upstream.events;
    if (!cached.hit) events = deps.cache.tap(cachePlan, admission?.meter(events, adapter.stream) ?? events, adapter.stream, () => trace.usage);
    await relayStream({ deps, adapter, res, state, base, route, parsed, input, events, signal: abort.signal, commit: tracedCommit, cached: cached.hit !== undefined, trace, ...(restoreMap ? { restoreMap } : {}) });
  };
}
