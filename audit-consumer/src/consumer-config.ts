// The `palisade-audit consume` configuration file: its schema, and loading it with every problem reported by path.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { AuditError } from './errors.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ConsumerConfig {
  kafka: { brokers: string[]; clientId?: string; topic: string; groupId: string };
  ledger: {
    /** Folder of per-partition logs; relative paths are taken from the config file's folder. */
    dir: string;
    /** Partition logs are named `<originPrefix>/<partition>`; also the key name of a newly created key. */
    originPrefix: string;
    /** Go-format signer key file; created with mode 0600 if missing (development). */
    signingKeyFile: string;
  };
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
      required: ['brokers', 'topic', 'groupId'],
      properties: {
        brokers: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[^\\s:]+:[0-9]{1,5}$' } },
        clientId: nonEmpty,
        topic: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,200}$' },
        groupId: nonEmpty,
      },
    },
    ledger: {
      type: 'object',
      additionalProperties: false,
      required: ['dir', 'originPrefix', 'signingKeyFile'],
      properties: {
        dir: nonEmpty,
        // Origins and key names must not hold spaces or '+' (C2SP signed-note).
        originPrefix: { type: 'string', pattern: '^[^\\s+]+$' },
        signingKeyFile: nonEmpty,
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

const ajv = new Ajv({ allErrors: true, strict: true, useDefaults: true });
const validate = ajv.compile<ConsumerConfig>(consumerConfigSchema);

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
  config.ledger.dir = resolve(baseDir, config.ledger.dir);
  config.ledger.signingKeyFile = resolve(baseDir, config.ledger.signingKeyFile);
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
