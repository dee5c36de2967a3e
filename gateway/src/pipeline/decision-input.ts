// Builds the policy's input from identity, request and classification. It carries sizes and
// labels, never the prompt text: policies decide on what the prompt holds, not on its words.
import type { Principal } from '../identity/principal.js';
import { policyPrincipal, type PolicyPrincipal } from '../identity/policy-principal.js';
import type { PromptSummary } from './prompt.js';
import type { ParsedRequest } from './api/types.js';

export interface ClassificationSummary {
  labels: string[];
  /** Per entity type; `fields` names where in the request it was found (prompts only). */
  entities: Record<string, { count: number; max_score: number; fields?: string[] }>;
  /**
   * `tier`: which detector decided (`fast`: rules, cues and the n-gram model in-process).
   * `sources`: for prompts, where a detected injection came from (`user`, `system`, `assistant`,
   * `tool_result`, `tool_definition`, `parameter`), so a policy can be stricter on tool results.
   */
  injection: { score: number; detected: boolean; signals: string[]; tier?: string; sources?: string[] };
}

export interface DecisionInput {
  principal: PolicyPrincipal;
  request: { api: string; route: string; model: string; stream: boolean; params: Record<string, unknown>; content_kinds?: string[] };
  prompt: PromptSummary;
  classification: ClassificationSummary;
  context: { now: string; gateway_id: string; client_address?: string };
}

export interface DecisionInputParts {
  principal: Principal;
  api: string;
  route: string;
  model: string;
  stream: boolean;
  params: Record<string, unknown>;
  /** Content the classifier could not read; absent for listings. */
  contentKinds?: readonly string[];
  prompt: PromptSummary;
  classification: ClassificationSummary;
  now: string;
  gatewayId: string;
  clientAddress?: string;
}

export function buildDecisionInput(p: DecisionInputParts): DecisionInput {
  const principal = policyPrincipal(p.principal);
  const context: DecisionInput['context'] = { now: p.now, gateway_id: p.gatewayId };
  if (p.clientAddress !== undefined) context.client_address = p.clientAddress;
  return {
    principal,
    request: { api: p.api, route: p.route, model: p.model, stream: p.stream, params: p.params, ...(p.contentKinds ? { content_kinds: [...p.contentKinds] } : {}) },
    prompt: p.prompt,
    classification: p.classification,
    context,
  };
}

/** Where and when a parsed request was made: the parts of its decision input that are not in the body. */
export interface RequestSetting {
  principal: Principal;
  route: string;
  startedAt: number;
  gatewayId: string;
  clientAddress: string | undefined;
}

/** The request decision's input for a body the API's field table has read. */
export function requestDecisionInput(parsed: Pick<ParsedRequest, 'api' | 'model' | 'stream' | 'params' | 'contentKinds' | 'prompt'>, classification: ClassificationSummary, at: RequestSetting): DecisionInput {
  return buildDecisionInput({
    principal: at.principal,
    api: parsed.api,
    route: at.route,
    model: parsed.model,
    stream: parsed.stream,
    params: parsed.params,
    contentKinds: parsed.contentKinds,
    prompt: parsed.prompt,
    classification,
    now: new Date(at.startedAt).toISOString(),
    gatewayId: at.gatewayId,
    ...(at.clientAddress !== undefined ? { clientAddress: at.clientAddress } : {}),
  });
}
