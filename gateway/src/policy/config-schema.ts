// The `policy` section of the gateway configuration: which bundle is enforced, how its signature
// is checked, how it is downloaded and how each evaluation is bounded. Types are derived from the
// schema; docs/configuration.md is generated from it.
import { Type, type Static } from '@sinclair/typebox';
import { DEFAULT_SIGNING_ALGORITHM, SIGNING_ALGORITHMS } from './bundle-signature.js';
import { STEPS_PER_DEADLINE_MS } from './engine.js';

/** One trusted bundle-signing key (OPA's `keys.<id>`). */
export const PolicyKeySchema = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'the key id a token names' }),
    public_key_file: Type.String({ minLength: 1, description: 'PEM public key (SPKI or PKCS#1) or certificate' }),
    algorithm: Type.Optional(Type.String({ enum: [...SIGNING_ALGORITHMS], description: `the JWS algorithm this key signs with (default ${DEFAULT_SIGNING_ALGORITHM}); the token's own \`alg\` is never trusted` })),
    scope: Type.Optional(Type.String({ description: 'the scope bundles signed with this key must carry' })),
  },
  { additionalProperties: false },
);
export type PolicyKeyConfig = Static<typeof PolicyKeySchema>;

/**
 * How bundle signatures are checked, as OPA's `keys` and `bundles.<name>.signing`. Either
 * `public_key_file` with `key_id` (one key, always used, like `opa build --verification-key`),
 * or `keys` (the token's `kid`, else its `keyid` claim, picks one; `key_id` pins one).
 */
export const PolicyVerificationSchema = Type.Object(
  {
    public_key_file: Type.Optional(Type.String({ minLength: 1, description: 'the one verification key (PEM), with `key_id`' })),
    algorithm: Type.Optional(Type.String({ enum: [...SIGNING_ALGORITHMS], description: `the JWS algorithm of that key (default ${DEFAULT_SIGNING_ALGORITHM})` })),
    key_id: Type.Optional(Type.String({ minLength: 1, description: 'the id of that key; with `keys`, pins one of them' })),
    scope: Type.Optional(Type.String({ description: "the scope every bundle must be signed for (default: the key's scope, else none)" })),
    keys: Type.Optional(Type.Array(PolicyKeySchema, { minItems: 1, description: 'trusted keys, picked by the token' })),
  },
  {
    additionalProperties: false,
    anyOf: [
      { required: ['public_key_file', 'key_id'], properties: { public_key_file: true, key_id: true } },
      { required: ['keys'], properties: { keys: true } },
    ],
    description: 'absent: bundles must be signed with the development key (config/dev-keys), and a warning says so',
  },
);
export type PolicyVerificationConfig = Static<typeof PolicyVerificationSchema>;

/** How long one bundle download may take when `download.timeout_ms` is not given. */
export const DOWNLOAD_TIMEOUT_MS = 30000;

/** How the gateway downloads a bundle from an OPA bundle server (when `bundle` is an http(s) URL). */
export const PolicyDownloadSchema = Type.Object(
  {
    bearer_token_file: Type.Optional(Type.String({ minLength: 1, description: 'file holding a bearer token sent to the bundle server; the token never appears in config' })),
    long_polling_timeout_s: Type.Integer({
      minimum: 0,
      maximum: 3600,
      default: 0,
      description: 'long polling: the server may hold each request up to this long (`Prefer: wait=N`); 0 polls',
    }),
    timeout_ms: Type.Integer({ minimum: 100, default: DOWNLOAD_TIMEOUT_MS, description: 'a download that takes longer fails (long polls get their wait on top)' }),
  },
  { additionalProperties: false, description: 'how the bundle is downloaded from an OPA bundle server (when `bundle` is an http(s) URL)' },
);
export type PolicyDownloadConfig = Static<typeof PolicyDownloadSchema>;

/** The fields `policy` and `policy.shadow` share. */
const bundleProperties = {
  bundle: Type.String({ minLength: 1, description: 'a .tar.gz bundle file, an unpacked bundle directory, or an http(s) bundle server URL' }),
  verification: Type.Optional(PolicyVerificationSchema),
  download: Type.Optional(PolicyDownloadSchema),
};

/** A bundle to enforce, or to evaluate beside it. */
export const PolicyBundleSchema = Type.Object(bundleProperties, {
  additionalProperties: false,
  description: 'a candidate bundle evaluated beside the enforced one and recorded, never enforced',
});
export type PolicyBundleConfig = Static<typeof PolicyBundleSchema>;

export const PolicyEvaluationSchema = Type.Object(
  {
    max_input_bytes: Type.Integer({
      minimum: 1024,
      maximum: 16 * 1024 * 1024,
      default: 32 * 1024,
      description: 'larger serialised decision inputs are denied (GW_ERR_POLICY_INPUT_TOO_LARGE)',
    }),
    deadline_ms: Type.Number({ exclusiveMinimum: 0, maximum: 10000, default: 500, description: 'an evaluation that takes longer is denied (GW_ERR_POLICY_TIMEOUT)' }),
    max_steps: Type.Optional(
      Type.Integer({
        minimum: 1000,
        maximum: 2147483647,
        description: `WASM loop iterations and calls after which an evaluation is stopped (default ${STEPS_PER_DEADLINE_MS} per millisecond of \`deadline_ms\`)`,
      }),
    ),
    memory_max_pages: Type.Integer({ minimum: 8, maximum: 16384, default: 512, description: 'WASM memory limit per bundle, in 64 KiB pages' }),
  },
  { additionalProperties: false, default: {}, description: 'bounds on each evaluation; past any of them the request is denied' },
);
export type PolicyEvaluationConfig = Static<typeof PolicyEvaluationSchema>;

export const PolicySchema = Type.Object(
  {
    ...bundleProperties,
    poll_interval_ms: Type.Integer({ minimum: 0, default: 10000, description: 'how often the bundle source is checked for a new bundle; 0 loads once' }),
    evaluation: PolicyEvaluationSchema,
    shadow: Type.Optional(PolicyBundleSchema),
  },
  { additionalProperties: false },
);
export type PolicyConfig = Static<typeof PolicySchema>;
