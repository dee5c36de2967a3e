// The gateway's one configuration schema. Validated once at start-up; nothing else reads the
// environment or the config file.
import type { SchemaObject } from 'ajv';

export interface ApiKeyConfig {
  /** SHA-256 (hex) of the key. Keys themselves are never stored in config. */
  key_sha256: string;
  /** A short, non-secret label shown in logs and audit records instead of the key. */
  id: string;
  sub: string;
  tenant?: string;
  roles: string[];
  app?: string;
}

export interface OidcIssuerConfig {
  issuer: string;
  /** The client id registered for the gateway at the issuer; used for discovery. */
  client_id: string;
  audience: string;
  algorithms: string[];
  roles_claim: string;
  tenant_claim: string;
  clock_tolerance_s: number;
  /** Only for test or development issuers served over plain HTTP on loopback. */
  allow_insecure_http: boolean;
}

export interface EchoProviderConfig {
  name: string;
  type: 'echo';
}

export interface OpenAIProviderConfig {
  name: string;
  type: 'openai';
  base_url: string;
  /** The provider key, resolved by the config loader from `api_key_env` or `api_key_file`. */
  api_key_env?: string;
  api_key_file?: string;
  timeout_ms: number;
}

export type ProviderConfig = EchoProviderConfig | OpenAIProviderConfig;

export interface ModelConfig {
  name: string;
  provider: string;
  /** The model name sent upstream; defaults to `name`. */
  upstream_model?: string;
}

export interface KafkaAuditConfig {
  brokers: string[];
  topic: string;
  client_id: string;
  /** How long a request waits for the broker's acknowledgement before it is refused. */
  ack_timeout_ms: number;
  /** Records waiting at most this long are sent together in one produce round trip. */
  linger_ms: number;
}

export interface LedgerAuditConfig {
  dir: string;
  origin: string;
  signing_key_file: string;
  /** Create the signing key when it is missing (development only). */
  create_signing_key: boolean;
}

export interface AuditConfig {
  sink: 'kafka' | 'ledger';
  kafka?: KafkaAuditConfig;
  ledger?: LedgerAuditConfig;
  /** File holding the secret that keys content commitments (HMAC-SHA256). */
  commitment_key_file: string;
  create_commitment_key: boolean;
}

export interface GatewayConfig {
  server: {
    host: string;
    port: number;
    gateway_id: string;
    body_limit_bytes: number;
    shutdown_grace_ms: number;
  };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  identity: {
    api_keys: ApiKeyConfig[];
    oidc: OidcIssuerConfig[];
  };
  policy: { bundle: string };
  providers: ProviderConfig[];
  models: ModelConfig[];
  audit: AuditConfig;
}

const stringArray = { type: 'array', items: { type: 'string' } } as const;

export const configSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['server', 'log', 'identity', 'policy', 'providers', 'models', 'audit'],
  properties: {
    server: {
      type: 'object',
      default: {},
      additionalProperties: false,
      required: ['host', 'port', 'gateway_id', 'body_limit_bytes', 'shutdown_grace_ms'],
      properties: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
        gateway_id: { type: 'string', minLength: 1, default: 'palisade' },
        body_limit_bytes: { type: 'integer', minimum: 1024, maximum: 64 * 1024 * 1024, default: 4 * 1024 * 1024 },
        shutdown_grace_ms: { type: 'integer', minimum: 0, default: 10000 },
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
    identity: {
      type: 'object',
      default: {},
      additionalProperties: false,
      required: ['api_keys', 'oidc'],
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
            },
          },
        },
        oidc: {
          type: 'array',
          default: [],
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['issuer', 'client_id', 'audience', 'algorithms', 'roles_claim', 'tenant_claim', 'clock_tolerance_s', 'allow_insecure_http'],
            properties: {
              issuer: { type: 'string', minLength: 1 },
              client_id: { type: 'string', minLength: 1 },
              audience: { type: 'string', minLength: 1 },
              algorithms: {
                type: 'array',
                minItems: 1,
                items: { type: 'string', enum: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] },
                default: ['RS256', 'ES256'],
              },
              roles_claim: { type: 'string', default: 'roles' },
              tenant_claim: { type: 'string', default: 'tenant' },
              clock_tolerance_s: { type: 'integer', minimum: 0, maximum: 300, default: 30 },
              allow_insecure_http: { type: 'boolean', default: false },
            },
          },
        },
      },
    },
    policy: {
      type: 'object',
      additionalProperties: false,
      required: ['bundle'],
      properties: { bundle: { type: 'string', minLength: 1 } },
    },
    providers: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'type'],
        properties: {
          name: { type: 'string', minLength: 1 },
          type: { type: 'string', enum: ['echo', 'openai'] },
          base_url: { type: 'string', pattern: '^https?://' },
          api_key_env: { type: 'string' },
          api_key_file: { type: 'string' },
          timeout_ms: { type: 'integer', minimum: 1 },
        },
      },
    },
    models: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'provider'],
        properties: {
          name: { type: 'string', minLength: 1 },
          provider: { type: 'string', minLength: 1 },
          upstream_model: { type: 'string', nullable: true },
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
          },
        },
      },
    },
  },
};
