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

/**
 * The refusal of one caller field the target cannot take. `path` is the field's place in the
 * caller's body, never its value: caller strings would end up in audit records.
 */
export function refusal(path: string, target: string): GatewayError {
  const article = /^[aeiou]/i.test(target) ? 'an' : 'a';
  return unsupported(`"${path}" cannot be carried to ${article} ${target} provider.`);
}

/** Copies the defined entries of `extra` onto `target`. */
export function assignDefined(target: Json, extra: Json): Json {
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) target[k] = v;
  return target;
}

/** A caller's field name fit to quote in a refusal: names are short words, anything else is not repeated. */
export function fieldName(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key) ? key : 'an unnamed field';
}
