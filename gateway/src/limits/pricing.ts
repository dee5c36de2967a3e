// What a request costs, for budgets: the gateway's price table (`prices` in the config, the same one
// outcome records' cost_usd comes from), looked up by the model callers named or the upstream model
// it routes to. The limiter depends only on the Pricing interface.
import type { ModelPriceConfig } from '../config/schema.js';
import type { PriceTable } from '../tokens/price-table.js';

export interface Pricing {
  /** The price for a request, or undefined when the model has none (a budget cannot be checked). */
  priceOf(model: string, upstreamModel?: string): ModelPriceConfig | undefined;
}

/** Budgets price requests before a provider is chosen, so provider-specific prices are not consulted. */
export function pricingFrom(table: PriceTable): Pricing {
  return { priceOf: (model, upstreamModel) => table.priceOf('', upstreamModel ?? model, model) };
}

/** Micro-USD of token counts: a price in USD per million tokens is micro-USD per token. */
export function costMicros(price: ModelPriceConfig, promptTokens: number, completionTokens: number): number {
  return promptTokens * price.input_per_mtok + completionTokens * price.output_per_mtok;
}
