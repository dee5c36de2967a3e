// The decide step, one implementation for every route that asks the policy (modelled APIs,
// token counts, pass-through, the model list): evaluate, count the decision, and name the refusal
// a denial answers with.
import { GatewayError } from '../../errors.js';
import type { GatewayMetrics } from '../../metrics/metrics.js';
import type { PolicyEngine, PolicyResult } from '../../policy/index.js';

export interface DecideDeps {
  policy: Pick<PolicyEngine, 'evaluate'>;
  metrics: Pick<GatewayMetrics, 'policyDecisions'>;
}

/** The request decision for `input`, counted in `palisade_policy_decisions_total`. */
export function decide(deps: DecideDeps, input: object): PolicyResult {
  const result = deps.policy.evaluate('request', input);
  deps.metrics.policyDecisions.inc({ entrypoint: 'request', allow: String(result.allow), error: result.error?.code ?? '' });
  return result;
}

/**
 * What a denying decision answers with: the engine's own error when it could not decide (fail
 * closed), else a denial naming the policy's reasons, with the status the policy chose.
 */
export function denialOf(result: PolicyResult): GatewayError | undefined {
  if (result.allow) return undefined;
  if (result.error) return new GatewayError(result.error.code);
  const status = result.output?.status;
  return new GatewayError('GW_ERR_POLICY_DENIED', { detail: result.reasons.map((r) => r.message).join(' '), ...(status !== undefined ? { status } : {}) });
}
