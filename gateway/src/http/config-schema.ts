// The `server` section of the gateway configuration: listeners, admission and slow-client limits.
// Types are derived from the schema; docs/configuration.md is generated from it.
import { Type, type Static } from '@sinclair/typebox';

export const ServerSchema = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', description: 'address to listen on' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'port; `0` picks a free one' }),
    gateway_id: Type.String({ minLength: 1, default: 'palisade', description: "this instance's name in audit records and policy input" }),
    workers: Type.Union([Type.Integer({ minimum: 1, maximum: 256 }), Type.Literal('auto')], {
      default: 'auto',
      description:
        "processes that serve requests on the one port; `auto`: one per core the process may use (the container's CPU quota counts) with the Kafka sink, one with the embedded ledger, whose console keeps state in one process; with more than one, limits and the memory cache are kept by the first process for all, and each writes its own ledger log (docs/workers.md)",
    }),
    body_limit_bytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 4 * 1024 * 1024, description: 'larger request bodies get 413' }),
    shutdown_grace_ms: Type.Integer({ minimum: 0, default: 10000, description: 'on SIGTERM, how long in-flight requests may take to finish' }),
    max_concurrent: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 256, description: 'requests this process works on at once; more wait in the queue' }),
    max_queue: Type.Integer({
      minimum: 0,
      maximum: 1_000_000,
      default: 512,
      description: 'requests waiting for a slot, first come first served; past it new requests get 503 at once',
    }),
    max_queue_wait_ms: Type.Integer({ minimum: 1, maximum: 600_000, default: 10000, description: 'a request still queued after this long gets 503' }),
    max_queue_wait_ratio: Type.Number({
      minimum: 0,
      maximum: 100,
      default: 0.5,
      description:
        'a queued request also gets 503 once it has waited this share of the median time the last 32 requests took to process (so an admitted request takes at most about 1.5 times as long as unloaded); 0 turns this off',
    }),
    max_event_loop_delay_ms: Type.Integer({
      minimum: 0,
      maximum: 60_000,
      default: 200,
      description: "while the event loop's p99 delay over the last second is above this and requests are in flight, new requests get 503; `0` turns it off",
    }),
    max_heap_ratio: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.8,
      description:
        "while the heap still in use after the last full garbage collection is above this share of the process's heap limit (`--max-old-space-size`) and requests are in flight, new requests get 503; `0` turns it off",
    }),
    retry_after_ms: Type.Integer({
      minimum: 0,
      maximum: 3_600_000,
      default: 1000,
      description: 'what `Retry-After` (seconds, rounded up) and `retry-after-ms` tell a refused caller',
    }),
    headers_timeout_ms: Type.Integer({
      minimum: 100,
      maximum: 600_000,
      default: 10000,
      description: "time for a request's headers to arrive; then the connection is closed (with a bare 408)",
    }),
    request_timeout_ms: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 60000, description: 'time for a whole request, headers and body, to arrive' }),
    min_body_bytes_per_s: Type.Integer({
      minimum: 0,
      default: 1024,
      description: "once `body_rate_grace_ms` has passed, a body arriving slower gets 408 in the caller's shape and its connection is closed; `0` turns it off",
    }),
    body_rate_grace_ms: Type.Integer({ minimum: 0, maximum: 600_000, default: 5000, description: 'how long a body may take before its rate is checked' }),
    max_connections: Type.Integer({ minimum: 1, default: 4096, description: 'open connections; more are closed as they arrive' }),
    max_connections_per_ip: Type.Optional(Type.Integer({ minimum: 1, description: 'open connections from one client address; more are closed as they arrive' })),
    admin_token_file: Type.Optional(
      Type.String({ minLength: 1, description: 'file holding a bearer token (16 characters or more) that `/metrics` and `/readyz` then require' }),
    ),
    admin_port: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 65535,
        description: 'serve `/metrics`, `/readyz` and `/healthz` on this port instead; the main port keeps `/healthz` only',
      }),
    ),
    admin_host: Type.Optional(Type.String({ minLength: 1, description: 'address of the admin listener (default: `host`)' })),
  },
  { additionalProperties: false, default: {} },
);
export type ServerConfig = Static<typeof ServerSchema>;
