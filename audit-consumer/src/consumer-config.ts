// The `palisade-audit consume` configuration file: its schema (snake_case, like the gateway's), and loading it with every problem reported by path.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { schemaAjv } from '@palisade/audit-core';
import type { ErrorObject } from 'ajv';
import { AuditError } from '@palisade/ledger';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ConsumerConfig {
  kafka: {
    brokers: string[];
    client_id: string;
    topic: string;
    group_id: string;
    /** How long the group waits for a silent member (e.g. a killed consumer) before giving its partitions to others. */
    session_timeout_ms: number;
    heartbeat_interval_ms: number;
  };
  ledger: {
    /** Folder of per-partition logs; relative paths are taken from the config file's folder. */
    dir: string;
    /** Partition logs are named `<origin_prefix>/<partition>`; also the key name of a newly created key. */
    origin_prefix: string;
    /** Go-format signer key file. */
    signing_key_file: string;
    /** Create the key (mode 0600) when the file is missing; for development. */
    create_signing_key: boolean;
    /** A checkpoint is signed at the latest this long after a record is appended. */
    checkpoint_interval_ms: number;
    /** ...and as soon as this many records are not yet covered by one. */
    checkpoint_every: number;
    /** Record ids remembered per partition to drop redelivered records (see docs/ledger.md). */
    dedupe_window: number;
    /** Entry bundles whose records are all older than this many days are removed; absent: kept forever. */
    retention_days?: number;
    retention_check_ms: number;
  };
  /** Serves the ledger (tlog-tiles, proofs, receipts) when present. */
  http?: { host: string; port: number };
  log: { level: LogLevel };
}

const nonEmpty = { type: 'string', minLength: 1 } as const;

export const consumerConfigSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['kafka', 'ledger'],
  properties: {
    kafka: {
      type: 'object',
      additionalProperties: false,
      required: ['brokers', 'topic', 'group_id'],
      properties: {
        brokers: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[^\\s:]+:[0-9]{1,5}$' } },
        client_id: { ...nonEmpty, default: 'palisade-audit' },
        topic: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,200}$' },
        group_id: nonEmpty,
        session_timeout_ms: { type: 'integer', minimum: 1000, default: 30000 },
        heartbeat_interval_ms: { type: 'integer', minimum: 100, default: 3000 },
      },
    },
    ledger: {
      type: 'object',
      additionalProperties: false,
      required: ['dir', 'origin_prefix', 'signing_key_file'],
      properties: {
        dir: nonEmpty,
        // Origins and key names must not hold spaces or '+' (C2SP signed-note).
        origin_prefix: { type: 'string', pattern: '^[^\\s+]+$' },
        signing_key_file: nonEmpty,
        create_signing_key: { type: 'boolean', default: false },
        checkpoint_interval_ms: { type: 'integer', minimum: 10, default: 1000 },
        checkpoint_every: { type: 'integer', minimum: 1, default: 4096 },
        dedupe_window: { type: 'integer', minimum: 1000, default: 100000 },
        retention_days: { type: 'number', exclusiveMinimum: 0 },
        retention_check_ms: { type: 'integer', minimum: 1000, default: 3600000 },
      },
    },
    http: {
      type: 'object',
      additionalProperties: false,
      required: ['port'],
      properties: {
        host: { type: 'string', minLength: 1, default: '127.0.0.1' },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: { level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' } },
    },
  },
};

const validate = schemaAjv('all-errors-with-defaults').compile<ConsumerConfig>(consumerConfigSchema);

function describe(e: ErrorObject): string {
  const path = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') return `${path}: unknown property "${String(e.params.additionalProperty)}"`;
  if (e.keyword === 'required') return `${path}: missing property "${String(e.params.missingProperty)}"`;
  return `${path}: ${e.message ?? 'is not valid'}`;
}

/** Validates a parsed config, resolving its paths from `baseDir`; throws AUD_ERR_CONFIG_INVALID whose data.problems lists every problem. */
export function parseConsumerConfig(value: unknown, baseDir: string): ConsumerConfig {
  const copy: unknown = structuredClone(value);
  if (!validate(copy)) {
    const problems = (validate.errors ?? []).map(describe);
    throw new AuditError('AUD_ERR_CONFIG_INVALID', { detail: problems.join('; '), data: { problems } });
  }
  const config = copy;
  if (config.kafka.heartbeat_interval_ms >= config.kafka.session_timeout_ms) {
    const problems = ['/kafka/heartbeat_interval_ms: must be smaller than session_timeout_ms'];
    throw new AuditError('AUD_ERR_CONFIG_INVALID', { detail: problems.join('; '), data: { problems } });
  }
  config.ledger.dir = resolve(baseDir, config.ledger.dir);
  config.ledger.signing_key_file = resolve(baseDir, config.ledger.signing_key_file);
  return config;
}

/** Reads and validates a JSON config file. */
export async function loadConsumerConfig(file: string): Promise<ConsumerConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new AuditError('AUD_ERR_CONFIG_INVALID', { cause: err, detail: `Cannot read ${file}.`, data: { problems: [`${file}: cannot be read`] } });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AuditError('AUD_ERR_CONFIG_INVALID', { cause: err, detail: `${file} is not JSON.`, data: { problems: [`${file}: not valid JSON`] } });
  }
  return parseConsumerConfig(value, dirname(resolve(file)));
}
