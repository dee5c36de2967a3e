// Prometheus instruments of the provider layer, registered on the gateway's registry: circuit
// states, attempts, time to first byte, tokens and cost.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface RoutingMetrics {
  /** 0 closed, 1 half-open, 2 open. */
  circuitState: Gauge<'provider' | 'model'>;
  attempts: Counter<'provider' | 'model' | 'result'>;
  ttfb: Histogram<'provider' | 'model'>;
  tokens: Counter<'provider' | 'model' | 'kind'>;
  costUsd: Counter<'provider' | 'model'>;
}

export function createRoutingMetrics(registry: Registry): RoutingMetrics {
  const registers = [registry];
  return {
    circuitState: new Gauge({ name: 'palisade_upstream_circuit_state', help: 'Circuit breaker state per provider target: 0 closed, 1 half-open, 2 open', labelNames: ['provider', 'model'], registers }),
    attempts: new Counter({ name: 'palisade_upstream_attempts_total', help: 'Provider calls by result (ok or an error code)', labelNames: ['provider', 'model', 'result'], registers }),
    ttfb: new Histogram({
      name: 'palisade_upstream_ttfb_seconds',
      help: 'Time from the request to the first byte of a streamed answer',
      labelNames: ['provider', 'model'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    tokens: new Counter({ name: 'palisade_tokens_total', help: 'Tokens by provider, model and kind (input or output)', labelNames: ['provider', 'model', 'kind'], registers }),
    costUsd: new Counter({ name: 'palisade_cost_usd_total', help: 'Cost in US dollars from the price table', labelNames: ['provider', 'model'], registers }),
  };
}
