// The decide and record steps of a modelled API: the request decision, limits and budgets for a
// request the policy allows, the prompt's redaction, and the decision record that holds them all,
// durable before this resolves. Whatever refuses the request is known here, and recorded.
import type { Request } from 'express';
import { toGatewayError, type GatewayError } from '../../errors.js';
import type { Classification } from '../../classify/index.js';
import { contentModeOf } from '../../audit/commitment.js';
import type { RecordBase } from '../../audit/records.js';
import type { Admission, Limits } from '../../limits/index.js';
import type { PolicyResult } from '../../policy/index.js';
import type { ParsedRequest } from '../api/types.js';
import { requestDecisionInput, type ClassificationSummary, type DecisionInput } from '../decision-input.js';
import { policyRecord, type AuditPolicy } from '../policy-record.js';
import { redactPrompt, type PromptRedaction } from '../prompt-redaction.js';
import type { RequestContext } from './context.js';
import { decide, denialOf, type DecideDeps } from './decide.js';
import { recordDecision } from './record.js';
import type { ReadRequest } from './read.js';

export interface DecidedRequest {
  input: DecisionInput;
  result: PolicyResult;
  /** The decision as the record holds it (revision, reasons, the input's digest). */
  policy: AuditPolicy;
  /** Who asked for what, shared by the decision and outcome records. */
  base: RecordBase;
  admission?: Admission;
  /** The prompt as it leaves, when the decision redacts it. */
  redaction?: PromptRedaction;
  /** Set when the request must not leave: the policy denied it, its redaction failed, or a limit refused it. */
  refusal?: GatewayError;
}

export interface DecideRequestDeps extends DecideDeps {
  limits: Pick<Limits, 'admit'>;
  gatewayId: string;
  /** HMAC key of the `hash` redaction operator. */
  hashKey: Uint8Array;
}

export async function decideRequest(
  ctx: RequestContext,
  deps: DecideRequestDeps,
  read: ReadRequest,
  classified: { classification: Classification; summary: ClassificationSummary },
  at: { route: string; req: Request },
): Promise<DecidedRequest> {
  const { parsed } = read;
  const input = requestDecisionInput(parsed, classified.summary, { principal: ctx.principal, route: at.route, startedAt: ctx.state.startedAt, gatewayId: deps.gatewayId, clientAddress: at.req.socket.remoteAddress });
  const result = ctx.trace.step('palisade.decide', () => decide(deps, input));
  const base: RecordBase = {
    decisionId: ctx.state.decisionId,
    gatewayId: deps.gatewayId,
    principal: ctx.principal,
    request: { api: parsed.api, route: at.route, model_requested: parsed.model, stream: parsed.stream },
    contentMode: contentModeOf(result.output?.audit),
  };
  const decided: DecidedRequest = { input, result, policy: policyRecord(result, input), base };
  if (!result.allow) {
    decided.refusal = denialOf(result);
    return decided;
  }
  // Limits and budgets apply only to requests the policy allows; their verdict is part of the decision record.
  const admission = await deps.limits.admit({ principal: ctx.principal, model: parsed.model, upstreamModel: read.route.upstreamModel, estimatedTokens: parsed.prompt.estimated_tokens, output: result.output });
  ctx.res.once('close', () => admission.finish());
  decided.admission = admission;
  // The prompt leaves redacted as the decision says, or not at all.
  try {
    const redaction = redactPrompt(parsed, classified.classification, result.output, deps.hashKey);
    if (redaction) decided.redaction = redaction;
  } catch (err) {
    decided.refusal = toGatewayError(err);
  }
  if (admission.error) decided.refusal = admission.error;
  return decided;
}

/** The decision record of a modelled API's request, with what the prompt commits to; durable when this resolves. */
export async function recordRequestDecision(ctx: RequestContext, parsed: ParsedRequest, decided: DecidedRequest, summary: ClassificationSummary): Promise<void> {
  const { refusal, admission, redaction } = decided;
  await recordDecision(
    ctx.records,
    decided.base,
    {
      classification: summary,
      policy: decided.policy,
      redaction: redaction?.record,
      limits: admission?.record,
      // A denial's reasons are in `policy`; other refusals are the record's error.
      error: refusal && decided.result.allow ? { code: refusal.code, message: refusal.message } : undefined,
    },
    { mode: decided.base.contentMode ?? 'hash', parts: { request: parsed.promptTexts } },
  );
}
