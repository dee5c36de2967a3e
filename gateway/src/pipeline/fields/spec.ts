// The closed field tables' vocabulary: for every position in a request body, what the gateway does
// with it. `text` and `free` positions are classified (every string, and every key of free-form
// JSON); `enum`, `num`, `bool` and `opaque` positions are shape-checked and carry no words the
// policy must see; `refuse` positions are refused by name. A key that a table does not list is
// refused too, so nothing reaches a provider that no table names.

/** Content the classifier cannot read; named to the policy in `request.content_kinds`. */
export type ContentKind = 'image' | 'audio' | 'file' | 'encrypted' | 'stored_prompt';

/** Where a string came from, for the injection signal's `source`. */
export type TextSource = 'user' | 'system' | 'assistant' | 'tool_result' | 'tool_definition' | 'parameter';

export type Spec =
  | { readonly k: 'text'; readonly json?: boolean }
  | { readonly k: 'free' }
  | { readonly k: 'enum'; readonly values: ReadonlySet<string> }
  | { readonly k: 'num'; readonly min: number; readonly max: number; readonly int: boolean }
  | { readonly k: 'bool' }
  | { readonly k: 'null' }
  /** Provider-issued opaque tokens (signatures, encrypted reasoning): base64 characters only, never words. */
  | { readonly k: 'opaque' }
  /** Binary content as base64 (or a data: URL): the classifier cannot read it. */
  | { readonly k: 'binary' }
  /** A URL the provider may fetch: its words are classified; a data: URL is binary content instead. */
  | { readonly k: 'url' }
  | { readonly k: 'obj'; readonly fields: Readonly<Record<string, Spec>>; readonly required: readonly string[] }
  | { readonly k: 'arr'; readonly items: Spec; readonly min: number; readonly max: number }
  | { readonly k: 'either'; readonly of: readonly Spec[] }
  | { readonly k: 'tagged'; readonly tag: string; readonly variants: Readonly<Record<string, Spec>>; readonly fallback?: { readonly pattern: RegExp; readonly spec: Spec }; readonly default?: string }
  | { readonly k: 'kind'; readonly kind: ContentKind; readonly inner: Spec }
  | { readonly k: 'source'; readonly source: TextSource; readonly inner: Spec }
  | { readonly k: 'refuse'; readonly why: string };

export const text: Spec = { k: 'text' };
/** A string holding JSON (tool call arguments): redaction must leave it the same JSON shape. */
export const jsonText: Spec = { k: 'text', json: true };
export const free: Spec = { k: 'free' };
export const bool: Spec = { k: 'bool' };
export const nul: Spec = { k: 'null' };
export const opaque: Spec = { k: 'opaque' };
export const binary: Spec = { k: 'binary' };
export const url: Spec = { k: 'url' };

export function oneOf(...values: string[]): Spec {
  return { k: 'enum', values: new Set(values) };
}

export function num(min: number, max: number): Spec {
  return { k: 'num', min, max, int: false };
}

export function int(min: number, max: number): Spec {
  return { k: 'num', min, max, int: true };
}

export function obj(fields: Record<string, Spec>, required: readonly string[] = []): Spec {
  return { k: 'obj', fields, required };
}

export function arr(items: Spec, max = 100_000, min = 0): Spec {
  return { k: 'arr', items, min, max };
}

export function either(...of: Spec[]): Spec {
  return { k: 'either', of };
}

export function nullable(spec: Spec): Spec {
  return either(spec, nul);
}

export function tagged(tag: string, variants: Record<string, Spec>, extra: { fallback?: { pattern: RegExp; spec: Spec }; default?: string } = {}): Spec {
  return { k: 'tagged', tag, variants, ...extra };
}

export function kind(k: ContentKind, inner: Spec): Spec {
  return { k: 'kind', kind: k, inner };
}

export function from(source: TextSource, inner: Spec): Spec {
  return { k: 'source', source, inner };
}

export function refuse(why: string): Spec {
  return { k: 'refuse', why };
}

/** The largest output a request may ask for, in tokens; beyond any model's window today. */
export const MAX_OUTPUT_TOKENS = 1_048_576;
