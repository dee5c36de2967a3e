// The sections of the gateway configuration that shape the request path itself: fields the
// gateway does not know (`ingress`), how streamed answers are released (`answers`) and endpoints
// passed through unread (`passthrough`). Types are derived from the schema; docs/configuration.md
// is generated from it.
import { Type, type Static } from '@sinclair/typebox';
import { MapOf, StringEnum } from './schema-kit.js';

/** What the gateway does with request fields its field tables do not list. */
export const IngressSchema = Type.Object(
  {
    unknown_fields: MapOf(StringEnum(['refuse', 'classify']), {
      default: {},
      propertyNames: { enum: ['/v1/chat/completions', '/v1/messages', '/v1/responses', '/v1/embeddings'] },
      description:
        "per route (`/v1/chat/completions`, `/v1/messages`, `/v1/responses`, `/v1/embeddings`): `refuse` (the default) answers `400 GW_ERR_UNKNOWN_FIELD` naming a request field the route's field table does not list; `classify` reads such a field as free-form JSON (every string and key classified) and forwards it. For a provider feature newer than the gateway's tables.",
    }),
  },
  { additionalProperties: false, default: {} },
);
export type IngressConfig = Static<typeof IngressSchema>;

export const AnswersSchema = Type.Object(
  {
    stream_release: StringEnum(['after_scan', 'immediate'], {
      default: 'after_scan',
      description:
        '`after_scan`: streamed text reaches the caller once the classifier has seen it whole, so the response decision can block or redact it before any of it leaves; prose passes as it comes and only a value that may still be growing waits for its end (see [redaction.md](redaction.md#streams)). `immediate`: text passes at once and a block can only end the stream (what Azure OpenAI calls an asynchronous filter)',
    }),
    hold_back_chars: Type.Integer({
      minimum: 32,
      maximum: 65536,
      default: 256,
      description:
        'the most streamed text held back so a value split across chunks is classified whole; with `classify.custom_classes` configured, text is always this far behind the provider, since a custom pattern may match any span',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type AnswersConfig = Static<typeof AnswersSchema>;

/** A provider endpoint served as is (identity, route policy and audit; no content inspection). */
export const PassthroughSchema = Type.Object(
  {
    route: Type.String({ pattern: '^/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]$', description: 'path prefix on the gateway, e.g. /v1/files' }),
    provider: Type.String({ minLength: 1, description: 'the provider whose endpoint is served' }),
    upstream_path: Type.Optional(
      Type.String({ pattern: '^/[A-Za-z0-9._~/-]*$', description: "path prefix at the provider's base URL; defaults to `route` without a leading /v1" }),
    ),
    methods: Type.Array(Type.String({ enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] }), { minItems: 1, default: ['GET', 'POST', 'DELETE'], description: 'HTTP methods passed through' }),
    max_body_bytes: Type.Integer({
      minimum: 1024,
      maximum: 512 * 1024 * 1024,
      default: 32 * 1024 * 1024,
      description:
        'largest request body and largest answer passed through; both are held whole, so that their commitments are on record before the request leaves and before the answer returns',
    }),
  },
  { additionalProperties: false },
);
export type PassthroughConfig = Static<typeof PassthroughSchema>;
