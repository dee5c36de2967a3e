// Redacts the texts of one request as the policy asked: for each entity type an operator
// (placeholder, mask, hash, remove). Placeholders are numbered per type and recorded in a map that
// belongs to this request only, so the answer can be restored.

import { GatewayError } from '../errors.js';
import type { Classification } from '../classify/index.js';
import { hashValue, isOperator, maskValue, OPERATORS, type Operator } from './operators.js';
import { PlaceholderBook, type PlaceholderMap } from './placeholder-map.js';

export interface RedactorOptions {
  /** Operator per entity type, as the policy's `redact` object; the key "*" applies to other types. */
  operators: Readonly<Record<string, Operator>>;
  /** HMAC key for the `hash` operator (at least 16 bytes); required when any operator is `hash`. */
  hashKey?: Uint8Array | string;
  /** Placeholders already meaning something else in this exchange (the prompt's, when an answer is redacted). */
  reserved?: PlaceholderMap;
}

export interface RedactionResult {
  texts: string[];
  /** Placeholder -> value; hand it to `createRestorer` or `restore` for this request's answer only. */
  map: PlaceholderMap;
  /** Values replaced, per entity type. */
  redacted: Record<string, number>;
}

export interface Redactor {
  /** `classification` must come from classifying `texts` (classifyMany, or classify for one text). */
  redact(texts: readonly string[], classification: Pick<Classification, 'entities'>): RedactionResult;
}

const MIN_HASH_KEY_BYTES = 16;

function invalid(detail: string): GatewayError {
  return new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `redact: ${detail}` });
}

export function createRedactor(options: RedactorOptions): Redactor {
  const operators = new Map<string, Operator>();
  for (const [type, operator] of Object.entries(options.operators ?? {})) {
    if (!isOperator(operator)) throw invalid(`operator for ${type} must be one of ${OPERATORS.join(', ')}.`);
    operators.set(type, operator);
  }
  let key: Uint8Array | undefined;
  if ([...operators.values()].includes('hash')) {
    if (options.hashKey === undefined) throw invalid('the hash operator needs a key.');
    key = typeof options.hashKey === 'string' ? Buffer.from(options.hashKey, 'utf8') : options.hashKey;
    if (key.length < MIN_HASH_KEY_BYTES) throw invalid(`the hash key must have at least ${MIN_HASH_KEY_BYTES} bytes.`);
  }
  const operatorFor = (type: string): Operator | undefined => operators.get(type) ?? operators.get('*');

  return {
    redact(texts, classification) {
      const book = new PlaceholderBook((placeholder) => options.reserved?.entries.has(placeholder) === true || texts.some((t) => t.includes(placeholder)));
      const redacted: Record<string, number> = {};
      // Entities of each text, in order; classification entities never overlap within a text.
      const byPart = new Map<number, { start: number; end: number; type: string }[]>();
      for (const e of classification.entities) {
        if (operatorFor(e.type) === undefined) continue;
        const part = e.part ?? 0;
        const list = byPart.get(part) ?? [];
        list.push(e);
        byPart.set(part, list);
      }
      const out = texts.map((text, part) => {
        const entities = (byPart.get(part) ?? []).filter((e) => e.start >= 0 && e.end <= text.length && e.start < e.end).sort((a, b) => a.start - b.start);
        if (entities.length === 0) return text;
        const pieces: string[] = [];
        let copied = 0;
        for (const e of entities) {
          if (e.start < copied) continue;
          const value = text.slice(e.start, e.end);
          const operator = operatorFor(e.type);
          let replacement: string;
          if (operator === 'placeholder') replacement = book.placeholderFor(e.type, value);
          else if (operator === 'mask') replacement = maskValue(value);
          else if (operator === 'hash' && key !== undefined) replacement = hashValue(e.type, value, key);
          else replacement = '';
          pieces.push(text.slice(copied, e.start), replacement);
          copied = e.end;
          redacted[e.type] = (redacted[e.type] ?? 0) + 1;
        }
        pieces.push(text.slice(copied));
        return pieces.join('');
      });
      return { texts: out, map: book, redacted };
    },
  };
}
