// The order in which a model's targets are tried: the first is the choice, the rest are its
// fallbacks. Strategies: config order (priority), weighted random, lowest latency average, and
// lowest price.
import type { RoutingStrategy } from '../config/schema.js';
import type { LatencyTracker } from './latency-tracker.js';

export interface OrderableTarget {
  /** `provider/model`, the key of its breaker and latency average. */
  key: string;
  provider: { readonly name: string };
  model: string;
  weight: number;
}

export interface OrderDeps {
  latency: LatencyTracker;
  /** USD per million input plus output tokens, or undefined without a price. */
  price(provider: string, model: string): number | undefined;
  random: () => number;
}

function weightedFirst<T extends OrderableTarget>(targets: readonly T[], random: () => number): T[] {
  const total = targets.reduce((n, t) => n + t.weight, 0);
  let pick = random() * total;
  let chosen = targets.length - 1;
  for (let i = 0; i < targets.length; i++) {
    pick -= (targets[i] as T).weight;
    if (pick < 0) {
      chosen = i;
      break;
    }
  }
  const first = targets[chosen] as T;
  return [first, ...targets.filter((_, i) => i !== chosen)];
}

/** Sorts by a score, lowest first; targets without a score keep config order after those with one. */
function byScore<T extends OrderableTarget>(targets: readonly T[], score: (t: T) => number | undefined, unscoredFirst: boolean): T[] {
  const scored = targets.map((t, i) => ({ t, i, s: score(t) }));
  scored.sort((a, b) => {
    if (a.s === undefined || b.s === undefined) {
      if (a.s === b.s) return a.i - b.i;
      return (a.s === undefined) === unscoredFirst ? -1 : 1;
    }
    return a.s - b.s || a.i - b.i;
  });
  return scored.map((x) => x.t);
}

export function orderTargets<T extends OrderableTarget>(targets: readonly T[], strategy: RoutingStrategy, deps: OrderDeps): T[] {
  if (targets.length <= 1) return [...targets];
  switch (strategy) {
    case 'weighted':
      return weightedFirst(targets, deps.random);
    case 'least_latency':
      // A target never measured goes first once, so every target gets measured.
      return byScore(targets, (t) => deps.latency.average(t.key), true);
    case 'lowest_cost':
      return byScore(targets, (t) => deps.price(t.provider.name, t.model), false);
    case 'priority':
      return [...targets];
  }
}
