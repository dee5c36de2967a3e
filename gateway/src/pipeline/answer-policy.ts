// The response side of the decision contract: the answer is classified with the engine that read
// the prompt, `palisade/response/decision` decides whether it may be returned, and its `redact`
// (then, in reversible mode, the prompt's placeholders) rewrite it before the caller sees it.
import type { AuditRecordV1 } from '@palisade/audit-core';
import type { Classification } from '../classify/index.js';
import type { PolicyEngine, PolicyOutput, PolicyResult } from '../policy/index.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import { createRedactor, operatorsFromPolicy, restore, type PlaceholderMap } from '../redact/index.js';
import type { ApiAdapter, Usage } from './api/types.js';
import type { ClassificationSummary, DecisionInput } from './decision-input.js';

export function summaryOf(c: Classification): ClassificationSummary {
  return { labels: c.labels, entities: c.counts, injection: c.injection };
}

export interface AnswerFacts {
  chars: number;
  usage?: Usage;
}

export interface AnswerDecision {
  result: PolicyResult;
  /** The exact input evaluated, for the outcome record (replay reproduces the decision from it). */
  input: DecisionInput & { response: Record<string, unknown> };
  classification: ClassificationSummary;
}

export function decideAnswer(
  deps: { policy: PolicyEngine; metrics: GatewayMetrics },
  request: DecisionInput,
  classification: Classification,
  facts: AnswerFacts,
): AnswerDecision {
  const summary = summaryOf(classification);
  const response: Record<string, unknown> = { classification: summary, chars: facts.chars };
  if (facts.usage) response['usage'] = facts.usage;
  const input = { ...request, response };
  const result = deps.policy.evaluate('response', input);
  deps.metrics.policyDecisions.inc({ entrypoint: 'response', allow: String(result.allow), error: result.error?.code ?? '' });
  return { result, input, classification: summary };
}

/** Occurrences of the map's placeholders in `text`; no placeholder contains another, so each counts once. */
export function countPlaceholders(text: string, map: PlaceholderMap | undefined): number {
  if (!map || map.entries.size === 0 || text.indexOf('<') < 0) return 0;
  let n = 0;
  for (const placeholder of map.entries.keys()) {
    for (let at = text.indexOf(placeholder); at >= 0; at = text.indexOf(placeholder, at + placeholder.length)) n++;
  }
  return n;
}

export interface RewrittenAnswer {
  body: unknown;
  /** The answer text as the caller receives it. */
  text: string;
  record?: NonNullable<AuditRecordV1['redaction']>;
}

/** Applies the response decision's `redact` to a whole answer, then restores the prompt's placeholders. */
export function rewriteAnswer(
  adapter: ApiAdapter,
  body: unknown,
  texts: readonly string[],
  classification: Pick<Classification, 'entities'>,
  output: PolicyOutput | undefined,
  hashKey: Uint8Array,
  restoreMap: PlaceholderMap | undefined,
): RewrittenAnswer {
  const operators = operatorsFromPolicy(output?.redact);
  let out = [...texts];
  const record: NonNullable<AuditRecordV1['redaction']> = {};
  if (Object.keys(operators).length > 0) {
    const redacted = createRedactor({ operators, hashKey, ...(restoreMap ? { reserved: restoreMap } : {}) }).redact(out, classification);
    out = redacted.texts;
    record.operators = operators;
    record.redacted = redacted.redacted;
  }
  if (restoreMap && restoreMap.entries.size > 0) {
    record.restored = out.reduce((n, t) => n + countPlaceholders(t, restoreMap), 0);
    if (record.restored > 0) out = out.map((t) => restore(t, restoreMap));
  }
  const changed = out.some((t, i) => t !== texts[i]);
  return {
    body: changed ? adapter.withAnswerTexts(body, out) : body,
    text: out.join(''),
    ...(Object.keys(record).length > 0 ? { record } : {}),
  };
}
