// The guard-answer and record-outcome steps for a whole (non-streamed) answer: the answer is
// classified and decided on, rewritten as the decision says, and its outcome record is durable
// before any of it reaches the caller. A withheld answer is recorded as the provider wrote it.
import type { Response } from 'express';
import { toGatewayError, type GatewayError } from '../../errors.js';
import { classifyManyInTurns } from '../../classify/index.js';
import type { Admission } from '../../limits/index.js';
import type { ResponseCache } from '../../cache/index.js';
import type { PlaceholderMap } from '../../redact/index.js';
import type { ProviderRegistry } from '../../providers/registry.js';
import { sendError } from '../../http/error-body.js';
import { providerOutcome } from '../api/provider-outcome.js';
import type { ApiAdapter } from '../api/types.js';
import { decideAnswer, rewriteAnswer, type RewrittenAnswer } from '../answer-policy.js';
import { withCallerModel } from '../caller-model.js';
import type { PipelineDeps } from '../deps.js';
import { policyRecord } from '../policy-record.js';
import { blockedAnswerError } from '../relay-stream.js';
import type { RequestContext } from './context.js';
import type { DecidedRequest } from './decide-request.js';
import type { Forwarded } from './forward.js';
import type { ReadRequest } from './read.js';
import { recordOutcome } from './record.js';

export interface AnswerDeps extends Pick<PipelineDeps, 'classifier' | 'policy' | 'metrics'> {
  providers: ProviderRegistry;
  cache: Pick<ResponseCache, 'store'>;
  clock: () => number;
  /** HMAC key of the `hash` redaction operator. */
  hashKey: Uint8Array;
}

/** The decision's `headers`; their names and values were checked against the output schema. */
export function setPolicyHeaders(res: Response, headers: Readonly<Record<string, string>> | undefined): void {
  for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
}

export async function answerJson(
  ctx: RequestContext,
  deps: AnswerDeps,
  adapter: ApiAdapter,
  read: ReadRequest,
  decided: DecidedRequest & { admission?: Admission },
  forwarded: Forwarded & { upstream: { kind: 'json' } },
  restoreMap: PlaceholderMap | undefined,
): Promise<void> {
  const { res, state } = ctx;
  const { parsed, route } = read;
  const { upstream, trace, cached } = forwarded;
  const answerUsage = adapter.usage(upstream.body);
  const providerTexts = adapter.answerTexts(upstream.body);
  const providerText = providerTexts.join('');
  const outcome = providerOutcome(deps.providers, {
    trace, route, parsed, status: upstream.status, startedAt: state.startedAt, now: deps.clock(),
    ...(answerUsage ? { usage: answerUsage } : {}), answerText: providerText, cached,
  });
  if (cached) outcome.cached = true;
  else {
    decided.admission?.settle({ usage: outcome.usage, costUsd: outcome.cost_usd });
    deps.cache.store(forwarded.cachePlan, upstream.status, upstream.body);
  }
  // Tool call arguments are judged with the text; entity parts past the text are never rewritten.
  // A long answer is read in turns of the event loop, as a long prompt is.
  const [answerClass, verdict] = await ctx.trace.step('palisade.answer_guard', async () => {
    const classes = await classifyManyInTurns(deps.classifier, [...providerTexts, ...adapter.answerToolTexts(upstream.body)]);
    return [classes, decideAnswer(deps, decided.input, classes, { chars: providerText.length, ...(outcome.usage ? { usage: outcome.usage } : {}) })] as const;
  });
  let blocked: GatewayError | undefined = verdict.result.allow ? undefined : blockedAnswerError(verdict);
  let answer: RewrittenAnswer = { body: upstream.body, text: providerText };
  if (!blocked) {
    try {
      answer = rewriteAnswer(adapter, upstream.body, providerTexts, answerClass, verdict.result.output, deps.hashKey, restoreMap);
    } catch (err) {
      blocked = toGatewayError(err);
    }
  }
  if (blocked) {
    outcome.status = blocked.status;
    outcome.error = { code: blocked.code, message: blocked.message };
  }
  await recordOutcome(
    ctx.records,
    decided.base,
    outcome,
    { classification: verdict.classification, policy: policyRecord(verdict.result, verdict.input), redaction: answer.record },
    // What the caller received; a withheld answer is kept as the provider wrote it.
    { mode: decided.base.contentMode ?? 'hash', parts: { response: blocked ? providerText : answer.text } },
  );
  setPolicyHeaders(res, verdict.result.output?.headers);
  if (blocked) {
    sendError(res, blocked, adapter.shape, { decisionId: state.decisionId, reasons: [...verdict.result.reasons] });
    return;
  }
  res.setHeader('x-palisade-decision-id', state.decisionId);
  res.status(upstream.status).json(route.upstreamModel !== parsed.model ? withCallerModel(answer.body, parsed.model) : answer.body);
}
