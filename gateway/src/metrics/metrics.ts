// Prometheus instruments for the gateway, on a registry passed in (no global default registry).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface GatewayMetrics {
  registry: Registry;
  requests: Counter<'route' | 'status'>;
  requestDuration: Histogram<'route'>;
  policyDecisions: Counter<'entrypoint' | 'allow' | 'error'>;
  auditPublishDuration: Histogram<'phase'>;
  auditFailures: Counter<'phase'>;
  upstreamErrors: Counter<'provider' | 'code'>;
  /** Requests holding a processing slot. */
  requestsActive: Gauge;
  /** Requests waiting for a processing slot. */
  requestsQueued: Gauge;
  /** Requests refused under load, by reason: queue_full, queue_wait, event_loop_delay, memory_pressure. */
  requestsShed: Counter<'reason'>;
  eventLoopDelayP99: Gauge;
  /** Heap in use after the last full garbage collection, as a share of the heap limit. */
  heapLiveRatio: Gauge;
  /** Connections closed at the edge, by reason: max_connections, max_connections_per_ip, slow_body. */
  connectionsRefused: Counter<'reason'>;
}

export function createMetrics(options: { defaultMetrics: boolean }): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'palisade_' });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({ name: 'palisade_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers }),
    requestDuration: new Histogram({
      name: 'palisade_http_request_duration_seconds',
      help: 'Time to the end of the response',
      labelNames: ['route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    policyDecisions: new Counter({ name: 'palisade_policy_decisions_total', help: 'Policy decisions', labelNames: ['entrypoint', 'allow', 'error'], registers }),
    auditPublishDuration: new Histogram({
      name: 'palisade_audit_publish_duration_seconds',
      help: 'Time until an audit record is durably acknowledged',
      labelNames: ['phase'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers,
    }),
    auditFailures: new Counter({ name: 'palisade_audit_failures_total', help: 'Audit records that could not be committed', labelNames: ['phase'], registers }),
    upstreamErrors: new Counter({ name: 'palisade_upstream_errors_total', help: 'Provider calls that failed', labelNames: ['provider', 'code'], registers }),
    requestsActive: new Gauge({ name: 'palisade_http_requests_active', help: 'Requests being processed', registers }),
    requestsQueued: new Gauge({ name: 'palisade_http_requests_queued', help: 'Requests waiting for a processing slot', registers }),
    requestsShed: new Counter({ name: 'palisade_http_requests_shed_total', help: 'Requests refused with 503 under load, by reason', labelNames: ['reason'], registers }),
    // With several workers /metrics sums them; a delay or a share of the heap is the worst worker's.
    eventLoopDelayP99: new Gauge({ name: 'palisade_event_loop_delay_p99_seconds', help: 'Event-loop delay, 99th percentile over the last window', registers, aggregator: 'max' }),
    heapLiveRatio: new Gauge({ name: 'palisade_heap_live_ratio', help: 'Heap in use after the last full garbage collection, as a share of the heap limit', registers, aggregator: 'max' }),
    connectionsRefused: new Counter({ name: 'palisade_http_connections_refused_total', help: 'Connections closed at the edge, by reason', labelNames: ['reason'], registers }),
  };
}
