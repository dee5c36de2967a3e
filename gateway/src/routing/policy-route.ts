// Reads the request policy's `route` output, the policy's say over where an allowed request may
// go: `model` names the configured model to answer from instead of the one requested;
// `provider` and `region` bind every attempt, the first choice and every fallback alike. The
// engine has checked the shape against the output schema; anything still unreadable is refused.
import { GatewayError } from '../errors.js';

export interface RouteConstraint {
  /** A configured model to answer from instead of the requested one. */
  model?: string;
  /** The provider every attempt must use. */
  provider?: string;
  /** The region every attempt's provider must be in (providers without a region never match). */
  region?: string;
}

const KEYS = new Set(['model', 'provider', 'region']);

function invalid(detail: string): GatewayError {
  return new GatewayError('GW_ERR_POLICY_ROUTE_INVALID', { detail });
}

export function readPolicyRoute(route: unknown): RouteConstraint {
  if (route === undefined) return {};
  if (route === null || typeof route !== 'object' || Array.isArray(route)) throw invalid('route must be an object.');
  const out: RouteConstraint = {};
  for (const [k, v] of Object.entries(route)) {
    if (!KEYS.has(k)) throw invalid(`route.${k} is not a routing field.`);
    if (typeof v !== 'string' || v === '') throw invalid(`route.${k} must be a non-empty string.`);
    out[k as keyof RouteConstraint] = v;
  }
  return out;
}

export function allows(c: RouteConstraint, target: { provider: string; region?: string | undefined }): boolean {
  return (c.provider === undefined || c.provider === target.provider) && (c.region === undefined || c.region === target.region);
}
