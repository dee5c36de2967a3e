// Narrowing helpers for reading untyped JSON from callers and providers without `any`.
import { GatewayError } from '../../errors.js';

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function obj(v: unknown): Json {
  return isObject(v) ? v : {};
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A request the gateway cannot translate for the chosen provider. */
export function unsupported(what: string): GatewayError {
  return new GatewayError('GW_ERR_FEATURE_UNSUPPORTED', { detail: what });
}

/** Copies the defined entries of `extra` onto `target`. */
export function assignDefined(target: Json, extra: Json): Json {
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) target[k] = v;
  return target;
}
