// The provider part of an outcome record: which target answered, every attempt, time to first
// byte, token usage (the provider's, or estimated when it gave none) and cost from the price
// table; tokens and cost are counted in metrics as they are recorded.
import type { AuditRecordV1 } from '@palisade/audit-core';
import type { GatewayError } from '../../errors.js';
import type { ModelRoute, ProviderRegistry } from '../../providers/registry.js';
import type { CallTrace } from '../../providers/types.js';
import type { ParsedRequest, Usage } from './types.js';

type Outcome = NonNullable<AuditRecordV1['outcome']>;

export interface OutcomeFacts {
  trace: CallTrace;
  route: ModelRoute;
  parsed: ParsedRequest;
  status: number;
  startedAt: number;
  now: number;
  /** Usage read from the answer the caller received, if any. */
  usage?: Usage;
  answerText: string;
  /** Answered from the response cache: nothing was spent. */
  cached?: boolean;
  error?: GatewayError;
}

/** Caller headers a same-format provider should see, and the caller's retry limit, which the router reads and strips. */
export function forwardedHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['anthropic-version', 'anthropic-beta', 'x-palisade-max-retries']) {
    const v = headers[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}

export function providerOutcome(providers: ProviderRegistry, f: OutcomeFacts): Outcome {
  const last = f.trace.attempts.at(-1);
  // Without an attempt (a cache hit) the configured first target names the provider; the route's own name is the model's.
  const provider = f.trace.provider ?? last?.provider ?? f.route.model.provider ?? f.route.model.targets?.[0]?.provider ?? f.route.provider.name;
  const model = f.trace.model ?? last?.model ?? f.route.upstreamModel;
  const outcome: Outcome = { status: f.status, provider, model, latency_ms: f.now - f.startedAt };
  if (f.trace.attempts.length > 0) outcome.attempts = f.trace.attempts.map((a) => ({ ...a }));
  const ttfbMs = f.trace.firstByteAt !== undefined ? f.trace.firstByteAt - f.startedAt : undefined;
  if (ttfbMs !== undefined) outcome.ttfb_ms = ttfbMs;
  if (f.error) outcome.error = { code: f.error.code, message: f.error.message };
  const usage = f.trace.usage ?? f.usage;
  // A stream that started and then failed or was left still spent tokens; a refused request did not.
  const answered = f.trace.provider !== undefined && ((f.status >= 200 && f.status < 300) || f.trace.firstByteAt !== undefined);
  if (f.cached || !answered) {
    if (usage) outcome.usage = usage;
    return outcome;
  }
  const accounted = providers.account({
    provider,
    model,
    alias: f.parsed.model,
    ...(usage ? { usage } : {}),
    promptTokens: f.parsed.prompt.estimated_tokens,
    answerText: f.answerText,
    ...(ttfbMs !== undefined ? { ttfbSeconds: ttfbMs / 1000 } : {}),
  });
  outcome.usage = accounted.usage;
  if (accounted.costUsd !== undefined) outcome.cost_usd = accounted.costUsd;
  return outcome;
}
