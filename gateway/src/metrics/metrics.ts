// Prometheus instruments for the gateway, on a registry passed in (no global default registry).
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface GatewayMetrics {
  registry: Registry;
  requests: Counter<'route' | 'status'>;
  requestDuration: Histogram<'route'>;
  policyDecisions: Counter<'entrypoint' | 'allow' | 'error'>;
  auditPublishDuration: Histogram<'phase'>;
  auditFailures: Counter<'phase'>;
  upstreamErrors: Counter<'provider' | 'code'>;
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
  };
}
