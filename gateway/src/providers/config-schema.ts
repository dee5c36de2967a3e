// The `providers` and `models` sections of the gateway configuration. Which provider fields apply
// depends on `type` (docs/providers.md); the file's schema takes them all, and the loader checks
// which belong to which type. Types are derived from the schema; docs/configuration.md is
// generated from it.
import { Type, type Static } from '@sinclair/typebox';
import { FilledIn, StringEnum } from '../config/schema-kit.js';

/** What `timeout_ms` is when a provider does not set it. */
export const PROVIDER_TIMEOUT_MS = 120000;
/** The `anthropic-version` an Anthropic provider sends when neither it nor the caller names one. */
export const ANTHROPIC_VERSION = '2023-06-01';
/** `max_tokens` of a request translated to Anthropic's API that sets none. */
export const ANTHROPIC_MAX_TOKENS = 4096;

export const HTTP_PROVIDER_TYPES = ['openai', 'openai-compatible', 'azure', 'anthropic', 'bedrock', 'gemini', 'vertex'] as const;
export type HttpProviderType = (typeof HTTP_PROVIDER_TYPES)[number];

// Names key secrets internally (`<name>/session_token`), so they hold no `/`.
const providerName = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'the name models refer to' });

export const EchoProviderSchema = Type.Object({ name: providerName, type: Type.Literal('echo') }, { additionalProperties: false });
export type EchoProviderConfig = Static<typeof EchoProviderSchema>;

const httpProviderProperties = {
  base_url: Type.Optional(
    Type.String({ pattern: '^https?://', description: "required for openai-compatible and azure; the others have the provider's public endpoint" }),
  ),
  api_key_env: Type.Optional(Type.String({ minLength: 1, description: 'environment variable holding the provider key (Bedrock: the secret access key)' })),
  api_key_file: Type.Optional(Type.String({ minLength: 1, description: 'file holding the provider key, instead of `api_key_env`' })),
  timeout_ms: FilledIn(
    Type.Integer({ minimum: 1, description: "time allowed until the provider's response headers arrive" }),
    `\`${PROVIDER_TIMEOUT_MS}\``,
  ),
  stream_idle_timeout_ms: FilledIn(
    Type.Integer({ minimum: 1, description: 'time allowed between two chunks of an answer, the first included' }),
    '`timeout_ms`',
  ),
  api_version: Type.Optional(Type.String({ minLength: 1, description: 'azure: the api-version query parameter' })),
  anthropic_version: Type.Optional(Type.String({ minLength: 1, description: `anthropic: the anthropic-version sent when the caller sent none (default \`${ANTHROPIC_VERSION}\`)` })),
  default_max_tokens: Type.Optional(Type.Integer({ minimum: 1, description: `anthropic: max_tokens for translated requests that set none (default ${ANTHROPIC_MAX_TOKENS})` })),
  stream_usage: Type.Optional(Type.Boolean({ description: 'openai-compatible: ask for usage on streams (stream_options.include_usage); default true' })),
  responses: Type.Optional(Type.Boolean({ description: 'openai, openai-compatible: serve /v1/responses natively (default: true for openai only)' })),
  region: Type.Optional(
    Type.String({ pattern: '^[a-z0-9-]+$', description: "bedrock, vertex: the endpoint's region. Others: where the endpoint is, for the policy's `route.region`" }),
  ),
  project: Type.Optional(Type.String({ minLength: 1, description: 'vertex: the Google Cloud project' })),
  token_file: Type.Optional(Type.String({ minLength: 1, description: 'vertex: a file holding a current OAuth access token, re-read every minute' })),
  access_key_id: Type.Optional(Type.String({ minLength: 1, description: 'bedrock: the access key id (not secret)' })),
  access_key_id_env: Type.Optional(Type.String({ minLength: 1, description: 'bedrock: environment variable holding the access key id' })),
  session_token_env: Type.Optional(Type.String({ minLength: 1, description: 'bedrock: environment variable holding a session token for temporary credentials' })),
  session_token_file: Type.Optional(Type.String({ minLength: 1, description: 'bedrock: file holding a session token for temporary credentials' })),
};

/** A provider reached over HTTP; which fields apply depends on `type` (docs/providers.md). */
export const HttpProviderSchema = Type.Object(
  { name: providerName, type: StringEnum(HTTP_PROVIDER_TYPES, { description: 'the provider API spoken' }), ...httpProviderProperties },
  { additionalProperties: false },
);
export type HttpProviderConfig = Static<typeof HttpProviderSchema>;

export type ProviderConfig = EchoProviderConfig | HttpProviderConfig;

/** One entry of `providers`: every type's fields in one object; the loader checks them against `type`. */
export const ProviderSchema = Type.Unsafe<ProviderConfig>(
  Type.Object(
    { name: providerName, type: StringEnum(['echo', ...HTTP_PROVIDER_TYPES], { description: 'the provider API spoken; `echo` answers locally with what it received' }), ...httpProviderProperties },
    { additionalProperties: false },
  ),
);

/** One place a model alias can be answered from. */
export const ModelTargetSchema = Type.Object(
  {
    provider: Type.String({ minLength: 1, description: 'a provider name' }),
    model: Type.Optional(Type.String({ minLength: 1, description: 'the model name sent to that provider (Azure: the deployment); defaults to the alias' })),
    weight: Type.Number({ exclusiveMinimum: 0, default: 1, description: 'for the `weighted` strategy' }),
  },
  { additionalProperties: false },
);
export type ModelTargetConfig = Static<typeof ModelTargetSchema>;

export const RoutingStrategySchema = StringEnum(['priority', 'weighted', 'least_latency', 'lowest_cost'], {
  default: 'priority',
  description: 'the order in which targets are tried',
});
export type RoutingStrategy = Static<typeof RoutingStrategySchema>;

/**
 * A model callers name. Either one `provider` (with `upstream_model`), or `targets`: tried in the
 * order the strategy gives, each one a fallback for those before it.
 */
export const ModelSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'the name callers use' }),
    provider: Type.Optional(Type.String({ minLength: 1, description: 'the one provider that answers; or give `targets`' })),
    upstream_model: Type.Optional(Type.String({ nullable: true, description: 'the model name sent upstream; defaults to `name`' })),
    targets: Type.Optional(Type.Array(ModelTargetSchema, { minItems: 1, description: 'providers tried in the order the strategy gives' })),
    strategy: RoutingStrategySchema,
    fallbacks: Type.Boolean({ default: true, description: 'fall back to the next target when one fails' }),
  },
  { additionalProperties: false },
);
export type ModelConfig = Static<typeof ModelSchema>;
