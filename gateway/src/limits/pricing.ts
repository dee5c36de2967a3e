// What a request costs, from token usage and a per-model price table. The limiter depends only on
// the Pricing interface, so another price source (or the outcome's own cost) can replace this one.
import type { ModelPriceConfig } from '../config/schema.js';

export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

export interface Pricing {
  /** Whether the model has a price at all (a budget cannot be checked without one). */
  has(model: string): boolean;
  /** Cost in micro-USD, or undefined when the model has no price. */
  costMicros(model: string, usage: TokenUsage): number | undefined;
}

/** A price table in USD per million tokens; conveniently, that is micro-USD per token. */
export function createPriceTable(prices: Readonly<Record<string, ModelPriceConfig>>): Pricing {
  return {
    has: (model) => Object.hasOwn(prices, model),
    costMicros(model, usage) {
      if (!Object.hasOwn(prices, model)) return undefined;
      const p = prices[model] as ModelPriceConfig;
      return usage.prompt_tokens * p.input_per_mtok + usage.completion_tokens * p.output_per_mtok;
    },
  };
}
