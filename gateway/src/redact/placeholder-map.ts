// The per-request map from numbered placeholders (`<US_SSN_1>`) to the values they stand for. One
// map belongs to one request: it is never shared, cached or logged, since it holds the values.

import { valueKey } from './operators.js';

export interface PlaceholderMap {
  /** Placeholder -> original value, in the order they were made. */
  readonly entries: ReadonlyMap<string, string>;
}

/** Builds a map while a request is redacted: the same value of a type gets the same placeholder. */
export class PlaceholderBook implements PlaceholderMap {
  private readonly byPlaceholder = new Map<string, string>();
  private readonly byValue = new Map<string, string>();
  private readonly nextNumber = new Map<string, number>();

  /** `taken` says whether a placeholder already occurs in the texts, so a literal one is not reused. */
  constructor(private readonly taken: (placeholder: string) => boolean) {}

  get entries(): ReadonlyMap<string, string> {
    return this.byPlaceholder;
  }

  placeholderFor(type: string, value: string): string {
    const key = valueKey(type, value);
    const known = this.byValue.get(key);
    if (known !== undefined) return known;
    let n = this.nextNumber.get(type) ?? 1;
    let placeholder = `<${type}_${n}>`;
    while (this.taken(placeholder)) placeholder = `<${type}_${++n}>`;
    this.nextNumber.set(type, n + 1);
    this.byValue.set(key, placeholder);
    this.byPlaceholder.set(placeholder, value);
    return placeholder;
  }
}
