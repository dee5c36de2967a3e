// The gateway's tracer. With `telemetry.otlp` unset no SDK is started: the tracer is the API's
// no-op one and spans cost an object each. With it set, spans are batched and exported over
// OTLP/HTTP; nothing is registered globally, so several gateways in one process do not meet.
import { trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { ProviderConfig, TelemetryConfig } from '../config/schema.js';
import { genAiProviderNames } from './gen-ai.js';
import { openRequestTrace, type RequestTrace } from './request-trace.js';

export const TRACER_NAME = 'palisade-gateway';

export interface Tracing {
  /** True when spans are recorded and exported. */
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** Opens a request's server span; its steps are spans under it. */
  open(request: { method: string; route: string; decisionId: string }): RequestTrace;
  /** Exports what is buffered, then stops. */
  close(): Promise<void>;
}

/** The collector's traces URL: OTLP/HTTP's signal path is appended to a bare address. */
export function tracesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  if (!url.pathname.endsWith('/v1/traces')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  return url.toString();
}

export interface TracingDeps {
  gatewayId: string;
  providers: readonly ProviderConfig[];
  clock: () => number;
  /** Sent with every export: the headers of `otlp.headers_file`, read by the configuration loader. */
  otlpHeaders: Readonly<Record<string, string>>;
}

export function createTracing(config: TelemetryConfig, deps: TracingDeps): Tracing {
  const otlp = config.otlp;
  const providerNames = genAiProviderNames(deps.providers);
  const opener = (tracer: Tracer) => (request: { method: string; route: string; decisionId: string }): RequestTrace => openRequestTrace({ tracer, ...request, providerNames, clock: deps.clock });
  if (!otlp) {
    const tracer = trace.getTracer(TRACER_NAME);
    return { enabled: false, tracer, open: opener(tracer), close: () => Promise.resolve() };
  }
  const exporter = new OTLPTraceExporter({
    url: tracesUrl(otlp.endpoint),
    headers: { ...deps.otlpHeaders },
    timeoutMillis: otlp.timeout_ms,
  });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.service_name, 'service.instance.id': deps.gatewayId }),
    // A caller's sampled flag is not read: traces start at the gateway, so the ratio alone decides.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampling_ratio) }),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer(TRACER_NAME);
  return { enabled: true, tracer, open: opener(tracer), close: () => provider.shutdown() };
}
