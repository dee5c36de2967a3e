// GET /v1/models (and /v1/models/{id}): the configured models the caller's policy would let them
// use. Each model is listed when the request policy allows a clean, empty request for it from
// this principal (request.route is /v1/models, so a policy can tell a listing from a call). The
// answer takes OpenAI's shape, or Anthropic's when the caller sends anthropic-version.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { GatewayError } from '../../errors.js';
import type { ModelConfig } from '../../config/schema.js';
import { buildDecisionInput } from '../decision-input.js';
import type { PipelineDeps } from '../deps.js';
import { stateOf } from '../request-state.js';

export const MODELS_ROUTE = '/v1/models';

/** Switches the error shape to Anthropic's for Anthropic SDK callers (set before authentication). */
export function modelsShape(req: Request, res: Response, next: NextFunction): void {
  if (req.headers['anthropic-version'] !== undefined) stateOf(res).shape = 'anthropic';
  next();
}

function ownerOf(m: ModelConfig): string {
  return m.provider ?? m.targets?.[0]?.provider ?? 'palisade';
}

export function createListModelsHandler(deps: PipelineDeps): RequestHandler {
  const created = Math.floor(deps.clock() / 1000);
  const createdAt = new Date(created * 1000).toISOString();

  function allowedModels(req: Request, res: Response, api: string): ModelConfig[] {
    const state = stateOf(res);
    const principal = state.principal;
    if (!principal) throw new GatewayError('GW_ERR_INTERNAL', { detail: 'no principal' });
    const now = new Date(state.startedAt).toISOString();
    return deps.providers.models().filter((m) => {
      const input = buildDecisionInput({
        principal,
        api,
        route: MODELS_ROUTE,
        model: m.name,
        stream: false,
        params: {},
        prompt: { messages: 0, roles: [], chars: 0, estimated_tokens: 0 },
        classification: { labels: [], entities: {}, injection: { score: 0, detected: false, signals: [] } },
        now,
        gatewayId: deps.config.server.gateway_id,
        ...(req.socket.remoteAddress !== undefined ? { clientAddress: req.socket.remoteAddress } : {}),
      });
      return deps.policy.evaluate('request', input).allow;
    });
  }

  return (req: Request, res: Response) => {
    const anthropic = stateOf(res).shape === 'anthropic';
    const models = allowedModels(req, res, anthropic ? 'anthropic.messages' : 'openai.chat');
    const param = req.params['id'];
    const id = Array.isArray(param) ? param.join('/') : param;
    res.setHeader('x-palisade-decision-id', stateOf(res).decisionId);
    const openai = (m: ModelConfig): Record<string, unknown> => ({ id: m.name, object: 'model', created, owned_by: ownerOf(m) });
    const claude = (m: ModelConfig): Record<string, unknown> => ({ type: 'model', id: m.name, display_name: m.name, created_at: createdAt });
    if (id !== undefined) {
      const m = models.find((x) => x.name === id);
      if (!m) throw new GatewayError('GW_ERR_MODEL_NOT_FOUND', { detail: `Unknown model "${id}".` });
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
