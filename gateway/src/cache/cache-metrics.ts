// Prometheus instruments of the response cache, on the gateway's registry.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface CacheMetrics {
  lookups: Counter<'result'>;
  stores: Counter<'result'>;
}

export function createCacheMetrics(registry: Registry, bytes: () => number | undefined): CacheMetrics {
  const registers = [registry];
  new Gauge({
    name: 'palisade_cache_bytes',
    help: 'Bytes held by the in-process response cache',
    registers,
    collect() {
      const b = bytes();
      if (b !== undefined) this.set(b);
    },
  });
  return {
    lookups: new Counter({ name: 'palisade_cache_lookups_total', help: 'Response cache lookups by result (hit, miss, bypass, error)', labelNames: ['result'], registers }),
    stores: new Counter({ name: 'palisade_cache_stores_total', help: 'Answers offered to the response cache by result (stored, too_large, incomplete, error)', labelNames: ['result'], registers }),
  };
}
