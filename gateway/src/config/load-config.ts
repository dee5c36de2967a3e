// Reads, validates and freezes the gateway configuration. The only module that reads the
// environment: provider keys named by `api_key_env` are resolved here, once.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { GatewayError } from '../errors.js';
import { configSchema, type GatewayConfig } from './schema.js';

export interface LoadedConfig {
  readonly config: Readonly<GatewayConfig>;
  /** Provider keys by provider name. Kept apart from `config` so that logging config never leaks them. */
  readonly providerKeys: ReadonlyMap<string, string>;
}

export interface ConfigSource {
  /** Path of the JSON file, used in messages only. */
  path: string;
  text: string;
  env: Readonly<Record<string, string | undefined>>;
  readFile?: (path: string) => string;
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile<GatewayConfig>(configSchema);

function formatAjvError(e: ErrorObject): string {
  const where = e.instancePath === '' ? '/' : e.instancePath;
  if (e.keyword === 'additionalProperties') {
    return `${where}: unknown property "${String((e.params as { additionalProperty: string }).additionalProperty)}"`;
  }
  if (e.keyword === 'required') {
    return `${where}: missing property "${String((e.params as { missingProperty: string }).missingProperty)}"`;
  }
  return `${where}: ${e.message ?? e.keyword}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Cross-field rules a JSON Schema cannot express; every problem is reported with its path. */
function semanticProblems(c: GatewayConfig): string[] {
  const problems: string[] = [];
  const providerNames = new Set<string>();
  c.providers.forEach((p, i) => {
    if (providerNames.has(p.name)) problems.push(`/providers/${i}/name: duplicate provider "${p.name}"`);
    providerNames.add(p.name);
    if (p.type === 'openai') {
      if (p.api_key_env !== undefined && p.api_key_file !== undefined) {
        problems.push(`/providers/${i}: give api_key_env or api_key_file, not both`);
      }
      if (p.base_url === undefined) problems.push(`/providers/${i}: missing property "base_url"`);
      if (p.timeout_ms === undefined) (p as { timeout_ms: number }).timeout_ms = 120000;
    } else {
      for (const k of ['base_url', 'api_key_env', 'api_key_file', 'timeout_ms'] as const) {
        if (k in p) problems.push(`/providers/${i}: unknown property "${k}" for type "${p.type}"`);
      }
    }
  });
  const modelNames = new Set<string>();
  c.models.forEach((m, i) => {
    if (modelNames.has(m.name)) problems.push(`/models/${i}/name: duplicate model "${m.name}"`);
    modelNames.add(m.name);
    if (!providerNames.has(m.provider)) problems.push(`/models/${i}/provider: no provider named "${m.provider}"`);
  });
  const keyIds = new Set<string>();
  const keyHashes = new Set<string>();
  c.identity.api_keys.forEach((k, i) => {
    if (keyIds.has(k.id)) problems.push(`/identity/api_keys/${i}/id: duplicate key id "${k.id}"`);
    if (keyHashes.has(k.key_sha256)) problems.push(`/identity/api_keys/${i}/key_sha256: duplicate key`);
    keyIds.add(k.id);
    keyHashes.add(k.key_sha256);
  });
  c.identity.oidc.forEach((o, i) => {
    let url: URL | undefined;
    try {
      url = new URL(o.issuer);
    } catch {
      problems.push(`/identity/oidc/${i}/issuer: not a URL`);
    }
    if (url && url.protocol !== 'https:' && !o.allow_insecure_http) {
      problems.push(`/identity/oidc/${i}/issuer: must be https (set allow_insecure_http only for a loopback test issuer)`);
    }
  });
  if (c.audit.sink === 'kafka' && !c.audit.kafka) problems.push('/audit/kafka: required when sink is "kafka"');
  if (c.audit.sink === 'ledger' && !c.audit.ledger) problems.push('/audit/ledger: required when sink is "ledger"');
  return problems;
}

/** Parses and validates a configuration; throws GW_ERR_CONFIG_INVALID listing every problem. */
export function parseConfig(source: ConfigSource): LoadedConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(source.text);
  } catch (cause) {
    throw new GatewayError('GW_ERR_CONFIG_INVALID', { cause, detail: `${source.path}: not valid JSON` });
  }
  if (!validate(raw)) {
    const problems = (validate.errors ?? []).map(formatAjvError);
    throw new GatewayError('GW_ERR_CONFIG_INVALID', {
      detail: `${source.path}:\n  ${problems.join('\n  ')}`,
      data: { problems },
    });
  }
  const config: GatewayConfig = raw;
  const problems = semanticProblems(config);
  const providerKeys = new Map<string, string>();
  const readFile = source.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  config.providers.forEach((p, i) => {
    if (p.type !== 'openai') return;
    if (p.api_key_env !== undefined) {
      const v = source.env[p.api_key_env];
      if (v === undefined || v === '') problems.push(`/providers/${i}/api_key_env: environment variable ${p.api_key_env} is not set`);
      else providerKeys.set(p.name, v);
    } else if (p.api_key_file !== undefined) {
      try {
        providerKeys.set(p.name, readFile(p.api_key_file).trim());
      } catch {
        problems.push(`/providers/${i}/api_key_file: cannot read ${p.api_key_file}`);
      }
    }
  });
  if (problems.length > 0) {
    throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `${source.path}:\n  ${problems.join('\n  ')}`, data: { problems } });
  }
  return { config: deepFreeze(config), providerKeys };
}

/** Loads the configuration file at `path`. */
export function loadConfig(path: string, env: Readonly<Record<string, string | undefined>>): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new GatewayError('GW_ERR_CONFIG_INVALID', { cause, detail: `cannot read ${path}` });
  }
  return parseConfig({ path, text, env });
}
