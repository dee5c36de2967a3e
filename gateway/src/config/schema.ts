// The gateway's one configuration schema. Validated once at start-up; nothing else reads the
// environment or the config file.
import type { SchemaObject } from 'ajv';
import { classifyConfigSchema, type ClassifyConfig } from '../classify/config-schema.js';

export interface ApiKeyConfig {
  /** SHA-256 (hex) of the key. Keys themselves are never stored in config. */
  key_sha256: string;
  /** A short, non-secret label shown in logs and audit records instead of the key. */
  id: string;
  sub: string;
  tenant?: string;
  roles: string[];
  app?: string;
  /** RFC 3339 time after which the key is refused. */
  expires_at?: string;
}

/**
 * Where a token's claims become principal attributes. Each value is a dotted path into the
 * claims (`realm_access.roles`); a claim name that itself holds dots, such as Auth0's
 * `https://example.com/roles`, is matched whole first.
 */
export interface ClaimMappingConfig {
  /** Paths whose values are merged into `roles` (default: `roles_claim`). */
  roles?: string[];
  /** Default `groups`. */
  groups?: string;
  /** Default: `tenant_claim`. */
  tenant?: string;
  /** Default `email`. */
  email?: string;
  department?: string;
  clearance?: string;
  /** The calling application's id: the first path present wins (default `azp`, then `client_id`). */
  app?: string[];
  /** Further attributes by name, each from a claim path; policies read `principal.attributes.<name>`. */
  attributes?: Record<string, string>;
}

/** RFC 7662 token introspection for opaque access tokens from this issuer. */
export interface IntrospectionConfig {
  /** File holding the gateway's client secret at the issuer. */
  client_secret_file: string;
  auth_method: 'client_secret_basic' | 'client_secret_post';
  /** An active token's answer is reused until the token expires, but never longer than this. */
  cache_max_s: number;
  /** How many answers are kept (least recently used are dropped first). */
  cache_max_entries: number;
  /** How long an inactive answer is reused, so a replayed dead token does not reach the issuer each time. */
  negative_cache_s: number;
  /** Refuse answers without an `aud` naming `audience`. */
  require_audience: boolean;
}

export interface OidcIssuerConfig {
  issuer: string;
  /** The client id registered for the gateway at the issuer; used for discovery and introspection. */
  client_id: string;
  audience: string;
  algorithms: string[];
  roles_claim: string;
  tenant_claim: string;
  clock_tolerance_s: number;
  /** Only for test or development issuers served over plain HTTP on loopback. */
  allow_insecure_http: boolean;
  /** Claims every token must carry (besides `iss`, `aud` and `exp`, which are always checked). */
  required_claims: string[];
  /** Refuse tokens whose `iat` is older than this, whatever their `exp`. */
  max_token_age_s?: number;
  claims?: ClaimMappingConfig;
  introspection?: IntrospectionConfig;
  /** Signing keys are refreshed in the background at half this age and never used older than it. */
  jwks_cache_s: number;
  /** A token with an unknown key id refetches the keys at most once per this many seconds. */
  jwks_cooldown_s: number;
  /** Discovery, key and introspection requests to the issuer fail after this long. */
  timeout_ms: number;
}

/** Identity asserted by an authenticating reverse proxy in front of the gateway. */
export interface TrustedProxyConfig {
  /** Peer addresses (IPs or CIDRs) whose identity headers are believed; others' are ignored. */
  sources: string[];
  user_header: string;
  groups_header: string;
  email_header: string;
  /** The `iss` recorded for proxy-asserted people. */
  issuer: string;
  /** The proxy's groups also become roles. */
  groups_as_roles: boolean;
}

export interface IdentityConfig {
  api_keys: ApiKeyConfig[];
  /** JSON file of API keys managed with `palisade keys`; re-read when it changes. */
  api_keys_file?: string;
  api_keys_file_poll_ms: number;
  oidc: OidcIssuerConfig[];
  /** Header in which an authenticated application passes its end user's token. */
  user_token_header: string;
  /** Longer credentials are refused before any parsing. */
  max_token_bytes: number;
  /** Verified JWTs remembered (by hash, until they expire and while their key is published) so a reused token is not verified again; 0 turns this off. */
  jwt_cache_entries: number;
  trusted_proxy?: TrustedProxyConfig;
  /** Refused requests are recorded one by one up to this rate; beyond it they are counted and summarised. */
  denial_audit: { rate_per_s: number; burst: number };
}

/** How the gateway downloads a bundle from an OPA bundle server (when `bundle` is an http(s) URL). */
export interface PolicyDownloadConfig {
  /** File holding a bearer token sent to the bundle server; the token never appears in config. */
  bearer_token_file?: string;
  /** Long polling: the server may hold each request up to this long (`Prefer: wait=N`); 0 polls. */
  long_polling_timeout_s: number;
  /** A download that takes longer fails (long polls get their wait on top). */
  timeout_ms: number;
}

/** One trusted bundle-signing key (OPA's `keys.<id>`). */
export interface PolicyKeyConfig {
  id: string;
  /** PEM public key (SPKI or PKCS#1) or certificate. */
  public_key_file: string;
  /** The JWS algorithm this key signs with (default RS256); the token's own `alg` is never trusted. */
  algorithm?: string;
  scope?: string;
}

/**
 * How bundle signatures are checked, as OPA's `keys` and `bundles.<name>.signing`. Either
 * `public_key_file` with `key_id` (one key, always used, like `opa build --verification-key`),
 * or `keys` (the token's `kid`, else its `keyid` claim, picks one; `key_id` pins one).
 */
export interface PolicyVerificationConfig {
  public_key_file?: string;
  algorithm?: string;
  key_id?: string;
  /** The scope every bundle must be signed for (default: the key's scope, else none). */
  scope?: string;
  keys?: PolicyKeyConfig[];
}

/** A bundle to enforce, or to evaluate beside it. */
export interface PolicyBundleConfig {
  /** A .tar.gz bundle file, an unpacked bundle directory, or an http(s) bundle server URL. */
  bundle: string;
  /** Absent: bundles must be signed with the development key (config/dev-keys), and a warning says so. */
  verification?: PolicyVerificationConfig;
  download?: PolicyDownloadConfig;
}

export interface PolicyEvaluationConfig {
  /** Larger serialised decision inputs are denied (GW_ERR_POLICY_INPUT_TOO_LARGE). */
  max_input_bytes: number;
  /** An evaluation that takes longer is denied (GW_ERR_POLICY_TIMEOUT). */
  deadline_ms: number;
  /** WASM loop iterations and calls after which an evaluation is stopped; default 250k per deadline ms. */
  max_steps?: number;
  /** WASM memory limit per bundle, in 64 KiB pages. */
  memory_max_pages: number;
}

export interface PolicyConfig extends PolicyBundleConfig {
  /** How often the bundle source is checked for a new bundle; 0 loads once. */
  poll_interval_ms: number;
  evaluation: PolicyEvaluationConfig;
  /** A candidate bundle evaluated beside the enforced one and recorded, never enforced. */
  shadow?: PolicyBundleConfig;
}

export interface EchoProviderConfig {
  name: string;
  type: 'echo';
}

export type HttpProviderType = 'openai' | 'openai-compatible' | 'azure' | 'anthropic' | 'bedrock' | 'gemini' | 'vertex';

/** A provider reached over HTTP; which fields apply depends on `type` (docs/providers.md). */
export interface HttpProviderConfig {
  name: string;
  type: HttpProviderType;
  /** Required for openai-compatible and azure; the others have the provider's public endpoint. */
  base_url?: string;
  /** The provider key (Bedrock: the secret access key), resolved by the config loader. */
  api_key_env?: string;
  api_key_file?: string;
  /** Time allowed until the provider's response headers arrive (filled in: 60000). */
  timeout_ms: number;
  /** Time allowed between two chunks of an answer, the first included (filled in: `timeout_ms`). */
  stream_idle_timeout_ms: number;
  /** azure: the api-version query parameter. */
  api_version?: string;
  /** anthropic: the anthropic-version sent when the caller sent none. */
  anthropic_version?: string;
  /** anthropic: max_tokens for translated requests that set none. */
  default_max_tokens?: number;
  /** openai-compatible: ask for usage on streams (stream_options.include_usage); default true. */
  stream_usage?: boolean;
  /** openai, openai-compatible: serve /v1/responses natively (default: true for openai only). */
  responses?: boolean;
  /** bedrock, vertex: the endpoint's region. Others: where the endpoint is, for the policy's route.region. */
  region?: string;
  /** vertex. */
  project?: string;
  /** vertex: a file holding a current OAuth access token, re-read every minute. */
  token_file?: string;
  /** bedrock: the access key id (not secret), given directly or by environment variable. */
  access_key_id?: string;
  access_key_id_env?: string;
  /** bedrock: a session token for temporary credentials. */
  session_token_env?: string;
  session_token_file?: string;
}

export type ProviderConfig = EchoProviderConfig | HttpProviderConfig;

/** One place a model alias can be answered from. */
export interface ModelTargetConfig {
  provider: string;
  /** The model name sent to that provider (Azure: the deployment); defaults to the alias. */
  model?: string;
  /** For the `weighted` strategy. */
  weight: number;
}

export type RoutingStrategy = 'priority' | 'weighted' | 'least_latency' | 'lowest_cost';

/**
 * A model callers name. Either one `provider` (with `upstream_model`), or `targets`: tried in the
 * order the strategy gives, each one a fallback for those before it.
 */
export interface ModelConfig {
  name: string;
  provider?: string;
  /** The model name sent upstream; defaults to `name`. */
  upstream_model?: string;
  targets?: ModelTargetConfig[];
  strategy: RoutingStrategy;
  /** Fall back to the next target when one fails (default true). */
  fallbacks: boolean;
}

export interface RoutingConfig {
  retry: {
    /** Calls to one target for one request, the first included. */
    max_attempts: number;
    base_delay_ms: number;
    max_delay_ms: number;
    /** A provider asking to wait longer than this is not waited for: the next target is tried. */
    max_retry_after_ms: number;
  };
  /** Time allowed for all attempts together, until an answer starts. */
  deadline_ms: number;
  breaker: {
    /** Consecutive failures that open a target's circuit. */
    consecutive_failures: number;
    /** Failure rate over the last `window` calls that opens it (with at least `min_calls`). */
    error_rate: number;
    window: number;
    min_calls: number;
    /** How long an open circuit rests before one probe may try it. */
    open_ms: number;
    half_open_probes: number;
  };
  /** Weight of the newest sample in each target's latency average (least_latency). */
  latency_ewma_alpha: number;
}

/** A provider endpoint served as is (identity, route policy and audit; no content inspection). */
export interface PassthroughConfig {
  /** Path prefix on the gateway, e.g. /v1/files. */
  route: string;
  provider: string;
  /** Path prefix at the provider's base URL; defaults to `route` without a leading /v1. */
  upstream_path?: string;
  methods: string[];
  /**
   * Largest request body and largest answer passed through. Both are held whole, so that their
   * commitments are on record before the request leaves and before the answer returns.
   */
  max_body_bytes: number;
}

export interface KafkaAuditConfig {
  brokers: string[];
  topic: string;
  client_id: string;
  /** How long a request waits for the broker's acknowledgement before it is refused (or spooled). */
  ack_timeout_ms: number;
  /** Records waiting at most this long are sent together in one produce round trip. */
  linger_ms: number;
  /** Kafka down or slow: `reject` answers 503 and forwards nothing; `spool` commits records to a local fsync'd spool and goes on. */
  on_unavailable: 'reject' | 'spool';
  /** Idempotent producers side by side: a record goes to one with no round trip in flight, so it need not wait for one. */
  producers: number;
  /** Folder of the spool; required with `spool`. Must be local, durable storage of this gateway instance. */
  spool_dir?: string;
}

export interface LedgerAuditConfig {
  dir: string;
  origin: string;
  signing_key_file: string;
  /** Create the signing key when it is missing (development only). */
  create_signing_key: boolean;
  /** A checkpoint is signed at the latest this long after a record is appended (records are durable at once). */
  checkpoint_interval_ms: number;
  /** ...and as soon as this many records are not yet covered by one. */
  checkpoint_every: number;
}

export interface AuditContentConfig {
  /** Per-subject keys (one file per subject, wrapped by the master key); erasing a subject deletes its file. */
  keys_dir: string;
  /** Content the policy keeps (`audit.content` "full" or "redacted"), sealed per record. */
  store_dir: string;
  /** How long a subject key is reused from memory before its file is checked again. */
  key_cache_ms: number;
}

export interface AuditConfig {
  sink: 'kafka' | 'ledger';
  kafka?: KafkaAuditConfig;
  ledger?: LedgerAuditConfig;
  /** Hex master key (32 bytes) that wraps every subject key of the content key store. */
  commitment_key_file: string;
  create_commitment_key: boolean;
  /** Defaults to `subject-keys/` and `content/` beside the master key file. */
  content: AuditContentConfig;
}

/** A principal attribute a limit or budget is counted by; `user` is the issuer and subject together. */
export type LimitAttribute = 'user' | 'credential' | 'app' | 'tenant' | 'model';

/** Which requests a limit or budget applies to: every field given must match, each with any of its values. */
export interface PrincipalMatchConfig {
  sub?: string[];
  credential_id?: string[];
  app?: string[];
  tenant?: string[];
  role?: string[];
  model?: string[];
}

export interface RateLimitConfig {
  /** Names the limit in metrics, logs, audit records and error messages. */
  name: string;
  /** One counter per distinct value of these attributes; empty means one counter for everybody. */
  by: LimitAttribute[];
  /** How many requests, or tokens (prompt and answer), each counter allows per window. */
  limit: number;
  unit: 'requests' | 'tokens';
  window_s: number;
  match?: PrincipalMatchConfig;
}

export interface LimitsConfig {
  backend: 'memory' | 'redis';
  /** When the backend cannot answer: refuse requests that a limit or budget applies to (closed), or let them through (open). */
  on_backend_error: 'closed' | 'open';
  /** Limits that apply wherever they match. */
  rules: RateLimitConfig[];
  /** Named sets of limits the request policy selects with `limits: {"tier": NAME}`. */
  tiers: Record<string, RateLimitConfig[]>;
}

export interface BudgetConfig {
  name: string;
  by: LimitAttribute[];
  usd: number;
  /** Calendar period in UTC; spend starts again from zero at the start of each. */
  period: 'hour' | 'day' | 'week' | 'month';
  /** Fractions of the budget at which a metric and a log line report the spend, before it is refused. */
  thresholds: number[];
  match?: PrincipalMatchConfig;
}

export interface ModelPriceConfig {
  /** USD per million prompt tokens. */
  input_per_mtok: number;
  /** USD per million answer tokens. */
  output_per_mtok: number;
}

export interface BudgetsConfig {
  rules: BudgetConfig[];
  /** A request a budget applies to, for a model without a price (in `prices`): refused (deny) or counted as free. */
  unpriced: 'deny' | 'free';
}

export interface CacheConfig {
  backend: 'memory' | 'redis' | 'off';
  /** Upper bound of the in-memory cache, in bytes of stored answers. */
  max_bytes: number;
  /** Larger answers are not stored. */
  max_entry_bytes: number;
  ttl_s: number;
  /** Only requests at or below this temperature are answered from the cache (an absent temperature counts as 1). */
  max_temperature: number;
}

export interface RedisConfig {
  /** redis:// or rediss:// without credentials; give the password in `password_file`. */
  url: string;
  username?: string;
  password_file?: string;
  key_prefix: string;
  connect_timeout_ms: number;
  /** Every command fails after this long, so a slow or stuck Redis never holds a request. */
  command_timeout_ms: number;
}

export interface RedactionConfig {
  /** Reversible mode: placeholders put into a prompt are replaced by their values in the answer. */
  restore: boolean;
  /** HMAC key for the `hash` operator, at least 16 bytes; without it each process draws a random key. */
  hash_key_file?: string;
}

export interface AnswersConfig {
  /**
   * `after_scan`: streamed text reaches the caller once the classifier has seen it whole, so the
   * response policy can block or redact it first; prose passes at once, a value that may still be
   * growing (a number, a key, a name, a placeholder to restore) waits for its own end.
   * `immediate`: text passes at once; a block can only end the stream.
   */
  stream_release: 'after_scan' | 'immediate';
  /**
   * Most characters held back while streaming, so a value split across chunks is classified whole;
   * with custom classes configured, exactly this many, since their patterns may match any span.
   */
  hold_back_chars: number;
}

export interface GatewayConfig {
  server: {
    host: string;
    port: number;
    gateway_id: string;
    body_limit_bytes: number;
    shutdown_grace_ms: number;
    /** Requests being processed at once by this process; more wait in the queue. */
    max_concurrent: number;
    /** Requests waiting for a processing slot; past it new requests are refused at once with 503. */
    max_queue: number;
    /** How long a request may wait in the queue before it is refused with 503. */
    max_queue_wait_ms: number;
    /** Event-loop delay (p99 over the last second) above which new requests are refused; 0 turns it off. */
    max_event_loop_delay_ms: number;
    /** What Retry-After (and retry-after-ms) tells a refused caller. */
    retry_after_ms: number;
    /** Time allowed for a request's headers to arrive. */
    headers_timeout_ms: number;
    /** Time allowed for a whole request (headers and body) to arrive. */
    request_timeout_ms: number;
    /** Slowest body accepted once `body_rate_grace_ms` has passed; 0 turns the check off. */
    min_body_bytes_per_s: number;
    body_rate_grace_ms: number;
    /** Open connections to this process; more are closed as they arrive. */
    max_connections: number;
    max_connections_per_ip?: number;
    /** File holding a bearer token that /metrics and /readyz then require. */
    admin_token_file?: string;
    /** A separate listener for /metrics, /readyz and /healthz; the main port then no longer serves the first two. */
    admin_port?: number;
    admin_host?: string;
  };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  identity: IdentityConfig;
  policy: PolicyConfig;
  providers: ProviderConfig[];
  models: ModelConfig[];
  routing: RoutingConfig;
  /** Prices per model (`provider:model`, upstream model, or alias), for cost in records and metrics. */
  prices: Record<string, ModelPriceConfig>;
  /** Off unless listed. */
  passthrough: PassthroughConfig[];
  audit: AuditConfig;
  limits: LimitsConfig;
  budgets: BudgetsConfig;
  cache: CacheConfig;
  redis?: RedisConfig;
  classify: ClassifyConfig;
  redaction: RedactionConfig;
  answers: AnswersConfig;
  ingress: IngressConfig;
  telemetry: TelemetryConfig;
}

/** OpenTelemetry traces. Off unless `otlp` is set: then no SDK is started at all. */
export interface TelemetryConfig {
  /** `service.name` of the exported resource. */
  service_name: string;
  /** Share of requests traced, 0 to 1, decided once per trace from its id. */
  sampling_ratio: number;
  otlp?: {
    /** The collector's OTLP/HTTP address; `/v1/traces` is appended unless the path already ends with it. */
    endpoint: string;
    /** File of `Name: value` lines sent with every export (collector credentials stay out of the config). */
    headers_file?: string;
    timeout_ms: number;
  };
}

/** What the gateway does with request fields its field tables do not list. */
export interface IngressConfig {
  /** Per route (e.g. `/v1/chat/completions`): `refuse` (the default) or `classify` as free-form JSON. */
  unknown_fields: Record<string, 'refuse' | 'classify'>;
}

const stringArray = { type: 'array', items: { type: 'string' } } as const;

const signingAlgorithm = { type: 'string', enum: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] } as const;

/** The fields `policy` and `policy.shadow` share. */
const policyBundleProperties = {
  bundle: { type: 'string', minLength: 1 },
  verification: {
    type: 'object',
    additionalProperties: false,
    anyOf: [
      { required: ['public_key_file', 'key_id'], properties: { public_key_file: true, key_id: true } },
      { required: ['keys'], properties: { keys: true } },
    ],
    properties: {
      public_key_file: { type: 'string', minLength: 1 },
      algorithm: signingAlgorithm,
      key_id: { type: 'string', minLength: 1 },
      scope: { type: 'string' },
      keys: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'public_key_file'],
          properties: {
            id: { type: 'string', minLength: 1 },
            public_key_file: { type: 'string', minLength: 1 },
            algorithm: signingAlgorithm,
            scope: { type: 'string' },
          },
        },
      },
    },
  },
  download: {
    type: 'object',
    additionalProperties: false,
    required: ['long_polling_timeout_s', 'timeout_ms'],
    properties: {
      bearer_token_file: { type: 'string', minLength: 1 },
      long_polling_timeout_s: { type: 'integer', minimum: 0, maximum: 3600, default: 0 },
      timeout_ms: { type: 'integer', minimum: 100, default: 30000 },
    },
  },
} as const;

const limitName = { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]*$', maxLength: 64 } as const;
const limitAttributes = { type: 'array', uniqueItems: true, items: { type: 'string', enum: ['user', 'credential', 'app', 'tenant', 'model'] }, default: ['user'] } as const;
const matchValues = { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } } as const;
const principalMatch = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { sub: matchValues, credential_id: matchValues, app: matchValues, tenant: matchValues, role: matchValues, model: matchValues },
} as const;
const rateLimit = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'by', 'limit', 'unit', 'window_s'],
  properties: {
    name: limitName,
    by: limitAttributes,
    limit: { type: 'integer', minimum: 1 },
    unit: { type: 'string', enum: ['requests', 'tokens'] },
    window_s: { type: 'integer', minimum: 1, maximum: 31 * 24 * 3600 },
    match: principalMatch,
  },
} as const;
const rateLimits = { type: 'array', items: rateLimit, default: [] } as const;

const claimPath = { type: 'string', minLength: 1, maxLength: 256 } as const;
const rfc3339 = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$' } as const;
const headerName = { type: 'string', pattern: '^[a-z0-9-]+$', maxLength: 64 } as const;
const asymmetricAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

const identitySchema = {
  type: 'object',
  default: {},
  additionalProperties: false,
  required: ['api_keys', 'oidc', 'api_keys_file_poll_ms', 'user_token_header', 'max_token_bytes', 'jwt_cache_entries', 'denial_audit'],
  properties: {
    api_keys: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key_sha256', 'id', 'sub', 'roles'],
        properties: {
          key_sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          id: { type: 'string', minLength: 1 },
          sub: { type: 'string', minLength: 1 },
          tenant: { type: 'string', nullable: true },
          roles: { ...stringArray, default: [] },
          app: { type: 'string', nullable: true },
          expires_at: rfc3339,
        },
      },
    },
    api_keys_file: { type: 'string', minLength: 1 },
    api_keys_file_poll_ms: { type: 'integer', minimum: 100, maximum: 3_600_000, default: 1000 },
    oidc: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: [
          'issuer', 'client_id', 'audience', 'algorithms', 'roles_claim', 'tenant_claim', 'clock_tolerance_s', 'allow_insecure_http',
          'required_claims', 'jwks_cache_s', 'jwks_cooldown_s', 'timeout_ms',
        ],
        properties: {
          issuer: { type: 'string', minLength: 1 },
          client_id: { type: 'string', minLength: 1 },
          audience: { type: 'string', minLength: 1 },
          // HMAC algorithms and `none` are not offered: a public JWKS must never double as a shared secret.
          algorithms: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: asymmetricAlgorithms }, default: ['RS256', 'ES256'] },
          roles_claim: { type: 'string', default: 'roles' },
          tenant_claim: { type: 'string', default: 'tenant' },
          clock_tolerance_s: { type: 'integer', minimum: 0, maximum: 300, default: 30 },
          allow_insecure_http: { type: 'boolean', default: false },
          required_claims: { type: 'array', uniqueItems: true, items: claimPath, default: ['sub', 'exp'] },
          max_token_age_s: { type: 'integer', minimum: 1 },
          claims: {
            type: 'object',
            additionalProperties: false,
            properties: {
              roles: { type: 'array', minItems: 1, items: claimPath },
              groups: claimPath,
              tenant: claimPath,
              email: claimPath,
              department: claimPath,
              clearance: claimPath,
              app: { type: 'array', minItems: 1, items: claimPath },
              attributes: { type: 'object', propertyNames: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' }, additionalProperties: claimPath },
            },
          },
          introspection: {
            type: 'object',
            additionalProperties: false,
            required: ['client_secret_file', 'auth_method', 'cache_max_s', 'cache_max_entries', 'negative_cache_s', 'require_audience'],
            properties: {
              client_secret_file: { type: 'string', minLength: 1 },
              auth_method: { type: 'string', enum: ['client_secret_basic', 'client_secret_post'], default: 'client_secret_basic' },
              cache_max_s: { type: 'integer', minimum: 0, maximum: 86400, default: 300 },
              cache_max_entries: { type: 'integer', minimum: 1, maximum: 10_000_000, default: 10000 },
              negative_cache_s: { type: 'integer', minimum: 0, maximum: 3600, default: 10 },
              require_audience: { type: 'boolean', default: true },
            },
          },
          jwks_cache_s: { type: 'integer', minimum: 10, maximum: 86400, default: 600 },
          jwks_cooldown_s: { type: 'integer', minimum: 0, maximum: 3600, default: 30 },
          timeout_ms: { type: 'integer', minimum: 100, maximum: 60000, default: 5000 },
        },
      },
    },
    user_token_header: { ...headerName, default: 'x-palisade-user-token' },
    max_token_bytes: { type: 'integer', minimum: 256, maximum: 65536, default: 8192 },
    jwt_cache_entries: { type: 'integer', minimum: 0, maximum: 10_000_000, default: 10000 },
    trusted_proxy: {
      type: 'object',
      additionalProperties: false,
      required: ['sources', 'user_header', 'groups_header', 'email_header', 'issuer', 'groups_as_roles'],
      properties: {
        sources: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        user_header: { ...headerName, default: 'x-forwarded-user' },
        groups_header: { ...headerName, default: 'x-forwarded-groups' },
        email_header: { ...headerName, default: 'x-forwarded-email' },
        issuer: { type: 'string', minLength: 1, default: 'urn:palisade:proxy' },
        groups_as_roles: { type: 'boolean', default: true },
      },
    },
    denial_audit: {
      type: 'object',
      default: {},
      additionalProperties: false,
      required: ['rate_per_s', 'burst'],
      properties: {
        rate_per_s: { type: 'number', exclusiveMinimum: 0, default: 100 },
        burst: { type: 'integer', minimum: 1, default: 200 },
      },
    },
  },
} as const;

export const configSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['server', 'log', 'identity', 'policy', 'providers', 'models', 'audit'],
  properties: {
    server: {
      type: 'object',
      default: {},
      additionalProperties: false,
      required: ['host', 'port', 'gateway_id', 'body_limit_bytes', 'shutdown_grace_ms', 'max_concurrent', 'max_queue', 'max_queue_wait_ms', 'max_event_loop_delay_ms', 'retry_after_ms', 'headers_timeout_ms', 'request_timeout_ms', 'min_body_bytes_per_s', 'body_rate_grace_ms', 'max_connections'],
      properties: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
        gateway_id: { type: 'string', minLength: 1, default: 'palisade' },
        body_limit_bytes: { type: 'integer', minimum: 1024, maximum: 64 * 1024 * 1024, default: 4 * 1024 * 1024 },
        shutdown_grace_ms: { type: 'integer', minimum: 0, default: 10000 },
        max_concurrent: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 256 },
        max_queue: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 512 },
        max_queue_wait_ms: { type: 'integer', minimum: 1, maximum: 600_000, default: 10000 },
        max_event_loop_delay_ms: { type: 'integer', minimum: 0, maximum: 60_000, default: 200 },
        retry_after_ms: { type: 'integer', minimum: 0, maximum: 3_600_000, default: 1000 },
        headers_timeout_ms: { type: 'integer', minimum: 100, maximum: 600_000, default: 10000 },
        request_timeout_ms: { type: 'integer', minimum: 100, maximum: 3_600_000, default: 60000 },
        min_body_bytes_per_s: { type: 'integer', minimum: 0, default: 1024 },
        body_rate_grace_ms: { type: 'integer', minimum: 0, maximum: 600_000, default: 5000 },
        max_connections: { type: 'integer', minimum: 1, default: 4096 },
        max_connections_per_ip: { type: 'integer', minimum: 1 },
        admin_token_file: { type: 'string', minLength: 1 },
        admin_port: { type: 'integer', minimum: 0, maximum: 65535 },
        admin_host: { type: 'string', minLength: 1 },
      },
    },
    log: {
      type: 'object',
      default: {},
      additionalProperties: false,
      required: ['level'],
      properties: {
        level: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
      },
    },
    identity: identitySchema,
    policy: {
      type: 'object',
      additionalProperties: false,
      required: ['bundle', 'poll_interval_ms', 'evaluation'],
      properties: {
        ...policyBundleProperties,
        poll_interval_ms: { type: 'integer', minimum: 0, default: 10000 },
        evaluation: {
          type: 'object',
          default: {},
          additionalProperties: false,
          required: ['max_input_bytes', 'deadline_ms', 'memory_max_pages'],
          properties: {
            max_input_bytes: { type: 'integer', minimum: 1024, maximum: 16 * 1024 * 1024, default: 32 * 1024 },
            deadline_ms: { type: 'number', exclusiveMinimum: 0, maximum: 10000, default: 500 },
            max_steps: { type: 'integer', minimum: 1000, maximum: 2147483647 },
            memory_max_pages: { type: 'integer', minimum: 8, maximum: 16384, default: 512 },
          },
        },
        shadow: {
          type: 'object',
          additionalProperties: false,
          required: ['bundle'],
          properties: policyBundleProperties,
        },
      },
    },
    providers: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'type'],
        properties: {
          // Names key secrets internally (`<name>/session_token`), so they hold no `/`.
          name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
          type: { type: 'string', enum: ['echo', 'openai', 'openai-compatible', 'azure', 'anthropic', 'bedrock', 'gemini', 'vertex'] },
          base_url: { type: 'string', pattern: '^https?://' },
          api_key_env: { type: 'string', minLength: 1 },
          api_key_file: { type: 'string', minLength: 1 },
          timeout_ms: { type: 'integer', minimum: 1 },
          stream_idle_timeout_ms: { type: 'integer', minimum: 1 },
          api_version: { type: 'string', minLength: 1 },
          anthropic_version: { type: 'string', minLength: 1 },
          default_max_tokens: { type: 'integer', minimum: 1 },
          stream_usage: { type: 'boolean' },
          responses: { type: 'boolean' },
          region: { type: 'string', pattern: '^[a-z0-9-]+$' },
          project: { type: 'string', minLength: 1 },
          token_file: { type: 'string', minLength: 1 },
          access_key_id: { type: 'string', minLength: 1 },
          access_key_id_env: { type: 'string', minLength: 1 },
          session_token_env: { type: 'string', minLength: 1 },
          session_token_file: { type: 'string', minLength: 1 },
        },
      },
    },
    models: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'strategy', 'fallbacks'],
        properties: {
          name: { type: 'string', minLength: 1 },
          provider: { type: 'string', minLength: 1 },
          upstream_model: { type: 'string', nullable: true },
          targets: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['provider', 'weight'],
              properties: {
                provider: { type: 'string', minLength: 1 },
                model: { type: 'string', minLength: 1 },
                weight: { type: 'number', exclusiveMinimum: 0, default: 1 },
              },
            },
          },
          strategy: { type: 'string', enum: ['priority', 'weighted', 'least_latency', 'lowest_cost'], default: 'priority' },
          fallbacks: { type: 'boolean', default: true },
        },
      },
    },
    routing: {
      type: 'object',
      default: {},
      additionalProperties: false,
      required: ['retry', 'deadline_ms', 'breaker', 'latency_ewma_alpha'],
      properties: {
        retry: {
          type: 'object',
          default: {},
          additionalProperties: false,
          required: ['max_attempts', 'base_delay_ms', 'max_delay_ms', 'max_retry_after_ms'],
          properties: {
            max_attempts: { type: 'integer', minimum: 1, maximum: 10, default: 2 },
            base_delay_ms: { type: 'integer', minimum: 0, default: 100 },
            max_delay_ms: { type: 'integer', minimum: 0, default: 2000 },
            max_retry_after_ms: { type: 'integer', minimum: 0, default: 10000 },
          },
        },
        deadline_ms: { type: 'integer', minimum: 1, default: 120000 },
        breaker: {
          type: 'object',
          default: {},
          additionalProperties: false,
          required: ['consecutive_failures', 'error_rate', 'window', 'min_calls', 'open_ms', 'half_open_probes'],
          properties: {
            consecutive_failures: { type: 'integer', minimum: 1, default: 5 },
            error_rate: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.5 },
            window: { type: 'integer', minimum: 1, maximum: 1000, default: 20 },
            min_calls: { type: 'integer', minimum: 1, default: 10 },
            open_ms: { type: 'integer', minimum: 1, default: 30000 },
            half_open_probes: { type: 'integer', minimum: 1, default: 1 },
          },
        },
        latency_ewma_alpha: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.3 },
      },
    },
    prices: {
      type: 'object',
      default: {},
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['input_per_mtok', 'output_per_mtok'],
        properties: { input_per_mtok: { type: 'number', minimum: 0 }, output_per_mtok: { type: 'number', minimum: 0 } },
      },
    },
    passthrough: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['route', 'provider', 'methods'],
        properties: {
          route: { type: 'string', pattern: '^/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]$' },
          provider: { type: 'string', minLength: 1 },
          upstream_path: { type: 'string', pattern: '^/[A-Za-z0-9._~/-]*$' },
          methods: { type: 'array', minItems: 1, items: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] }, default: ['GET', 'POST', 'DELETE'] },
          max_body_bytes: { type: 'integer', minimum: 1024, maximum: 512 * 1024 * 1024, default: 32 * 1024 * 1024 },
        },
      },
    },
    audit: {
      type: 'object',
      additionalProperties: false,
      required: ['sink', 'commitment_key_file', 'create_commitment_key'],
      properties: {
        sink: { type: 'string', enum: ['kafka', 'ledger'] },
        commitment_key_file: { type: 'string', minLength: 1 },
        create_commitment_key: { type: 'boolean', default: false },
        kafka: {
          type: 'object',
          nullable: true,
          additionalProperties: false,
          required: ['brokers', 'topic', 'client_id', 'ack_timeout_ms', 'linger_ms'],
          properties: {
            brokers: { ...stringArray, minItems: 1 },
            topic: { type: 'string', minLength: 1, default: 'palisade.audit' },
            client_id: { type: 'string', minLength: 1, default: 'palisade-gateway' },
            ack_timeout_ms: { type: 'integer', minimum: 1, default: 5000 },
            linger_ms: { type: 'integer', minimum: 0, maximum: 100, default: 0 },
            on_unavailable: { type: 'string', enum: ['reject', 'spool'], default: 'reject' },
            producers: { type: 'integer', minimum: 1, maximum: 16, default: 4 },
            spool_dir: { type: 'string', minLength: 1 },
          },
        },
        ledger: {
          type: 'object',
          nullable: true,
          additionalProperties: false,
          required: ['dir', 'origin', 'signing_key_file', 'create_signing_key'],
          properties: {
            dir: { type: 'string', minLength: 1 },
            origin: { type: 'string', minLength: 1 },
            signing_key_file: { type: 'string', minLength: 1 },
            create_signing_key: { type: 'boolean', default: false },
            checkpoint_interval_ms: { type: 'integer', minimum: 10, default: 1000 },
            checkpoint_every: { type: 'integer', minimum: 1, default: 4096 },
          },
        },
        content: {
          type: 'object',
          additionalProperties: false,
          properties: {
            keys_dir: { type: 'string', minLength: 1 },
            store_dir: { type: 'string', minLength: 1 },
            key_cache_ms: { type: 'integer', minimum: 0, default: 5000 },
          },
        },
      },
    },
    limits: {
      type: 'object',
      default: {},
      additionalProperties: false,
      required: ['backend', 'on_backend_error', 'rules', 'tiers'],
      properties: {
        backend: { type: 'string', enum: ['memory', 'redis'], default: 'memory' },
        on_backend_error: { type: 'string', enum: ['closed', 'open'], default: 'closed' },
        rules: rateLimits,
        tiers: { type: 'object', default: {}, propertyNames: limitName, additionalProperties: rateLimits },
      },
    },
    budgets: {
      type: 'object',
      default: {},
      additionalProperties: false,
      required: ['rules', 'unpriced'],
      properties: {
        rules: {
          type: 'array',
          default: [],
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'by', 'usd', 'period', 'thresholds'],
            properties: {
              name: limitName,
              by: limitAttributes,
              usd: { type: 'number', exclusiveMinimum: 0 },
              period: { type: 'string', enum: ['hour', 'day', 'week', 'month'] },
              thresholds: { type: 'array', uniqueItems: true, items: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }, default: [0.8] },
              match: principalMatch,
            },
          },
        },
        unpriced: { type: 'string', enum: ['deny', 'free'], default: 'deny' },
      },
    },
    cache: {
      type: 'object',
      default: {},
      additionalProperties: false,
      required: ['backend', 'max_bytes', 'max_entry_bytes', 'ttl_s', 'max_temperature'],
      properties: {
        backend: { type: 'string', enum: ['memory', 'redis', 'off'], default: 'memory' },
        max_bytes: { type: 'integer', minimum: 0, default: 64 * 1024 * 1024 },
        max_entry_bytes: { type: 'integer', minimum: 1, default: 1024 * 1024 },
        ttl_s: { type: 'integer', minimum: 1, default: 3600 },
        max_temperature: { type: 'number', minimum: 0, maximum: 2, default: 0 },
      },
    },
    classify: { ...classifyConfigSchema, default: {} },
    redaction: {
      type: 'object',
      default: {},
      additionalProperties: false,
      required: ['restore'],
      properties: {
        restore: { type: 'boolean', default: false },
        hash_key_file: { type: 'string', minLength: 1 },
      },
    },
    ingress: {
      type: 'object',
      default: {},
      additionalProperties: false,
      required: ['unknown_fields'],
      properties: {
        unknown_fields: {
          type: 'object',
          default: {},
          propertyNames: { enum: ['/v1/chat/completions', '/v1/messages', '/v1/responses', '/v1/embeddings'] },
          additionalProperties: { type: 'string', enum: ['refuse', 'classify'] },
        },
      },
    },
    answers: {
      type: 'object',
      default: {},
      additionalProperties: false,
      required: ['stream_release', 'hold_back_chars'],
      properties: {
        stream_release: { type: 'string', enum: ['after_scan', 'immediate'], default: 'after_scan' },
        hold_back_chars: { type: 'integer', minimum: 32, maximum: 65536, default: 256 },
      },
    },
    telemetry: {
      type: 'object',
      default: {},
      additionalProperties: false,
      required: ['service_name', 'sampling_ratio'],
      properties: {
        service_name: { type: 'string', minLength: 1, default: 'palisade-gateway' },
        sampling_ratio: { type: 'number', minimum: 0, maximum: 1, default: 1 },
        otlp: {
          type: 'object',
          additionalProperties: false,
          required: ['endpoint', 'timeout_ms'],
          properties: {
            endpoint: { type: 'string', pattern: '^https?://[^@/]+(/.*)?$' },
            headers_file: { type: 'string', minLength: 1 },
            timeout_ms: { type: 'integer', minimum: 1, maximum: 600000, default: 10000 },
          },
        },
      },
    },
    redis: {
      type: 'object',
      additionalProperties: false,
      required: ['url', 'key_prefix', 'connect_timeout_ms', 'command_timeout_ms'],
      properties: {
        // Credentials in the URL would reach logs and config dumps; they go in password_file.
        url: { type: 'string', pattern: '^rediss?://[^@/]+(/[0-9]+)?$' },
        username: { type: 'string', minLength: 1 },
        password_file: { type: 'string', minLength: 1 },
        key_prefix: { type: 'string', default: 'palisade:' },
        connect_timeout_ms: { type: 'integer', minimum: 1, default: 2000 },
        command_timeout_ms: { type: 'integer', minimum: 1, default: 250 },
      },
    },
  },
};
