// The `telemetry` section of the gateway configuration: OpenTelemetry traces, off unless `otlp`
// is set (then no SDK is started at all). Types are derived from the schema;
// docs/configuration.md is generated from it.
import { Type, type Static } from '@sinclair/typebox';

export const TelemetrySchema = Type.Object(
  {
    service_name: Type.String({
      minLength: 1,
      default: 'palisade-gateway',
      description: '`service.name` of the exported resource (`service.instance.id` is `server.gateway_id`)',
    }),
    sampling_ratio: Type.Number({ minimum: 0, maximum: 1, default: 1, description: 'share of requests traced, decided once per trace from its id' }),
    otlp: Type.Optional(
      Type.Object(
        {
          endpoint: Type.String({
            pattern: '^https?://[^@/]+(/.*)?$',
            description: "the collector's OTLP/HTTP address, e.g. `http://otel-collector:4318`; `/v1/traces` is appended unless the path already ends with it. Spans are sent in OTLP's JSON encoding",
          }),
          headers_file: Type.Optional(
            Type.String({
              minLength: 1,
              description: "a file of `Name: value` lines (blank lines and `#` comments ignored) sent with every export, e.g. the collector's `Authorization`; kept out of the config file so the credential is not in it",
            }),
          ),
          timeout_ms: Type.Integer({ minimum: 1, maximum: 600000, default: 10000, description: 'how long one export may take' }),
        },
        { additionalProperties: false, description: 'where traces are exported; absent: no traces' },
      ),
    ),
  },
  { additionalProperties: false, default: {} },
);
export type TelemetryConfig = Static<typeof TelemetrySchema>;
