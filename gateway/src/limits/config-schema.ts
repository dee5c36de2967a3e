// The `limits`, `budgets`, `prices` and `redis` sections of the gateway configuration. Types are
// derived from the schema; docs/configuration.md is generated from it.
import { Type, type Static } from '@sinclair/typebox';
import { MapOf, StringEnum } from '../config/schema-kit.js';

const limitName = Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]*$', maxLength: 64, description: 'names it in metrics, logs, audit records and error messages' });

/** A principal attribute a limit or budget is counted by; `user` is the issuer and subject together. */
export const LimitAttributeSchema = StringEnum(['user', 'credential', 'app', 'tenant', 'model']);
export type LimitAttribute = Static<typeof LimitAttributeSchema>;

const limitAttributes = Type.Array(LimitAttributeSchema, {
  uniqueItems: true,
  default: ['user'],
  description: 'one counter per distinct value of these attributes; empty means one counter for everybody',
});

const matchValues = Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'values of that attribute, any of which matches' });

/** Which requests a limit or budget applies to: every field given must match, each with any of its values. */
export const PrincipalMatchSchema = Type.Object(
  {
    sub: Type.Optional(matchValues),
    credential_id: Type.Optional(matchValues),
    app: Type.Optional(matchValues),
    tenant: Type.Optional(matchValues),
    role: Type.Optional(matchValues),
    model: Type.Optional(matchValues),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'which requests it applies to (`sub`, `credential_id`, `app`, `tenant`, `role`, `model`): every field given must match, each with any of its values',
  },
);
export type PrincipalMatchConfig = Static<typeof PrincipalMatchSchema>;

export const RateLimitSchema = Type.Object(
  {
    name: limitName,
    by: limitAttributes,
    limit: Type.Integer({ minimum: 1, description: 'how many requests, or tokens (prompt and answer), each counter allows per window' }),
    unit: StringEnum(['requests', 'tokens'], { description: 'what is counted' }),
    window_s: Type.Integer({ minimum: 1, maximum: 31 * 24 * 3600, description: 'the window, in seconds' }),
    match: Type.Optional(PrincipalMatchSchema),
  },
  { additionalProperties: false },
);
export type RateLimitConfig = Static<typeof RateLimitSchema>;

const rateLimits = Type.Array(RateLimitSchema, { default: [], description: 'limits that apply wherever they match' });

export const LimitsSchema = Type.Object(
  {
    backend: StringEnum(['memory', 'redis'], { default: 'memory', description: 'where counters live' }),
    on_backend_error: StringEnum(['closed', 'open'], {
      default: 'closed',
      description: 'when the backend cannot answer: refuse requests that a limit or budget applies to (closed), or let them through (open)',
    }),
    rules: rateLimits,
    tiers: MapOf(rateLimits, {
      default: {},
      propertyNames: limitName,
      description: 'named sets of limits the request policy selects with `limits: {"tier": NAME}`',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type LimitsConfig = Static<typeof LimitsSchema>;

export const BudgetSchema = Type.Object(
  {
    name: limitName,
    by: limitAttributes,
    usd: Type.Number({ exclusiveMinimum: 0, description: 'the budget, in US dollars per period' }),
    period: StringEnum(['hour', 'day', 'week', 'month'], { description: 'calendar period in UTC; spend starts again from zero at the start of each' }),
    thresholds: Type.Array(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }), {
      uniqueItems: true,
      default: [0.8],
      description: 'fractions of the budget at which a metric and a log line report the spend, before it is refused',
    }),
    match: Type.Optional(PrincipalMatchSchema),
  },
  { additionalProperties: false },
);
export type BudgetConfig = Static<typeof BudgetSchema>;

export const BudgetsSchema = Type.Object(
  {
    rules: Type.Array(BudgetSchema, { default: [], description: 'spend budgets' }),
    unpriced: StringEnum(['deny', 'free'], {
      default: 'deny',
      description: 'a request a budget applies to, for a model without a price (in `prices`): refused (deny) or counted as free',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type BudgetsConfig = Static<typeof BudgetsSchema>;

export const ModelPriceSchema = Type.Object(
  {
    input_per_mtok: Type.Number({ minimum: 0, description: 'USD per million prompt tokens' }),
    output_per_mtok: Type.Number({ minimum: 0, description: 'USD per million answer tokens' }),
  },
  { additionalProperties: false },
);
export type ModelPriceConfig = Static<typeof ModelPriceSchema>;

export const PricesSchema = MapOf(ModelPriceSchema, {
  default: {},
  description: 'prices per model (`provider:model`, upstream model, or alias), for cost in records and metrics',
});

export const RedisSchema = Type.Object(
  {
    // Credentials in the URL would reach logs and config dumps; they go in password_file.
    url: Type.String({ pattern: '^rediss?://[^@/]+(/[0-9]+)?$', description: 'redis:// or rediss:// without credentials; give the password in `password_file`' }),
    username: Type.Optional(Type.String({ minLength: 1, description: 'the ACL user' })),
    password_file: Type.Optional(Type.String({ minLength: 1, description: "file holding the user's password" })),
    key_prefix: Type.String({ default: 'palisade:', description: 'prefix of every key the gateway writes' }),
    connect_timeout_ms: Type.Integer({ minimum: 1, default: 2000, description: 'a connection attempt fails after this long' }),
    command_timeout_ms: Type.Integer({
      minimum: 1,
      default: 250,
      description: 'every command fails after this long, so a slow or stuck Redis never holds a request',
    }),
  },
  { additionalProperties: false },
);
export type RedisConfig = Static<typeof RedisSchema>;
