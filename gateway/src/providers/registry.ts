// Builds the configured providers and resolves a requested model to its provider.
import type { GatewayConfig, ModelConfig } from '../config/schema.js';
import { createEchoProvider } from './echo.js';
import { createOpenAIProvider } from './openai.js';
import type { Provider } from './types.js';

export interface ModelRoute {
  model: ModelConfig;
  provider: Provider;
  upstreamModel: string;
}

export interface ProviderRegistry {
  resolve(model: string): ModelRoute | undefined;
  models(): readonly ModelConfig[];
}

export interface ProviderDeps {
  fetch: typeof fetch;
  clock: () => number;
  newId: () => string;
  providerKeys: ReadonlyMap<string, string>;
}

export function createProviderRegistry(config: Pick<GatewayConfig, 'providers' | 'models'>, deps: ProviderDeps): ProviderRegistry {
  const providers = new Map<string, Provider>();
  for (const p of config.providers) {
    if (p.type === 'echo') {
      providers.set(p.name, createEchoProvider({ name: p.name, clock: deps.clock, newId: deps.newId }));
    } else {
      const opts: Parameters<typeof createOpenAIProvider>[0] = { name: p.name, baseUrl: p.base_url, timeoutMs: p.timeout_ms, fetch: deps.fetch };
      const key = deps.providerKeys.get(p.name);
      if (key !== undefined) opts.apiKey = key;
      providers.set(p.name, createOpenAIProvider(opts));
    }
  }
  const routes = new Map<string, ModelRoute>();
  for (const m of config.models) {
    const provider = providers.get(m.provider);
    // The config loader has already checked that every model names a provider.
    if (provider) routes.set(m.name, { model: m, provider, upstreamModel: m.upstream_model ?? m.name });
  }
  return {
    resolve: (model) => routes.get(model),
    models: () => config.models,
  };
}
