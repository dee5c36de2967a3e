// Field specs shared by the OpenAI APIs' tables.
import { MAX_OUTPUT_TOKENS, bool, free, int, num, nullable, obj, oneOf, text, type Spec } from './spec.js';

export const temperature2 = nullable(num(0, 2));
export const topP = nullable(num(0, 1));
export const outputTokens = nullable(int(1, MAX_OUTPUT_TOKENS));
export const topLogprobs = nullable(int(0, 20));
export const seed = nullable(int(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
export const metadata: Spec = nullable(free);
export const serviceTier = nullable(oneOf('auto', 'default', 'flex', 'scale', 'priority'));
export const reasoningEffort = nullable(oneOf('none', 'minimal', 'low', 'medium', 'high', 'xhigh'));
export const verbosity = nullable(oneOf('low', 'medium', 'high'));

/** A JSON Schema offered to the model (tool parameters, structured output): every string and key is classified. */
export const schema: Spec = free;

export const jsonSchemaFormat = (nested: boolean): Spec => {
  const fields = { name: text, description: text, schema, strict: nullable(bool) };
  return nested ? obj({ json_schema: obj(fields, ['name']) }) : obj(fields, ['name']);
};
