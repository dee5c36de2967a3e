// The API keys file: its JSON format, reading and validating it, and replacing it atomically so
// a gateway re-reading it never sees half a file.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { schemaAjv } from '@palisade/audit-core';
import type { ErrorObject } from 'ajv';
import { GatewayError } from '../errors.js';

export interface StoredApiKey {
  id: string;
  /** SHA-256 (hex) of the whole key; the key itself is shown once, when created, and never stored. */
  key_sha256: string;
  sub: string;
  tenant?: string;
  roles: string[];
  app?: string;
  created_at: string;
  expires_at?: string;
  revoked_at?: string;
}

export interface KeysFile {
  version: 1;
  keys: StoredApiKey[];
}

const time = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$' } as const;

const keysFileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'keys'],
  properties: {
    version: { const: 1 },
    keys: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'key_sha256', 'sub', 'roles', 'created_at'],
        properties: {
          id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
          key_sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          sub: { type: 'string', minLength: 1 },
          tenant: { type: 'string', minLength: 1 },
          roles: { type: 'array', items: { type: 'string', minLength: 1 } },
          app: { type: 'string', minLength: 1 },
          created_at: time,
          expires_at: time,
          revoked_at: time,
        },
      },
    },
  },
} as const;

const validate = schemaAjv('all-errors').compile<KeysFile>(keysFileSchema);

function describe(e: ErrorObject): string {
  const where = e.instancePath === '' ? '/' : e.instancePath;
  const extra = e.params['additionalProperty'];
  if (typeof extra === 'string') return `${where}: unknown property "${extra}"`;
  const missing = e.params['missingProperty'];
  if (typeof missing === 'string') return `${where}: missing property "${missing}"`;
  return `${where}: ${e.message ?? e.keyword}`;
}

/** Parses a keys file; throws GW_ERR_CONFIG_INVALID naming the path of every problem. */
export function parseKeysFile(text: string, path: string): KeysFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new GatewayError('GW_ERR_CONFIG_INVALID', { cause, detail: `${path}: not valid JSON` });
  }
  const problems: string[] = validate(raw) ? [] : (validate.errors ?? []).map(describe);
  if (problems.length === 0) {
    const file = raw as KeysFile;
    const ids = new Set<string>();
    const hashes = new Set<string>();
    file.keys.forEach((k, i) => {
      if (ids.has(k.id)) problems.push(`/keys/${i}/id: duplicate key id "${k.id}"`);
      if (hashes.has(k.key_sha256)) problems.push(`/keys/${i}/key_sha256: duplicate key`);
      ids.add(k.id);
      hashes.add(k.key_sha256);
    });
    if (problems.length === 0) return file;
  }
  throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `${path}:\n  ${problems.join('\n  ')}`, data: { problems } });
}

function isMissing(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ENOENT';
}

/** Reads the keys file; a file that does not exist yet holds no keys. */
export function readKeysFile(path: string): KeysFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    if (isMissing(cause)) return { version: 1, keys: [] };
    throw new GatewayError('GW_ERR_CONFIG_INVALID', { cause, detail: `cannot read ${path}` });
  }
  return parseKeysFile(text, path);
}

/** Replaces the file in one rename, readable by its owner only (it names who may call). */
export function writeKeysFile(path: string, file: KeysFile): void {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(file, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Runs a read-modify-write of the keys file under an exclusive lock file, so two concurrent
 * `palisade keys` commands cannot lose each other's change.
 */
export function updateKeysFile<T>(path: string, change: (file: KeysFile) => T): T {
  const lock = `${path}.lock`;
  let fd: number;
  try {
    fd = openSync(lock, 'wx', 0o600);
  } catch (cause) {
    const detail =
      (cause as { code?: unknown } | null)?.code === 'EEXIST'
        ? `${lock} exists: another command is changing the keys file (remove the lock if none is)`
        : `cannot write beside ${path}: ${(cause as Error).message}`;
    throw new GatewayError('GW_ERR_CONFIG_INVALID', { cause, detail });
  }
  try {
    const file = readKeysFile(path);
    const result = change(file);
    writeKeysFile(path, file);
    return result;
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}
