// The gateway's one configuration schema, assembled from the sections' schemas, which live beside
// the code they configure. Every type here is derived from a schema; validated once at start-up,
// nothing else reads the environment or the config file.
import { Type, type Static } from '@sinclair/typebox';
import { AuditSchema } from '../audit/config-schema.js';
import { CacheSchema } from '../cache/config-schema.js';
import { ClassifySchema } from '../classify/config-schema.js';
import { ServerSchema } from '../http/config-schema.js';
import { IdentitySchema } from '../identity/config-schema.js';
import { BudgetsSchema, LimitsSchema, PricesSchema, RedisSchema } from '../limits/config-schema.js';
import { LogSchema } from '../logging/config-schema.js';
import { PolicySchema } from '../policy/config-schema.js';
import { ModelSchema, ProviderSchema } from '../providers/config-schema.js';
import { RedactionSchema } from '../redact/config-schema.js';
import { RoutingSchema } from '../routing/config-schema.js';
import { TelemetrySchema } from '../telemetry/config-schema.js';
import { AnswersSchema, IngressSchema, PassthroughSchema } from './request-path-schema.js';

export type {
  ApiKeyConfig,
  ClaimMappingConfig,
  IdentityConfig,
  IntrospectionConfig,
  OidcIssuerConfig,
  TrustedProxyConfig,
} from '../identity/config-schema.js';
export type {
  PolicyBundleConfig,
  PolicyConfig,
  PolicyDownloadConfig,
  PolicyEvaluationConfig,
  PolicyKeyConfig,
  PolicyVerificationConfig,
} from '../policy/config-schema.js';
export type {
  EchoProviderConfig,
  HttpProviderConfig,
  HttpProviderType,
  ModelConfig,
  ModelTargetConfig,
  ProviderConfig,
  RoutingStrategy,
} from '../providers/config-schema.js';
export type { RoutingConfig } from '../routing/config-schema.js';
export type { AuditConfig, AuditContentConfig, KafkaAuditConfig, LedgerAuditConfig } from '../audit/config-schema.js';
export type {
  BudgetConfig,
  BudgetsConfig,
  LimitAttribute,
  LimitsConfig,
  ModelPriceConfig,
  PrincipalMatchConfig,
  RateLimitConfig,
  RedisConfig,
} from '../limits/config-schema.js';
export type { CacheConfig } from '../cache/config-schema.js';
export type { RedactionConfig } from '../redact/config-schema.js';
export type { TelemetryConfig } from '../telemetry/config-schema.js';
export type { AnswersConfig, IngressConfig, PassthroughConfig } from './request-path-schema.js';

/** The whole configuration file; each section's schema is documented where it is defined. */
export const GatewayConfigSchema = Type.Object(
  {
    server: ServerSchema,
    log: LogSchema,
    identity: IdentitySchema,
    policy: PolicySchema,
    providers: Type.Array(ProviderSchema, { minItems: 1, description: 'the providers models are answered by; which fields apply depends on `type`' }),
    models: Type.Array(ModelSchema, { minItems: 1, description: 'the models callers may name; a request for any other gets 404 `model_not_found`' }),
    routing: RoutingSchema,
    prices: PricesSchema,
    passthrough: Type.Array(PassthroughSchema, { default: [], description: 'provider endpoints served as is; off unless listed' }),
    audit: AuditSchema,
    limits: LimitsSchema,
    budgets: BudgetsSchema,
    cache: CacheSchema,
    redis: Type.Optional(RedisSchema),
    classify: ClassifySchema,
    redaction: RedactionSchema,
    answers: AnswersSchema,
    ingress: IngressSchema,
    telemetry: TelemetrySchema,
  },
  { additionalProperties: false },
);

export type GatewayConfig = Static<typeof GatewayConfigSchema>;
