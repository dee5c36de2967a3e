// Building blocks for the configuration schemas: each section's TypeBox schema is the one
// description of that section, its TypeScript type is derived from it and the reference tables in
// docs/configuration.md are generated from it.
import { Type, type Static, type TSchema, type TUnsafe, type SchemaOptions } from '@sinclair/typebox';

/**
 * A string out of a fixed set, as the JSON Schema `enum` keyword: validation errors then name the
 * allowed values, where a union of literals would only say that no branch matched.
 */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** An object whose every value has the schema `values`, keyed by names `options.propertyNames` may restrict. */
export function MapOf<T extends TSchema>(values: T, options: SchemaOptions = {}): TUnsafe<Record<string, Static<T>>> {
  return Type.Unsafe<Record<string, Static<T>>>({ type: 'object', ...options, additionalProperties: values });
}

/**
 * Values the configuration loader fills in when the file leaves them out, because they depend on
 * other values (`default` can only hold a constant). The schema marks them required, so the loaded
 * configuration's type has them; the file's schema does not (see `fileSchema`).
 */
const filledIn = new Map<object, string>();

/** Marks `schema` as filled in by the loader; `note` says with what, for the documentation. */
export function FilledIn<T extends TSchema>(schema: T, note: string): T {
  filledIn.set(schema, note);
  return schema;
}

/** What the loader fills in for `schema`, when it is a filled-in value. */
export function filledInNote(schema: object): string | undefined {
  return filledIn.get(schema);
}
