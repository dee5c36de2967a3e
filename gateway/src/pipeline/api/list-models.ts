// GET /v1/models (and /v1/models/{id}): the configured models the caller's policy would let them
// use. Each model is listed when the request policy allows a clean, empty request for it from
// this principal (request.route is /v1/models, so a policy can tell a listing from a call). The
// answer takes OpenAI's shape, or Anthropic's when the caller sends anthropic-version.
//
// Every listing is audited by one decision record, committed before the answer: who asked, what
// the policy withheld and why, the status, and a commitment to the list of models returned.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { GatewayError } from '../../errors.js';
import type { ModelConfig } from '../../config/schema.js';
import { createMeteredPublish } from '../../audit/metered-publish.js';
import type { RecordBase } from '../../audit/records.js';
import type { PolicyResult } from '../../policy/index.js';
import { buildDecisionInput, type DecisionInput } from '../decision-input.js';
import type { PipelineDeps } from '../deps.js';
import { policyRecord, type AuditPolicy } from '../policy-record.js';
import { stateOf } from '../request-state.js';
import { openContext } from '../steps/context.js';
import { decide } from '../steps/decide.js';
import { recordDecision } from '../steps/record.js';

export const MODELS_ROUTE = '/v1/models';

/** Switches the error shape to Anthropic's for Anthropic SDK callers (set before authentication). */
export function modelsShape(req: Request, res: Response, next: NextFunction): void {
  if (req.headers['anthropic-version'] !== undefined) stateOf(res).shape = 'anthropic';
  next();
}

function ownerOf(m: ModelConfig): string {
  return m.provider ?? m.targets?.[0]?.provider ?? 'palisade';
}

interface Evaluated {
  model: ModelConfig;
  input: DecisionInput;
  result: PolicyResult;
}

/**
 * The policy section of a listing's record. A single model asked for keeps its exact input (it
 * replays); a list keeps the bundle, whether anything was withheld, and the policy's reasons for
 * withholding, each once. A policy failure on any model is named; that model is withheld.
 */
function listingPolicy(evaluated: readonly Evaluated[], single: boolean): AuditPolicy | undefined {
  const first = evaluated[0];
  if (!first) return undefined;
  if (single) return policyRecord(first.result, first.input);
  const policy = policyRecord(first.result, first.input);
  delete policy.input;
  delete policy.shadow;
  policy.allow = true;
  const seen = new Set<string>();
  policy.reasons = [];
  for (const e of evaluated) {
    if (e.result.error && policy.error === undefined) policy.error = e.result.error.code;
    if (e.result.allow) continue;
    for (const r of e.result.reasons) {
      if (seen.has(r.code)) continue;
      seen.add(r.code);
      policy.reasons.push({ code: r.code, message: r.message });
    }
  }
  return policy;
}

export function createListModelsHandler(deps: PipelineDeps): RequestHandler {
  const created = Math.floor(deps.clock() / 1000);
  const createdAt = new Date(created * 1000).toISOString();
  const context = { ids: deps.ids, commit: deps.commit, publish: createMeteredPublish(deps) };

  return async (req: Request, res: Response) => {
    const ctx = openContext(req, res, context);
    const { state, principal } = ctx;
    const anthropic = state.shape === 'anthropic';
    const api = anthropic ? 'anthropic.messages' : 'openai.chat';
    const param = req.params['id'];
    const id = Array.isArray(param) ? param.join('/') : param;
    const now = new Date(state.startedAt).toISOString();

    const candidates = deps.providers.models().filter((m) => id === undefined || m.name === id);
    const evaluated: Evaluated[] = candidates.map((model) => {
      const input = buildDecisionInput({
        principal,
        api,
        route: MODELS_ROUTE,
        model: model.name,
        stream: false,
        params: {},
        prompt: { messages: 0, roles: [], chars: 0, estimated_tokens: 0 },
        classification: { labels: [], entities: {}, injection: { score: 0, detected: false, signals: [] } },
        now,
        gatewayId: deps.config.server.gateway_id,
        ...(req.socket.remoteAddress !== undefined ? { clientAddress: req.socket.remoteAddress } : {}),
      });
      return { model, input, result: decide(deps, input) };
    });
    const models = evaluated.filter((e) => e.result.allow).map((e) => e.model);
    // The id is the caller's to choose: it reaches the record only when it names a configured model.
    const notFound = id !== undefined && models.length === 0 ? new GatewayError('GW_ERR_MODEL_NOT_FOUND') : undefined;

    const request: AuditRecordV1['request'] = { api: state.api, route: MODELS_ROUTE, stream: false };
    if (id !== undefined && candidates.length > 0) request.model_requested = id;
    const base: RecordBase = { decisionId: state.decisionId, gatewayId: deps.config.server.gateway_id, principal, request };
    const policy = listingPolicy(evaluated, id !== undefined);
    const outcome = { status: notFound ? notFound.status : 200, latency_ms: deps.clock() - state.startedAt, ...(notFound ? { error: { code: notFound.code, message: notFound.message } } : {}) };
    // The record has no field for a list: the commitment to the names returned (a JSON array) lets an auditor check it.
    const content = notFound ? undefined : { mode: 'hash' as const, parts: { response: JSON.stringify(models.map((m) => m.name)) } };
    await recordDecision(ctx.records, base, { policy, outcome }, content);
    if (notFound) throw notFound;

    res.setHeader('x-palisade-decision-id', state.decisionId);
    const openai = (m: ModelConfig): Record<string, unknown> => ({ id: m.name, object: 'model', created, owned_by: ownerOf(m) });
    const claude = (m: ModelConfig): Record<string, unknown> => ({ type: 'model', id: m.name, display_name: m.name, created_at: createdAt });
    if (id !== undefined) {
      const m = models[0] as ModelConfig;
      res.json(anthropic ? claude(m) : openai(m));
      return;
    }
    if (anthropic) {
      res.json({ data: models.map(claude), has_more: false, first_id: models[0]?.name ?? null, last_id: models.at(-1)?.name ?? null });
      return;
    }
    res.json({ object: 'list', data: models.map(openai) });
  };
}
