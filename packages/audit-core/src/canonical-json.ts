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
  const text = serialise(value, '', new Set<object>(), '');
  if (text === undefined) {
    throw new AuditCoreError('CORE_ERR_NOT_CANONICALIZABLE', { detail: 'The top-level value is not JSON.' });
  }
  return text;
}

/** The UTF-8 bytes of canonicalJson(value). */
export function canonicalBytes(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}

function fail(path: string, why: string): never {
  throw new AuditCoreError('CORE_ERR_NOT_CANONICALIZABLE', { detail: `At ${path || '/'}: ${why}.`, data: { path } });
}

function serialiseString(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) fail(path, 'string holds a lone surrogate');
  // JSON.stringify's escaping (short escapes, lowercase \u00xx for other controls) is exactly RFC 8785's.
  return JSON.stringify(s);
}

function hasToJson(value: object): value is { toJSON: (key: string) => unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/** Returns undefined for values JSON.stringify would drop (undefined, functions, symbols). */
function serialise(input: unknown, key: string, stack: Set<object>, path: string): string | undefined {
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
      if (!Number.isFinite(value)) fail(path, `number ${String(value)} is not finite`);
      // Number#toString is the ECMAScript serialisation RFC 8785 adopts; it already writes -0 as "0".
      return String(value);
    case 'bigint':
      return fail(path, 'bigint has no JSON form');
    case 'string':
      return serialiseString(value, path);
    case 'object':
      break;
  }
  if (value === null) return 'null';
  if (stack.has(value)) fail(path, 'value is cyclic');
  stack.add(value);
  let out: string;
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) {
      items.push(serialise(value[i], String(i), stack, `${path}/${i}`) ?? 'null');
    }
    out = `[${items.join(',')}]`;
  } else {
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is the order RFC 8785 §3.2.3 prescribes.
    const keys = Object.keys(record).sort();
    const members: string[] = [];
    for (const k of keys) {
      const memberPath = `${path}/${k}`;
      const v = serialise(record[k], k, stack, memberPath);
      if (v !== undefined) members.push(`${serialiseString(k, memberPath)}:${v}`);
    }
    out = `{${members.join(',')}}`;
  }
  stack.delete(value);
  return out;
}
