// Prometheus instruments of the policy stage, on the registry the gateway passes in; reused when
// a registry already has them, so a restarted service does not register twice.
import { Counter, type Registry } from 'prom-client';

export interface PolicyMetrics {
  /** Bundle checks by role (enforced, shadow) and result (activated, refused, unavailable). */
  bundleLoads: Counter<'role' | 'result'>;
  shadowEvaluations: Counter<'entrypoint'>;
  /** Shadow decisions that differ from the enforced one, by what each decided. */
  shadowDifferences: Counter<'entrypoint' | 'enforced' | 'shadow'>;
}

function counter<L extends string>(registry: Registry | undefined, name: string, help: string, labelNames: L[]): Counter<L> {
  const existing = registry?.getSingleMetric(name);
  if (existing instanceof Counter) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: registry ? [registry] : [] });
}

export function createPolicyMetrics(registry?: Registry): PolicyMetrics {
  return {
    bundleLoads: counter(registry, 'palisade_policy_bundle_loads_total', 'Policy bundle checks that found a new bundle or failed, by role and result', ['role', 'result']),
    shadowEvaluations: counter(registry, 'palisade_policy_shadow_evaluations_total', 'Decisions also evaluated by the shadow bundle', ['entrypoint']),
    shadowDifferences: counter(registry, 'palisade_policy_shadow_differences_total', 'Shadow decisions that differ from the enforced decision', ['entrypoint', 'enforced', 'shadow']),
  };
}
