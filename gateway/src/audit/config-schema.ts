// The `audit` section of the gateway configuration: where audit records go (Kafka or the embedded
// ledger) and where sealed content and its keys live. Types are derived from the schema;
// docs/configuration.md is generated from it.
import { Type, type Static } from '@sinclair/typebox';
import { FilledIn, StringEnum } from '../config/schema-kit.js';

export const KafkaAuditSchema = Type.Object(
  {
    brokers: Type.Array(Type.String(), { minItems: 1, description: 'bootstrap brokers, e.g. `["kafka-1:9092"]`' }),
    topic: Type.String({ minLength: 1, default: 'palisade.audit', description: 'topic; create it before starting' }),
    client_id: Type.String({ minLength: 1, default: 'palisade-gateway', description: 'the Kafka client id' }),
    ack_timeout_ms: Type.Integer({
      minimum: 1,
      default: 5000,
      description: "how long a request waits for the broker's acknowledgement before it is refused with 503 (or spooled)",
    }),
    linger_ms: Type.Integer({
      minimum: 0,
      maximum: 100,
      default: 0,
      description: 'records waiting at most this long are sent together in one produce round trip (0: records that arrive while a send is in flight already share the next one)',
    }),
    on_unavailable: StringEnum(['reject', 'spool'], {
      default: 'reject',
      description: "Kafka down or slow: `reject` answers 503 and forwards nothing; `spool` commits records to a local fsync'd spool and goes on",
    }),
    producers: Type.Integer({
      minimum: 1,
      maximum: 16,
      default: 4,
      description: 'idempotent producers side by side: a record goes to one with no round trip in flight, so it need not wait for one',
    }),
    spool_dir: Type.Optional(
      Type.String({ minLength: 1, description: 'folder of the spool; required with `spool`. Must be local, durable storage of this gateway instance' }),
    ),
  },
  { additionalProperties: false, nullable: true, description: 'the Kafka producer; required when `sink` is `kafka`' },
);
export type KafkaAuditConfig = Static<typeof KafkaAuditSchema>;

export const LedgerAuditSchema = Type.Object(
  {
    dir: Type.String({ minLength: 1, description: 'ledger folder; the embedded log is `<dir>/default`' }),
    origin: Type.String({ minLength: 1, description: "the log's origin line in its checkpoints" }),
    signing_key_file: Type.String({ minLength: 1, description: 'the checkpoint signing key (C2SP note key)' }),
    create_signing_key: Type.Boolean({ default: false, description: 'create the signing key when it is missing (development only)' }),
    checkpoint_interval_ms: Type.Integer({
      minimum: 10,
      default: 1000,
      description: 'a checkpoint is signed at the latest this long after a record is appended (records are durable at once)',
    }),
    checkpoint_every: Type.Integer({ minimum: 1, default: 4096, description: '...and as soon as this many records are not yet covered by one' }),
  },
  { additionalProperties: false, nullable: true, description: 'the embedded ledger; required when `sink` is `ledger`' },
);
export type LedgerAuditConfig = Static<typeof LedgerAuditSchema>;

export const AuditContentSchema = Type.Object(
  {
    keys_dir: FilledIn(
      Type.String({ minLength: 1, description: 'per-subject keys (one file per subject, wrapped by the master key); erasing a subject deletes its file' }),
      '`subject-keys/` beside `commitment_key_file`',
    ),
    store_dir: FilledIn(
      Type.String({ minLength: 1, description: 'content the policy keeps (`audit.content` "full" or "redacted"), sealed per record' }),
      '`content/` beside `commitment_key_file`',
    ),
    key_cache_ms: Type.Integer({ minimum: 0, default: 5000, description: 'how long a subject key is reused from memory before its file is checked again' }),
  },
  { additionalProperties: false, default: {}, description: 'where sealed content and its per-subject keys are kept' },
);
export type AuditContentConfig = Static<typeof AuditContentSchema>;

export const AuditSchema = Type.Object(
  {
    sink: StringEnum(['kafka', 'ledger'], { description: '`kafka` (production) or `ledger` (embedded: the gateway writes the ledger itself)' }),
    kafka: Type.Optional(KafkaAuditSchema),
    ledger: Type.Optional(LedgerAuditSchema),
    commitment_key_file: Type.String({
      minLength: 1,
      description: 'hex master key (32 bytes) keying the HMAC commitments to prompt and answer content and wrapping every subject key',
    }),
    create_commitment_key: Type.Boolean({ default: false, description: 'create that file when missing (development)' }),
    content: AuditContentSchema,
  },
  { additionalProperties: false },
);
export type AuditConfig = Static<typeof AuditSchema>;
