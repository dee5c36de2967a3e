// Reads, validates, completes and freezes the gateway configuration. The only module that reads
// the environment: provider keys named by `api_key_env` are resolved here, once, and so are the
// secrets the configuration names by file.
import { readFileSync } from 'node:fs';
import { schemaAjv } from '@palisade/audit-core';
import type { ErrorObject } from 'ajv';
import { GatewayError } from '../errors.js';
import { fileSchema } from './file-schema.js';
import { fillIn } from './fill-in.js';
import { readSecretFiles, type ConfigSecrets } from './secret-files.js';
import { GatewayConfigSchema, type GatewayConfig, type ProviderConfig } from './schema.js';
import { identityConfigProblems } from '../identity/config-problems.js';

export interface LoadedConfig {
  readonly config: Readonly<GatewayConfig>;
  /** Provider keys by provider name. Kept apart from `config` so that logging config never leaks them. */
  readonly providerKeys: ReadonlyMap<string, string>;
  /** The contents of the secret files the configuration names, kept apart for the same reason. */
  readonly secrets: ConfigSecrets;
}

export interface ConfigSource {
  /** Path of the JSON file, used in messages only. */
  path: string;
  text: string;
  env: Readonly<Record<string, string | undefined>>;
  readFile?: (path: string) => string;
}

const validate = schemaAjv('all-errors-with-defaults').compile<GatewayConfig>(fileSchema(GatewayConfigSchema));

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
  problems.push(...providerProblems(c));
  problems.push(...identityConfigProblems(c.identity));
  if (c.audit.sink === 'kafka' && !c.audit.kafka) problems.push('/audit/kafka: required when sink is "kafka"');
  if (c.audit.sink === 'ledger' && !c.audit.ledger) problems.push('/audit/ledger: required when sink is "ledger"');
  if (c.audit.kafka?.on_unavailable === 'spool' && c.audit.kafka.spool_dir === undefined) {
    problems.push('/audit/kafka/spool_dir: required when on_unavailable is "spool"');
  }
  if ((c.limits.backend === 'redis' || c.cache.backend === 'redis') && c.redis === undefined) {
    problems.push('/redis: required when limits.backend or cache.backend is "redis"');
  }
  return problems;
}

/** Which optional provider fields each provider type takes, and which of them it requires. */
const PROVIDER_FIELDS: Record<ProviderConfig['type'], { allowed: readonly string[]; required: readonly string[] }> = {
  echo: { allowed: [], required: [] },
  openai: { allowed: ['base_url', 'region', 'api_key_env', 'api_key_file', 'timeout_ms', 'stream_idle_timeout_ms', 'responses'], required: [] },
  'openai-compatible': { allowed: ['base_url', 'region', 'api_key_env', 'api_key_file', 'timeout_ms', 'stream_idle_timeout_ms', 'stream_usage', 'responses'], required: ['base_url'] },
  azure: { allowed: ['base_url', 'region', 'api_key_env', 'api_key_file', 'timeout_ms', 'stream_idle_timeout_ms', 'api_version'], required: ['base_url', 'api_version'] },
  anthropic: { allowed: ['base_url', 'region', 'api_key_env', 'api_key_file', 'timeout_ms', 'stream_idle_timeout_ms', 'anthropic_version', 'default_max_tokens'], required: [] },
  bedrock: {
    allowed: ['base_url', 'api_key_env', 'api_key_file', 'timeout_ms', 'stream_idle_timeout_ms', 'region', 'access_key_id', 'access_key_id_env', 'session_token_env', 'session_token_file'],
    required: ['region'],
  },
  gemini: { allowed: ['base_url', 'region', 'api_key_env', 'api_key_file', 'timeout_ms', 'stream_idle_timeout_ms'], required: [] },
  vertex: { allowed: ['base_url', 'timeout_ms', 'stream_idle_timeout_ms', 'project', 'region', 'token_file'], required: ['project', 'region', 'token_file'] },
};

/** The API routes the gateway serves itself; a pass-through route may not shadow them. */
const SERVED_ROUTES = ['/v1/chat/completions', '/v1/embeddings', '/v1/models', '/v1/responses', '/v1/messages'];

function providerProblems(c: GatewayConfig): string[] {
  const problems: string[] = [];
  const providers = new Map<string, ProviderConfig>();
  c.providers.forEach((p, i) => {
    if (providers.has(p.name)) problems.push(`/providers/${i}/name: duplicate provider "${p.name}"`);
    providers.set(p.name, p);
    const fields = PROVIDER_FIELDS[p.type];
    for (const k of Object.keys(p)) {
      if (k !== 'name' && k !== 'type' && !fields.allowed.includes(k)) problems.push(`/providers/${i}: unknown property "${k}" for type "${p.type}"`);
    }
    for (const k of fields.required) if (!(k in p)) problems.push(`/providers/${i}: missing property "${k}"`);
    if (p.type === 'echo') return;
    if (p.api_key_env !== undefined && p.api_key_file !== undefined) problems.push(`/providers/${i}: give api_key_env or api_key_file, not both`);
    if (p.type === 'bedrock') {
      if ((p.access_key_id === undefined) === (p.access_key_id_env === undefined)) problems.push(`/providers/${i}: give access_key_id or access_key_id_env`);
      if (p.api_key_env === undefined && p.api_key_file === undefined) problems.push(`/providers/${i}: give the secret access key in api_key_env or api_key_file`);
      if (p.session_token_env !== undefined && p.session_token_file !== undefined) problems.push(`/providers/${i}: give session_token_env or session_token_file, not both`);
    }
  });
  const modelNames = new Set<string>();
  c.models.forEach((m, i) => {
    if (modelNames.has(m.name)) problems.push(`/models/${i}/name: duplicate model "${m.name}"`);
    modelNames.add(m.name);
    if ((m.provider === undefined) === (m.targets === undefined)) problems.push(`/models/${i}: give "provider" or "targets", not both`);
    if (m.upstream_model !== undefined && m.targets !== undefined) problems.push(`/models/${i}/upstream_model: give each target's "model" instead`);
    if (m.provider !== undefined && !providers.has(m.provider)) problems.push(`/models/${i}/provider: no provider named "${m.provider}"`);
    m.targets?.forEach((t, j) => {
      if (!providers.has(t.provider)) problems.push(`/models/${i}/targets/${j}/provider: no provider named "${t.provider}"`);
    });
  });
  const routes = new Set<string>();
  c.passthrough.forEach((r, i) => {
    const p = providers.get(r.provider);
    if (!p) problems.push(`/passthrough/${i}/provider: no provider named "${r.provider}"`);
    else if (p.type === 'echo' || p.type === 'bedrock') problems.push(`/passthrough/${i}/provider: "${r.provider}" is of type ${p.type}, which cannot be passed through`);
    if (routes.has(r.route)) problems.push(`/passthrough/${i}/route: duplicate route "${r.route}"`);
    routes.add(r.route);
    if (SERVED_ROUTES.some((s) => s === r.route || s.startsWith(`${r.route}/`) || r.route.startsWith(`${s}/`))) {
      problems.push(`/passthrough/${i}/route: "${r.route}" overlaps a route the gateway serves`);
    }
  });
  return problems;
}

/**
 * Provider secrets by name: `<provider>` holds the key (Bedrock: the secret access key), and
 * `<provider>/access_key_id` and `<provider>/session_token` Bedrock's other parts.
 */
function resolveProviderSecrets(
  config: GatewayConfig,
  env: ConfigSource['env'],
  readFile: (path: string) => string,
  problems: string[],
): Map<string, string> {
  const secrets = new Map<string, string>();
  const fromEnv = (i: number, field: string, name: string, key: string): void => {
    const v = env[name];
    if (v === undefined || v === '') problems.push(`/providers/${i}/${field}: environment variable ${name} is not set`);
    else secrets.set(key, v);
  };
  const fromFile = (i: number, field: string, path: string, key: string): void => {
    try {
      secrets.set(key, readFile(path).trim());
    } catch {
      problems.push(`/providers/${i}/${field}: cannot read ${path}`);
    }
  };
  config.providers.forEach((p, i) => {
    if (p.type === 'echo') return;
    if (p.api_key_env !== undefined) fromEnv(i, 'api_key_env', p.api_key_env, p.name);
    else if (p.api_key_file !== undefined) fromFile(i, 'api_key_file', p.api_key_file, p.name);
    if (p.access_key_id_env !== undefined) fromEnv(i, 'access_key_id_env', p.access_key_id_env, `${p.name}/access_key_id`);
    if (p.session_token_env !== undefined) fromEnv(i, 'session_token_env', p.session_token_env, `${p.name}/session_token`);
    else if (p.session_token_file !== undefined) fromFile(i, 'session_token_file', p.session_token_file, `${p.name}/session_token`);
  });
  return secrets;
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
  fillIn(config);
  const readFile = source.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const providerKeys = resolveProviderSecrets(config, source.env, readFile, problems);
  const secrets = readSecretFiles(config, readFile, problems);
  if (problems.length > 0) {
    throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `${source.path}:\n  ${problems.join('\n  ')}`, data: { problems } });
  }
  return { config: deepFreeze(config), providerKeys, secrets: Object.freeze(secrets) };
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
