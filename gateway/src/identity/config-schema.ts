// The `identity` section of the gateway configuration: API keys, OpenID issuers, token
// introspection and trusted proxies. Types are derived from the schema; docs/configuration.md is
// generated from it.
import { Type, type Static } from '@sinclair/typebox';
import { MapOf, StringEnum } from '../config/schema-kit.js';
import { DEFAULT_CLAIM_PATHS } from './claims.js';

const claimPath = Type.String({ minLength: 1, maxLength: 256 });
const headerName = { pattern: '^[a-z0-9-]+$', maxLength: 64 } as const;
const rfc3339 = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';
// HMAC algorithms and `none` are not offered: a public JWKS must never double as a shared secret.
const asymmetricAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

export const ApiKeySchema = Type.Object(
  {
    key_sha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 (hex) of the key; keys themselves are never stored in config' }),
    id: Type.String({ minLength: 1, description: 'a short, non-secret label shown in logs and audit records instead of the key' }),
    sub: Type.String({ minLength: 1, description: 'the subject the key stands for' }),
    tenant: Type.Optional(Type.String({ nullable: true, description: 'the tenant of that subject' })),
    roles: Type.Array(Type.String(), { default: [], description: 'roles the policy sees' }),
    app: Type.Optional(Type.String({ nullable: true, description: 'the calling application' })),
    expires_at: Type.Optional(Type.String({ pattern: rfc3339, description: 'RFC 3339 time after which the key is refused' })),
  },
  { additionalProperties: false },
);
export type ApiKeyConfig = Static<typeof ApiKeySchema>;

/**
 * Where a token's claims become principal attributes. Each value is a dotted path into the
 * claims (`realm_access.roles`); a claim name that itself holds dots, such as Auth0's
 * `https://example.com/roles`, is matched whole first.
 */
export const ClaimMappingSchema = Type.Object(
  {
    roles: Type.Optional(Type.Array(claimPath, { minItems: 1, description: 'paths whose values are merged into `roles` (default: `roles_claim`)' })),
    groups: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: `path of the groups (default \`${DEFAULT_CLAIM_PATHS.groups}\`)` })),
    tenant: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'path of the tenant (default: `tenant_claim`)' })),
    email: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: `path of the email address (default \`${DEFAULT_CLAIM_PATHS.email}\`)` })),
    department: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'path of the department' })),
    clearance: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'path of the clearance' })),
    app: Type.Optional(
      Type.Array(claimPath, { minItems: 1, description: `the calling application's id: the first path present wins (default ${DEFAULT_CLAIM_PATHS.app.map((p) => `\`${p}\``).join(', then ')})` }),
    ),
    attributes: Type.Optional(
      MapOf(claimPath, {
        propertyNames: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' },
        description: 'further attributes by name, each from a claim path; policies read `principal.attributes.<name>`',
      }),
    ),
  },
  { additionalProperties: false, description: "where a token's claims become principal attributes; each value is a dotted path into the claims, a claim name holding dots is matched whole first" },
);
export type ClaimMappingConfig = Static<typeof ClaimMappingSchema>;

/** RFC 7662 token introspection for opaque access tokens from this issuer. */
export const IntrospectionSchema = Type.Object(
  {
    client_secret_file: Type.String({ minLength: 1, description: "file holding the gateway's client secret at the issuer" }),
    auth_method: StringEnum(['client_secret_basic', 'client_secret_post'], { default: 'client_secret_basic', description: 'how the client secret is sent' }),
    cache_max_s: Type.Integer({ minimum: 0, maximum: 86400, default: 300, description: "an active token's answer is reused until the token expires, but never longer than this" }),
    cache_max_entries: Type.Integer({ minimum: 1, maximum: 10_000_000, default: 10000, description: 'how many answers are kept (least recently used are dropped first)' }),
    negative_cache_s: Type.Integer({
      minimum: 0,
      maximum: 3600,
      default: 10,
      description: 'how long an inactive answer is reused, so a replayed dead token does not reach the issuer each time',
    }),
    require_audience: Type.Boolean({ default: true, description: 'refuse answers without an `aud` naming `audience`' }),
  },
  { additionalProperties: false, description: "RFC 7662 token introspection for opaque access tokens from this issuer" },
);
export type IntrospectionConfig = Static<typeof IntrospectionSchema>;

export const OidcIssuerSchema = Type.Object(
  {
    issuer: Type.String({ minLength: 1, description: 'exact `iss` value; must be `https`' }),
    client_id: Type.String({ minLength: 1, description: "the gateway's client id at the issuer; used for discovery and introspection" }),
    audience: Type.String({ minLength: 1, description: 'required `aud`' }),
    algorithms: Type.Array(Type.String({ enum: [...asymmetricAlgorithms] }), {
      minItems: 1,
      uniqueItems: true,
      default: ['RS256', 'ES256'],
      description: 'accepted signature algorithms (asymmetric only)',
    }),
    roles_claim: Type.String({ default: 'roles', description: 'claim (dotted path, e.g. `realm_access.roles`) holding roles' }),
    tenant_claim: Type.String({ default: 'tenant', description: 'claim holding the tenant' }),
    clock_tolerance_s: Type.Integer({ minimum: 0, maximum: 300, default: 30, description: 'allowed clock skew for `exp`/`nbf`/`iat`' }),
    allow_insecure_http: Type.Boolean({ default: false, description: 'accept an `http` issuer; for loopback test issuers only' }),
    required_claims: Type.Array(claimPath, {
      uniqueItems: true,
      default: ['sub', 'exp'],
      description: 'claims every token must carry (besides `iss`, `aud` and `exp`, which are always checked)',
    }),
    max_token_age_s: Type.Optional(Type.Integer({ minimum: 1, description: "refuse tokens whose `iat` is older than this, whatever their `exp`" })),
    claims: Type.Optional(ClaimMappingSchema),
    introspection: Type.Optional(IntrospectionSchema),
    jwks_cache_s: Type.Integer({
      minimum: 10,
      maximum: 86400,
      default: 600,
      description: 'signing keys are refreshed in the background at half this age and never used older than it',
    }),
    jwks_cooldown_s: Type.Integer({ minimum: 0, maximum: 3600, default: 30, description: 'a token with an unknown key id refetches the keys at most once per this many seconds' }),
    timeout_ms: Type.Integer({ minimum: 100, maximum: 60000, default: 5000, description: 'discovery, key and introspection requests to the issuer fail after this long' }),
  },
  { additionalProperties: false },
);
export type OidcIssuerConfig = Static<typeof OidcIssuerSchema>;

/** Identity asserted by an authenticating reverse proxy in front of the gateway. */
export const TrustedProxySchema = Type.Object(
  {
    sources: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: "peer addresses (IPs or CIDRs) whose identity headers are believed; others' are ignored" }),
    user_header: Type.String({ ...headerName, default: 'x-forwarded-user', description: 'header naming the person' }),
    groups_header: Type.String({ ...headerName, default: 'x-forwarded-groups', description: "header listing the person's groups" }),
    email_header: Type.String({ ...headerName, default: 'x-forwarded-email', description: "header holding the person's email address" }),
    issuer: Type.String({ minLength: 1, default: 'urn:palisade:proxy', description: 'the `iss` recorded for proxy-asserted people' }),
    groups_as_roles: Type.Boolean({ default: true, description: "the proxy's groups also become roles" }),
  },
  { additionalProperties: false, description: 'identity asserted by an authenticating reverse proxy in front of the gateway' },
);
export type TrustedProxyConfig = Static<typeof TrustedProxySchema>;

export const IdentitySchema = Type.Object(
  {
    api_keys: Type.Array(ApiKeySchema, { default: [], description: 'API keys, each stored only as its SHA-256' }),
    api_keys_file: Type.Optional(Type.String({ minLength: 1, description: 'JSON file of API keys managed with `palisade keys`; re-read when it changes' })),
    api_keys_file_poll_ms: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 1000, description: 'how often `api_keys_file` is checked for changes' }),
    oidc: Type.Array(OidcIssuerSchema, { default: [], description: 'trusted OpenID issuers' }),
    user_token_header: Type.String({
      ...headerName,
      default: 'x-palisade-user-token',
      description: "header in which an authenticated application passes its end user's token",
    }),
    max_token_bytes: Type.Integer({ minimum: 256, maximum: 65536, default: 8192, description: 'longer credentials are refused before any parsing' }),
    jwt_cache_entries: Type.Integer({
      minimum: 0,
      maximum: 10_000_000,
      default: 10000,
      description: 'verified JWTs remembered (by hash, until they expire and while their key is published) so a reused token is not verified again; 0 turns this off',
    }),
    trusted_proxy: Type.Optional(TrustedProxySchema),
    denial_audit: Type.Object(
      {
        rate_per_s: Type.Number({ exclusiveMinimum: 0, default: 100, description: 'refused requests recorded one by one per second' }),
        burst: Type.Integer({ minimum: 1, default: 200, description: 'how many may be recorded at once above that rate' }),
      },
      {
        additionalProperties: false,
        default: {},
        description: 'refused requests are recorded one by one up to this rate; beyond it they are counted and summarised',
      },
    ),
  },
  { additionalProperties: false, default: {} },
);
export type IdentityConfig = Static<typeof IdentitySchema>;
