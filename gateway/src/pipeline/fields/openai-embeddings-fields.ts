// The closed field table of OpenAI's embeddings request. Token-id inputs are checked here for
// shape and range; the adapter decodes them so their words are classified too.
import { either, arr, int, obj, oneOf, text, type Spec } from './spec.js';

/** OpenAI's documented limits: 2048 inputs a request, 3072 dimensions for the largest model. */
export const MAX_EMBEDDING_INPUTS = 2048;
export const MAX_DIMENSIONS = 3072;
/** Larger than any tokenizer's vocabulary the gateway decodes (o200k has about 200k tokens). */
export const MAX_TOKEN_ID = 1_000_000;
const tokenIds = arr(int(0, MAX_TOKEN_ID), 8192, 1);

export const OPENAI_EMBEDDINGS_FIELDS: Spec = obj({
  model: text,
  input: either(text, arr(either(text, tokenIds, int(0, MAX_TOKEN_ID)), MAX_EMBEDDING_INPUTS, 1)),
  dimensions: int(1, MAX_DIMENSIONS),
  encoding_format: oneOf('float', 'base64'),
  user: text,
}, ['model', 'input']);
