// RFC 8785 JSON Canonicalization Scheme: the one byte form of an audit record that gets hashed into the log.
import { AuditCoreError } from './errors.js';

// In /u mode a surrogate that is part of a pair is one code point, so only lone ones match.
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Serialises a JSON value canonically: object keys sorted by UTF-16 code units, ECMAScript number
 * formatting, no whitespace. Members whose value is undefined (or a function or symbol) are omitted
 * and the same values inside arrays become null, as JSON.stringify does; objects with toJSON are
 * serialised through it. Non-finite numbers, bigints, lone surrogates and cycles are refused
 * because they have no I-JSON form.
 */
export function canonicalJson(value: unknown): string {
  // Audit records and cache keys take the quick way; anything it is unsure of, the exact one.
  const sorted = sortedCopy(value, 0);
  if (sorted !== UNSURE) {
    const quick = JSON.stringify(sorted) as string | undefined;
    if (quick !== undefined && !quick.includes('\\ud')) return quick;
  }
  const text = serialise(value, '', new Set<object>(), []);
  if (text === undefined) {
    throw new AuditCoreError('CORE_ERR_NOT_CANONICALIZABLE', { detail: 'The top-level value is not JSON.' });
  }
  return text;
}

/** The UTF-8 bytes of canonicalJson(value). */
export function canonicalBytes(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}

const UNSURE: unique symbol = Symbol('unsure');
/** Deeper than any record; a cyclic value reaches it too, and the exact serialiser reports the cycle. */
const QUICK_DEPTH = 32;
/** Keys that objects enumerate first, in numeric order, whatever order they were added in. */
const INDEX_LIKE = /^(?:0|[1-9][0-9]*)$/;

/**
 * A copy of `value` whose objects hold their keys in RFC 8785 order, for JSON.stringify to write:
 * its number format and string escapes are RFC 8785's, and it drops undefined members as
 * canonicalJson does. UNSURE where only the exact serialiser can answer: non-finite numbers,
 * bigints, toJSON, index-like keys (which no insertion order can put last), `__proto__` (which an
 * assignment would not add as a key), great depth; and a lone surrogate, which the output shows as a \ud escape.
 */
function sortedCopy(value: unknown, depth: number): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : UNSURE;
  if (typeof value !== 'object' || value === null) return typeof value === 'bigint' ? UNSURE : value;
  if (depth > QUICK_DEPTH || hasToJson(value)) return UNSURE;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = sortedCopy(value[i], depth + 1);
      if (v === UNSURE) return UNSURE;
      out[i] = v;
    }
    return out;
  }
  const record = value as Record<string, unknown>;
  const names = Object.keys(record).sort();
  const out: Record<string, unknown> = {};
  for (const k of names) {
    if (INDEX_LIKE.test(k) || k === '__proto__') return UNSURE;
    const v = sortedCopy(record[k], depth + 1);
    if (v === UNSURE) return UNSURE;
    out[k] = v;
  }
  return out;
}

/** `keys` is the path to the value, kept as a stack and joined only when reporting a failure. */
function fail(keys: readonly string[], why: string): never {
  const path = keys.map((k) => `/${k}`).join('');
  throw new AuditCoreError('CORE_ERR_NOT_CANONICALIZABLE', { detail: `At ${path || '/'}: ${why}.`, data: { path } });
}

function serialiseString(s: string, keys: readonly string[]): string {
  // JSON.stringify's escaping (short escapes, lowercase \u00xx for other controls) is exactly RFC
  // 8785's. It writes a lone surrogate as a \udXXX escape, so only output holding one needs the test.
  const out = JSON.stringify(s);
  if (out.includes('\\ud') && LONE_SURROGATE.test(s)) fail(keys, 'string holds a lone surrogate');
  return out;
}

function hasToJson(value: object): value is { toJSON: (key: string) => unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/** Returns undefined for values JSON.stringify would drop (undefined, functions, symbols). */
function serialise(input: unknown, key: string, stack: Set<object>, keys: string[]): string | undefined {
  let value = input;
  if (typeof value === 'object' && value !== null && hasToJson(value)) value = value.toJSON(key);

  switch (typeof value) {
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) fail(keys, `number ${String(value)} is not finite`);
      // Number#toString is the ECMAScript serialisation RFC 8785 adopts; it already writes -0 as "0".
      return String(value);
    case 'bigint':
      return fail(keys, 'bigint has no JSON form');
    case 'string':
      return serialiseString(value, keys);
    case 'object':
      break;
  }
  if (value === null) return 'null';
  if (stack.has(value)) fail(keys, 'value is cyclic');
  stack.add(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      keys.push(String(i));
      out += `${i > 0 ? ',' : ''}${serialise(value[i], String(i), stack, keys) ?? 'null'}`;
      keys.pop();
    }
    out += ']';
  } else {
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is the order RFC 8785 §3.2.3 prescribes.
    const names = Object.keys(record).sort();
    out = '{';
    let first = true;
    for (const k of names) {
      keys.push(k);
      const v = serialise(record[k], k, stack, keys);
      if (v !== undefined) {
        out += `${first ? '' : ','}${serialiseString(k, keys)}:${v}`;
        first = false;
      }
      keys.pop();
    }
    out += '}';
  }
  stack.delete(value);
  return out;
}

/** True when every object's keys, at every depth, are in RFC 8785 order. */
function keysInOrder(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(keysInOrder);
  let previous: string | undefined;
  for (const k in value) {
    if (previous !== undefined && !(previous < k)) return false;
    previous = k;
    if (!keysInOrder((value as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * Whether `text` is already the canonical form of `value` (which JSON.parse made from it). The
 * common case costs no hand-written serialisation: JSON.stringify agrees with RFC 8785 on numbers
 * and string escapes, and parsed objects keep the text's key order, so equal output with sorted
 * keys means canonical. Text holding \u escapes (one can spell a lone surrogate) and anything the
 * quick test does not accept are settled by canonicalJson.
 */
export function isCanonicalJson(text: string, value: unknown): boolean {
  if (!text.includes('\\u') && JSON.stringify(value) === text && keysInOrder(value)) return true;
  // The slow, exact answer: also right for integer-like keys, which objects enumerate first.
  try {
    return canonicalJson(value) === text;
  } catch {
    return false;
  }
}
