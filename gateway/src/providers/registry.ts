// Builds the configured providers, each with its own keep-alive connection pool (closed by
// close()), and model aliases, and resolves a requested model to the routed provider that answers
// it (targets, retries, fallbacks, breakers). Also prices answers and counts tokens and cost in
// metrics.
import { Registry } from 'prom-client';
import type { Agent, Dispatcher } from 'undici';
import type { GatewayConfig, HttpProviderConfig, ModelConfig } from '../config/schema.js';
import { ANTHROPIC_MAX_TOKENS, ANTHROPIC_VERSION } from './config-schema.js';
import { createCircuitBreaker, type CircuitState } from '../routing/circuit-breaker.js';
import { createLatencyTracker } from '../routing/latency-tracker.js';
import { createRoutedProvider, type AliasRoute, type RoutedTarget } from '../routing/routed-provider.js';
import { createRoutingMetrics, type RoutingMetrics } from '../routing/routing-metrics.js';
import { estimateTokens } from '../tokens/estimate-tokens.js';
import { createPriceTable, type PriceTable } from '../tokens/price-table.js';
import { createAnthropicBackend } from './anthropic.js';
import { createBedrockBackend } from './bedrock.js';
import { createEchoBackend } from './echo.js';
import { createGeminiBackend } from './gemini.js';
import { createProviderAgent } from './http-call.js';
import { createOpenAIBackend } from './openai.js';
import { createTokenFileReader } from './token-file.js';
import { createTranslatingProvider, type Backend } from './translating-provider.js';
import type { Provider, TokenUsage } from './types.js';
import type { ComponentStatus } from '../health.js';

export interface ModelRoute {
  model: ModelConfig;
  provider: Provider;
  /** The first target's upstream model (the one tried first under priority order). */
  upstreamModel: string;
}

/** Where a pass-through route sends requests, with the provider's credentials and connection pool. */
export interface PassthroughUpstream {
  baseUrl: string;
  headers: Readonly<Record<string, string>>;
  dispatcher: Dispatcher;
  /** The provider's wait for response headers, and between body chunks. */
  timeoutMs: number;
  idleTimeoutMs: number;
}

export interface AccountInput {
  provider: string;
  model: string;
  alias: string;
  /** Usage the provider reported, if any. */
  usage?: TokenUsage;
  /** Pre-flight estimate of the prompt, used when the provider reported none. */
  promptTokens: number;
  answerText: string;
  /** Seconds from the request to the first byte of a streamed answer. */
  ttfbSeconds?: number;
}

export interface ProviderRegistry {
  resolve(model: string): ModelRoute | undefined;
  models(): readonly ModelConfig[];
  /** Usage (estimated where the provider gave none) and cost of an answer; counted in metrics. */
  account(input: AccountInput): { usage: TokenUsage; costUsd?: number };
  passthrough(provider: string): PassthroughUpstream | undefined;
  prices: PriceTable;
  /** Open connections per provider, for /readyz (providers never make the gateway unready). */
  status(): ComponentStatus;
  /** Closes every provider's connection pool; calls still running are aborted. */
  close(): Promise<void>;
}

export interface ProviderDeps {
  clock: () => number;
  newId: () => string;
  /** Provider secrets by name, as the config loader resolved them. */
  providerKeys: ReadonlyMap<string, string>;
  /** Where provider metrics are registered; a private registry when omitted. */
  metrics?: Registry;
  random?: () => number;
}

type ProvidersConfig = Pick<GatewayConfig, 'providers' | 'models'> & Partial<Pick<GatewayConfig, 'routing' | 'prices'>>;

const ROUTING_DEFAULTS: GatewayConfig['routing'] = {
  retry: { max_attempts: 2, base_delay_ms: 100, max_delay_ms: 2000, max_retry_after_ms: 10000 },
  deadline_ms: 120000,
  breaker: { consecutive_failures: 5, error_rate: 0.5, window: 20, min_calls: 10, open_ms: 30000, half_open_probes: 1 },
  latency_ewma_alpha: 0.3,
};

function defaultBaseUrl(p: HttpProviderConfig): string {
  switch (p.type) {
    case 'openai':
      return 'https://api.openai.com/v1';
    case 'anthropic':
      return 'https://api.anthropic.com/v1';
    case 'gemini':
      return 'https://generativelanguage.googleapis.com/v1beta';
    case 'vertex':
      return `https://${p.region ?? ''}-aiplatform.googleapis.com/v1/projects/${p.project ?? ''}/locations/${p.region ?? ''}/publishers/google`;
    case 'bedrock':
      return `https://bedrock-runtime.${p.region ?? ''}.amazonaws.com`;
    default:
      return p.base_url ?? '';
  }
}

interface Timeouts {
  timeoutMs: number;
  idleTimeoutMs: number;
}

function timeoutsOf(p: HttpProviderConfig): Timeouts {
  return { timeoutMs: p.timeout_ms, idleTimeoutMs: p.stream_idle_timeout_ms };
}

function buildBackend(p: GatewayConfig['providers'][number], deps: ProviderDeps, dispatcher: (p: HttpProviderConfig) => Dispatcher): Backend {
  if (p.type === 'echo') return createEchoBackend({ name: p.name, newId: deps.newId });
  const key = deps.providerKeys.get(p.name);
  const timeouts = { ...timeoutsOf(p), dispatcher: dispatcher(p), clock: deps.clock };
  const baseUrl = p.base_url ?? defaultBaseUrl(p);
  const withKey = key !== undefined ? { apiKey: key } : {};
  switch (p.type) {
    case 'openai':
    case 'openai-compatible':
    case 'azure':
      return createOpenAIBackend({
        name: p.name,
        flavour: p.type,
        baseUrl,
        ...withKey,
        ...(p.api_version !== undefined ? { apiVersion: p.api_version } : {}),
        streamUsage: p.stream_usage ?? true,
        responses: p.responses ?? p.type === 'openai',
        ...timeouts,
      });
    case 'anthropic':
      return createAnthropicBackend({ name: p.name, baseUrl, ...withKey, version: p.anthropic_version ?? ANTHROPIC_VERSION, defaultMaxTokens: p.default_max_tokens ?? ANTHROPIC_MAX_TOKENS, ...timeouts });
    case 'bedrock': {
      const sessionToken = deps.providerKeys.get(`${p.name}/session_token`);
      const credentials = {
        accessKeyId: p.access_key_id ?? deps.providerKeys.get(`${p.name}/access_key_id`) ?? '',
        secretAccessKey: key ?? '',
        ...(sessionToken !== undefined ? { sessionToken } : {}),
      };
      return createBedrockBackend({ name: p.name, region: p.region ?? '', baseUrl, credentials, newId: deps.newId, ...timeouts });
    }
    case 'gemini':
    case 'vertex': {
      const token = p.type === 'vertex' && p.token_file !== undefined ? { token: createTokenFileReader({ provider: p.name, path: p.token_file, maxAgeMs: 60_000, clock: deps.clock }) } : {};
      return createGeminiBackend({ name: p.name, flavour: p.type, baseUrl, ...withKey, ...token, newId: deps.newId, ...timeouts });
    }
  }
}

function passthroughHeaders(p: HttpProviderConfig, key: string | undefined): Record<string, string> {
  if (key === undefined) return {};
  if (p.type === 'azure') return { 'api-key': key };
  if (p.type === 'anthropic') return { 'x-api-key': key, 'anthropic-version': p.anthropic_version ?? ANTHROPIC_VERSION };
  if (p.type === 'gemini') return { 'x-goog-api-key': key };
  return { authorization: `Bearer ${key}` };
}

const STATE_VALUE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

export function createProviderRegistry(config: ProvidersConfig, deps: ProviderDeps): ProviderRegistry {
  const routing = config.routing ?? ROUTING_DEFAULTS;
  const prices = createPriceTable(config.prices ?? {});
  let metrics: RoutingMetrics | undefined;
  const routingMetrics = (): RoutingMetrics => (metrics ??= createRoutingMetrics(deps.metrics ?? new Registry()));
  const ctx = { newId: deps.newId, now: deps.clock };

  // One keep-alive pool per provider: its connections are reused by every model and pass-through route on it.
  const agents = new Map<string, Agent>();
  const agentFor = (p: HttpProviderConfig): Agent => {
    let agent = agents.get(p.name);
    if (!agent) {
      agent = createProviderAgent({ connectTimeoutMs: timeoutsOf(p).timeoutMs });
      agents.set(p.name, agent);
    }
    return agent;
  };
  const providers = new Map<string, Provider>();
  for (const p of config.providers) providers.set(p.name, createTranslatingProvider(buildBackend(p, deps, agentFor), ctx));

  const regions = new Map<string, string>();
  for (const p of config.providers) if (p.type !== 'echo' && p.region !== undefined) regions.set(p.name, p.region);
  const targets = new Map<string, RoutedTarget>();
  function targetFor(provider: Provider, model: string, weight: number): RoutedTarget {
    const key = `${provider.name}/${model}`;
    const existing = targets.get(key);
    if (existing) return { ...existing, weight };
    const labels = { provider: provider.name, model };
    const m = routingMetrics();
    m.circuitState.set(labels, 0);
    const breaker = createCircuitBreaker(routing.breaker, (state) => m.circuitState.set(labels, STATE_VALUE[state]));
    const region = regions.get(provider.name);
    const t: RoutedTarget = { key, provider, model, weight, breaker, ...(region !== undefined ? { region } : {}) };
    targets.set(key, t);
    return t;
  }

  const aliases = new Map<string, AliasRoute>();
  for (const m of config.models) {
    const list = m.targets ?? [{ provider: m.provider ?? '', model: m.upstream_model ?? m.name, weight: 1 }];
    const routed: RoutedTarget[] = [];
    for (const t of list) {
      const provider = providers.get(t.provider);
      // The config loader has already checked that every target names a provider.
      if (provider) routed.push(targetFor(provider, t.model ?? m.name, t.weight));
    }
    aliases.set(m.name, { name: m.name, strategy: m.strategy ?? 'priority', fallbacks: m.fallbacks ?? true, targets: routed });
  }

  const latency = createLatencyTracker(routing.latency_ewma_alpha);
  const price = (provider: string, model: string): number | undefined => {
    const p = prices.priceOf(provider, model);
    return p ? p.input_per_mtok + p.output_per_mtok : undefined;
  };
  const routes = new Map<string, ModelRoute>();
  for (const m of config.models) {
    const alias = aliases.get(m.name);
    if (!alias) continue;
    const provider = createRoutedProvider(alias, { config: routing, aliases, latency, price, metrics: routingMetrics(), clock: deps.clock, random: deps.random ?? Math.random });
    routes.set(m.name, { model: m, provider, upstreamModel: alias.targets[0]?.model ?? m.name });
  }

  return {
    resolve: (model) => routes.get(model),
    models: () => config.models,
    prices,
    account(input) {
      const usage = input.usage ?? estimatedUsage(input.promptTokens, input.answerText);
      const labels = { provider: input.provider, model: input.model };
      const m = routingMetrics();
      m.tokens.inc({ ...labels, kind: 'input' }, usage.prompt_tokens);
      m.tokens.inc({ ...labels, kind: 'output' }, usage.completion_tokens);
      if (input.ttfbSeconds !== undefined) m.ttfb.observe(labels, input.ttfbSeconds);
      const costUsd = prices.costOf(input.provider, input.model, usage, input.alias);
      if (costUsd !== undefined) m.costUsd.inc(labels, costUsd);
      return costUsd !== undefined ? { usage, costUsd } : { usage };
    },
    passthrough(name) {
      const p = config.providers.find((x) => x.name === name);
      if (!p || p.type === 'echo') return undefined;
      return { baseUrl: (p.base_url ?? defaultBaseUrl(p)).replace(/\/+$/, ''), headers: passthroughHeaders(p, deps.providerKeys.get(p.name)), dispatcher: agentFor(p), ...timeoutsOf(p) };
    },
    status() {
      return { ready: true, detail: `${agents.size} connection pool${agents.size === 1 ? '' : 's'}` };
    },
    async close() {
      // Called after the server has drained: whatever is still running is abandoned.
      await Promise.all([...agents.values()].map((a) => a.destroy()));
    },
  };
}

function estimatedUsage(promptTokens: number, answerText: string): TokenUsage {
  const completion = estimateTokens(answerText);
  return { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion };
}
