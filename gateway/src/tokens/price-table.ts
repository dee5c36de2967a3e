// Prices per model from the configuration, and the cost of a call from its token usage.
import type { ModelPriceConfig } from '../config/schema.js';

export interface TokenCounts {
  prompt_tokens: number;
  completion_tokens: number;
}

export interface PriceTable {
  /** The price of a provider's model: `provider:model` first, then the model, then the alias callers used. */
  priceOf(provider: string, model: string, alias?: string): ModelPriceConfig | undefined;
  /** US dollars for the usage, or undefined when the model has no price. */
  costOf(provider: string, model: string, usage: TokenCounts, alias?: string): number | undefined;
}

export function createPriceTable(prices: Readonly<Record<string, ModelPriceConfig>>): PriceTable {
  const get = (key: string): ModelPriceConfig | undefined => (Object.hasOwn(prices, key) ? prices[key] : undefined);
  const priceOf = (provider: string, model: string, alias?: string): ModelPriceConfig | undefined =>
    get(`${provider}:${model}`) ?? get(model) ?? (alias !== undefined ? get(alias) : undefined);
  return {
    priceOf,
    costOf(provider, model, usage, alias) {
      const p = priceOf(provider, model, alias);
      if (!p) return undefined;
      const cost = (usage.prompt_tokens * p.input_per_mtok + usage.completion_tokens * p.output_per_mtok) / 1_000_000;
      // Twelve decimals keep sub-cent costs exact without float noise in the ledger.
      return Math.round(cost * 1e12) / 1e12;
    },
  };
}
