// POST /v1/messages/count_tokens (Anthropic): how many input tokens a messages request would use.
// The body is a messages request without max_tokens and stream. It is authenticated, classified
// and decided like a call (request.route is /v1/messages/count_tokens, so a policy can tell a
// count from a call), and audited by one decision record committed before anything leaves.
// A model answered by an Anthropic provider is counted by that provider, when the policy asked
// for no redaction (the body leaves exactly as it was classified); otherwise, or when the
// provider cannot answer, the gateway counts with its own tokenizer. `x-palisade-token-count`
// says which: `provider` or `estimate` (other providers' tokenizers differ from the gateway's).
import type { Request, RequestHandler, Response } from 'express';
import type { AuditRecordV1 } from '@palisade/audit-core';
import { GatewayError, toGatewayError } from '../../errors.js';
import { createMeteredPublish } from '../../audit/metered-publish.js';
import { contentModeOf } from '../../audit/commitment.js';
import type { RecordBase } from '../../audit/records.js';
import { sendError } from '../../http/error-body.js';
import { arr, obj } from '../../providers/translate/json-shapes.js';
import { estimateTokensOf } from '../../tokens/estimate-tokens.js';
import { classifySlots } from '../classify-slots.js';
import { requestDecisionInput } from '../decision-input.js';
import type { PipelineDeps } from '../deps.js';
import { ANTHROPIC_MESSAGES_FIELDS } from '../fields/anthropic-messages-fields.js';
import { numericParams, parsedFrom, readTable } from '../fields/parsed-request.js';
import type { ReadOptions } from '../fields/read-body.js';
import { obj as objSpec, type Spec } from '../fields/spec.js';
import { policyRecord } from '../policy-record.js';
import { openContext } from '../steps/context.js';
import { decide, denialOf } from '../steps/decide.js';
import { recordDecision } from '../steps/record.js';
import type { ParsedRequest } from './types.js';
import { operatorsFromPolicy } from '../../redact/index.js';
import { httpCall } from '../../providers/http-call.js';
import type { ModelRoute } from '../../providers/registry.js';
import type { Logger } from '../../logging/logger.js';

export const COUNT_TOKENS_ROUTE = '/v1/messages/count_tokens';
export const COUNT_TOKENS_API = 'anthropic.count_tokens';
/** Says how the count was made: `provider` (the model's Anthropic provider) or `estimate` (the gateway's tokenizer). */
export const TOKEN_COUNT_HEADER = 'x-palisade-token-count';

/** The messages table without the fields that only a generation has. */
function countTokensFields(): Spec {
  if (ANTHROPIC_MESSAGES_FIELDS.k !== 'obj') throw new GatewayError('GW_ERR_INTERNAL', { detail: 'the messages table is not an object' });
  const { max_tokens: _maxTokens, stream: _stream, ...fields } = ANTHROPIC_MESSAGES_FIELDS.fields;
  return objSpec(fields, ANTHROPIC_MESSAGES_FIELDS.required.filter((k) => k !== 'max_tokens' && k !== 'stream'));
}

const COUNT_TOKENS_FIELDS = countTokensFields();
const POLICY_PARAMS = ['temperature', 'top_p', 'top_k'] as const;

function parseCountTokens(body: unknown, options: ReadOptions): ParsedRequest {
  const read = readTable(body, COUNT_TOKENS_FIELDS, options);
  const roles = arr(read.body['messages']).map((m: unknown) => ({ role: String(obj(m)['role']) }));
  if (read.body['system'] !== undefined) roles.unshift({ role: 'system' });
  return parsedFrom(COUNT_TOKENS_API, read, roles, numericParams(read.body, POLICY_PARAMS));
}

/** What the model would read: every string of the request but the model's name and decoded views of other strings. */
function inputTexts(parsed: ParsedRequest): string[] {
  return parsed.slots.filter((s) => !s.view && !(s.path.length === 1 && s.path[0] === 'model')).map((s) => s.text);
}

interface AnthropicTarget {
  provider: string;
  model: string;
}

/** The Anthropic provider a model is answered by first, if it is one. */
function anthropicTarget(deps: PipelineDeps, route: ModelRoute): AnthropicTarget | undefined {
  const provider = route.model.targets?.[0]?.provider ?? route.model.provider;
  const config = deps.config.providers.find((p) => p.name === provider);
  return config?.type === 'anthropic' ? { provider: config.name, model: route.upstreamModel } : undefined;
}

/** The fields Anthropic's count_tokens takes; sampling settings and metadata would be refused there. */
const COUNTED_FIELDS = ['messages', 'system', 'tools', 'tool_choice', 'thinking', 'mcp_servers', 'context_management', 'output_format'];

function countable(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of COUNTED_FIELDS) if (body[k] !== undefined) out[k] = body[k];
  return out;
}

/**
 * The provider's own count, or undefined when it could not give one (the gateway's estimate
 * answers instead: a count is advice, and its label says where it came from).
 */
async function providerCount(deps: PipelineDeps, logger: Logger, target: AnthropicTarget, body: Record<string, unknown>, signal: AbortSignal): Promise<number | undefined> {
  const upstream = deps.providers.passthrough(target.provider);
  if (!upstream) return undefined;
  try {
    const res = await httpCall(
      { provider: target.provider, dispatcher: upstream.dispatcher, clock: deps.clock, timeoutMs: upstream.timeoutMs, idleTimeoutMs: upstream.idleTimeoutMs },
      { url: `${upstream.baseUrl}/messages/count_tokens`, headers: { ...upstream.headers, 'content-type': 'application/json' }, body: JSON.stringify({ ...countable(body), model: target.model }), signal },
    );
    const text = await res.text();
    const count: unknown = res.ok ? (JSON.parse(text) as { input_tokens?: unknown }).input_tokens : undefined;
    if (typeof count === 'number' && Number.isInteger(count) && count >= 0) return count;
    logger.warn({ provider: target.provider, status: res.status }, 'provider did not count tokens; answering with the estimate');
  } catch (err) {
    if (signal.aborted) throw err;
    logger.warn({ provider: target.provider, code: toGatewayError(err).code }, 'provider did not count tokens; answering with the estimate');
  }
  return undefined;
}

export function createCountTokensHandler(deps: PipelineDeps): RequestHandler {
  const { config } = deps;
  const context = { ids: deps.ids, commit: deps.commit, publish: createMeteredPublish(deps) };

  return async (req: Request, res: Response) => {
    const ctx = openContext(req, res, context);
    const { state, principal } = ctx;
    // A body that cannot be read is refused and recorded by the error handler, with the catalogue's message.
    const parsed = parseCountTokens(req.body, { unknownFields: config.ingress.unknown_fields[COUNT_TOKENS_ROUTE] ?? 'refuse' });
    const route = deps.providers.resolve(parsed.model);
    // The name stays out of the record: a caller-chosen string that is not a configured model.
    if (!route) throw new GatewayError('GW_ERR_MODEL_NOT_FOUND');

    const { summary: classification } = await classifySlots(deps.classifier, parsed.slots);
    const input = requestDecisionInput(parsed, classification, { principal, route: COUNT_TOKENS_ROUTE, startedAt: state.startedAt, gatewayId: config.server.gateway_id, clientAddress: req.socket.remoteAddress });
    const result = decide(deps, input);

    const request: AuditRecordV1['request'] = { api: parsed.api, route: COUNT_TOKENS_ROUTE, model_requested: parsed.model, stream: false };
    const base: RecordBase = { decisionId: state.decisionId, gatewayId: config.server.gateway_id, principal, request, contentMode: contentModeOf(result.output?.audit) };
    const denied = denialOf(result);
    // Only a body the policy left as it is may leave: a count is not worth a redaction of its own.
    const target = denied || Object.keys(operatorsFromPolicy(result.output?.redact)).length > 0 ? undefined : anthropicTarget(deps, route);
    const estimate = denied ? 0 : estimateTokensOf(inputTexts(parsed));
    const outcome: NonNullable<AuditRecordV1['outcome']> = { status: denied ? denied.status : 200, latency_ms: deps.clock() - state.startedAt };
    if (denied) outcome.error = { code: denied.code, message: denied.message };
    // A count from the provider arrives after the record is committed; the estimate is known now.
    else if (!target) outcome.usage = { prompt_tokens: estimate, completion_tokens: 0, total_tokens: estimate };
    const parts = !denied && !target ? { request: parsed.promptTexts, response: JSON.stringify({ input_tokens: estimate }) } : { request: parsed.promptTexts };
    await recordDecision(ctx.records, base, { classification, policy: policyRecord(result, input), outcome }, { mode: base.contentMode ?? 'hash', parts });

    for (const [name, value] of Object.entries(result.output?.headers ?? {})) res.setHeader(name, value);
    if (denied) {
      sendError(res, denied, 'anthropic', { decisionId: state.decisionId, reasons: [...result.reasons] });
      return;
    }
    let counted: number | undefined;
    if (target) {
      const abort = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) abort.abort();
      });
      counted = await providerCount(deps, deps.logger, target, parsed.body, abort.signal);
    }
    res.setHeader('x-palisade-decision-id', state.decisionId);
    res.setHeader(TOKEN_COUNT_HEADER, counted === undefined ? 'estimate' : 'provider');
    res.json({ input_tokens: counted ?? estimate });
  };
}
