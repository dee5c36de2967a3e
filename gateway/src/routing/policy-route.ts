// Reads the request policy's `route` output, the policy's say over where an allowed request may
// go. A string names the model to use instead of the one requested; an object may name that
// model and restrict the providers and upstream models any attempt (fallbacks included) may use.
// Anything else is undecidable, so the request is refused.
import { GatewayError } from '../errors.js';

export interface RouteConstraint {
  /** A configured model to answer from instead of the requested one. */
  model?: string;
  /** Providers every attempt must use, when given. */
  providers?: ReadonlySet<string>;
  /** Upstream models every attempt must use, when given. */
  models?: ReadonlySet<string>;
}

const KEYS = new Set(['model', 'provider', 'providers', 'models']);

function invalid(detail: string): GatewayError {
  return new GatewayError('GW_ERR_POLICY_ROUTE_INVALID', { detail });
}

function names(value: unknown, field: string): Set<string> {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalid(`route.${field} must be an array of strings.`);
  return new Set(value as string[]);
}

export function readPolicyRoute(route: unknown): RouteConstraint {
  if (route === undefined || route === null) return {};
  if (typeof route === 'string') {
    if (route === '') throw invalid('route must not be empty.');
    return { model: route };
  }
  if (typeof route !== 'object' || Array.isArray(route)) throw invalid('route must be a string or an object.');
  const r = route as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!KEYS.has(k)) throw invalid(`route.${k} is not a routing field.`);
  const out: RouteConstraint = {};
  if (r['model'] !== undefined) {
    if (typeof r['model'] !== 'string' || r['model'] === '') throw invalid('route.model must be a model name.');
    out.model = r['model'];
  }
  if (r['provider'] !== undefined) {
    if (typeof r['provider'] !== 'string') throw invalid('route.provider must be a provider name.');
    out.providers = new Set([r['provider']]);
  }
  if (r['providers'] !== undefined) {
    const list = names(r['providers'], 'providers');
    if (out.providers === undefined) out.providers = list;
    else if (!list.has(r['provider'] as string)) throw invalid('route.provider is not among route.providers.');
  }
  if (r['models'] !== undefined) out.models = names(r['models'], 'models');
  return out;
}

export function allows(c: RouteConstraint, provider: string, model: string): boolean {
  return (c.providers === undefined || c.providers.has(provider)) && (c.models === undefined || c.models.has(model));
}
