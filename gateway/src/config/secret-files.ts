// Secrets the configuration names by file, read once by the loader and kept apart from the
// configuration, so that logging or sharing the configuration never leaks them.
import { readFileSync } from 'node:fs';
import { ADMIN_TOKEN_MIN_CHARS } from '../http/admin-token.js';
import { HASH_KEY_MIN_BYTES } from '../redact/redaction-key.js';
import { parseOtlpHeaders } from '../telemetry/otlp-headers.js';
import type { GatewayConfig } from './schema.js';

export interface ConfigSecrets {
  /** The bearer token of `server.admin_token_file`. */
  readonly adminToken?: string;
  /** The HMAC key of `redaction.hash_key_file`. */
  readonly redactionHashKey?: Uint8Array;
  /** The headers of `telemetry.otlp.headers_file`, by lower-case name; empty without the file. */
  readonly otlpHeaders: Readonly<Record<string, string>>;
  /** The password of `redis.password_file`. */
  readonly redisPassword?: string;
  /** The client secret of each introspecting issuer (`introspection.client_secret_file`), by issuer. */
  readonly introspectionSecrets: ReadonlyMap<string, string>;
}

/** Reads the secret files `config` names; each one that cannot be used adds a problem naming its key. */
export function readSecretFiles(config: GatewayConfig, readFile: (path: string) => string, problems: string[]): ConfigSecrets {
  const text = (where: string, path: string): string | undefined => {
    try {
      return readFile(path);
    } catch {
      problems.push(`${where}: cannot read ${path}`);
      return undefined;
    }
  };
  let adminToken: string | undefined;
  const adminFile = config.server.admin_token_file;
  if (adminFile !== undefined) {
    adminToken = text('/server/admin_token_file', adminFile)?.trim();
    if (adminToken !== undefined && adminToken.length < ADMIN_TOKEN_MIN_CHARS) {
      problems.push(`/server/admin_token_file: the token in ${adminFile} is shorter than ${ADMIN_TOKEN_MIN_CHARS} characters`);
    }
  }
  const redactionHashKey = readHashKey(config.redaction.hash_key_file, problems);
  let otlpHeaders: Readonly<Record<string, string>> = {};
  const headersFile = config.telemetry.otlp?.headers_file;
  const headersText = headersFile === undefined ? undefined : text('/telemetry/otlp/headers_file', headersFile);
  if (headersText !== undefined) {
    const parsed = parseOtlpHeaders(headersText);
    // The line itself may hold a credential: only its number is reported.
    if ('badLine' in parsed) problems.push(`/telemetry/otlp/headers_file: line ${parsed.badLine} is not "Name: value"`);
    else otlpHeaders = parsed.headers;
  }
  const passwordFile = config.redis?.password_file;
  const redisPassword = passwordFile === undefined ? undefined : text('/redis/password_file', passwordFile)?.trim();
  const introspectionSecrets = new Map<string, string>();
  config.identity.oidc.forEach((o, i) => {
    if (!o.introspection) return;
    const secret = text(`/identity/oidc/${i}/introspection/client_secret_file`, o.introspection.client_secret_file)?.trim();
    if (secret !== undefined) introspectionSecrets.set(o.issuer, secret);
  });
  return {
    ...(adminToken !== undefined ? { adminToken } : {}),
    ...(redactionHashKey !== undefined ? { redactionHashKey } : {}),
    otlpHeaders,
    ...(redisPassword !== undefined ? { redisPassword } : {}),
    introspectionSecrets,
  };
}

function readHashKey(file: string | undefined, problems: string[]): Uint8Array | undefined {
  if (file === undefined) return undefined;
  let key: Buffer;
  try {
    key = readFileSync(file);
  } catch {
    problems.push(`/redaction/hash_key_file: cannot read ${file}.`);
    return undefined;
  }
  // A trailing newline from `echo` or an editor is not part of the key.
  const trimmed = Buffer.from(key.toString('latin1').replace(/\r?\n$/, ''), 'latin1');
  if (trimmed.length < HASH_KEY_MIN_BYTES) {
    problems.push(`/redaction/hash_key_file: the key must have at least ${HASH_KEY_MIN_BYTES} bytes.`);
    return undefined;
  }
  return trimmed;
}
