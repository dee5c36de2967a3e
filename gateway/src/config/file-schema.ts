// The schema a configuration file is validated against: the configuration's schema, less the
// requirement of values the loader fills in (see `FilledIn`). Plain JSON Schema, as Ajv takes it.
import type { SchemaObject } from 'ajv';
import { filledInNote } from './schema-kit.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function copy(value: unknown): Json {
  if (Array.isArray(value)) return value.map(copy);
  if (!isRecord(value)) return value as Json;
  const out: { [key: string]: Json } = {};
  // Only string keys: TypeBox's symbol-keyed markers are no JSON Schema keywords.
  for (const [key, v] of Object.entries(value)) out[key] = copy(v);
  const properties = value.properties;
  if (isRecord(properties) && Array.isArray(value.required)) {
    const filled = new Set(Object.keys(properties).filter((k) => isRecord(properties[k]) && filledInNote(properties[k]) !== undefined));
    const required = (value.required as string[]).filter((k) => !filled.has(k));
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  return out;
}

/** `schema` as the file must satisfy it. */
export function fileSchema(schema: object): SchemaObject {
  return copy(schema) as SchemaObject;
}
