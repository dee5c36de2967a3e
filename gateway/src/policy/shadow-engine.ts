// Evaluates a candidate (shadow) bundle beside the enforced one on exactly the same input bytes,
// attaches its decision to the result and counts differences. The shadow decision is never
// enforced: whatever it says, the enforced result's allow and reasons are returned unchanged.
import type { PolicyEngine } from './engine.js';
import type { PolicyMetrics } from './policy-metrics.js';
import { serialisePolicyInput } from './policy-input-json.js';
import type { PolicyKind, PolicyReason, PolicyResult, ShadowResult } from './types.js';

function sameCodes(a: readonly PolicyReason[], b: readonly PolicyReason[]): boolean {
  if (a.length !== b.length) return false;
  const x = a.map((r) => r.code).sort();
  const y = b.map((r) => r.code).sort();
  return x.every((code, i) => code === y[i]);
}

const verdict = (allow: boolean): string => (allow ? 'allow' : 'deny');

/** `enforced` decides; `shadow` is consulted once it has a bundle. Closing closes both. */
export function createShadowedEngine(enforced: PolicyEngine, shadow: PolicyEngine, metrics: PolicyMetrics): PolicyEngine {
  function evaluate(kind: PolicyKind, input: unknown): PolicyResult {
    // Serialised once, so both bundles see the same bytes and the cost is paid once.
    const serialised = serialisePolicyInput(input);
    const shared = serialised.ok ? serialised.input : input;
    const result = enforced.evaluate(kind, shared);
    const candidate = shadow.evaluate(kind, shared);
    if (!candidate.bundle) return result;
    const differs = candidate.allow !== result.allow || !sameCodes(candidate.reasons, result.reasons);
    metrics.shadowEvaluations.inc({ entrypoint: result.entrypoint });
    if (differs) metrics.shadowDifferences.inc({ entrypoint: result.entrypoint, enforced: verdict(result.allow), shadow: verdict(candidate.allow) });
    const attached: ShadowResult = { bundle: candidate.bundle, allow: candidate.allow, reasons: candidate.reasons, differs };
    if (candidate.error) attached.error = candidate.error;
    return { ...result, shadow: attached };
  }

  return {
    load: (bytes, source) => enforced.load(bytes, source),
    activate: (bundle, source) => enforced.activate(bundle, source),
    evaluate,
    status: () => enforced.status(),
    async close() {
      await Promise.all([enforced.close(), shadow.close()]);
    },
  };
}
