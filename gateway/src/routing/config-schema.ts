// The `routing` section of the gateway configuration: retries, the deadline and circuit breakers
// per target. Types are derived from the schema; docs/configuration.md is generated from it.
import { Type, type Static } from '@sinclair/typebox';

export const RoutingSchema = Type.Object(
  {
    retry: Type.Object(
      {
        max_attempts: Type.Integer({ minimum: 1, maximum: 10, default: 2, description: 'calls to one target for one request, the first included' }),
        base_delay_ms: Type.Integer({ minimum: 0, default: 100, description: 'wait before the first retry; doubled for each further one' }),
        max_delay_ms: Type.Integer({ minimum: 0, default: 2000, description: 'longest wait between two attempts' }),
        max_retry_after_ms: Type.Integer({
          minimum: 0,
          default: 10000,
          description: 'a provider asking to wait longer than this is not waited for: the next target is tried',
        }),
      },
      { additionalProperties: false, default: {}, description: 'retries of one target' },
    ),
    deadline_ms: Type.Integer({ minimum: 1, default: 120000, description: 'time allowed for all attempts together, until an answer starts' }),
    breaker: Type.Object(
      {
        consecutive_failures: Type.Integer({ minimum: 1, default: 5, description: "consecutive failures that open a target's circuit" }),
        error_rate: Type.Number({
          exclusiveMinimum: 0,
          maximum: 1,
          default: 0.5,
          description: 'failure rate over the last `window` calls that opens it (with at least `min_calls`)',
        }),
        window: Type.Integer({ minimum: 1, maximum: 1000, default: 20, description: 'calls the failure rate is counted over' }),
        min_calls: Type.Integer({ minimum: 1, default: 10, description: 'calls in the window before the failure rate counts' }),
        open_ms: Type.Integer({ minimum: 1, default: 30000, description: 'how long an open circuit rests before one probe may try it' }),
        half_open_probes: Type.Integer({ minimum: 1, default: 1, description: 'probes let through a resting circuit at once' }),
      },
      { additionalProperties: false, default: {}, description: "each target's circuit breaker" },
    ),
    latency_ewma_alpha: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      default: 0.3,
      description: "weight of the newest sample in each target's latency average (`least_latency`)",
    }),
  },
  { additionalProperties: false, default: {} },
);
export type RoutingConfig = Static<typeof RoutingSchema>;
