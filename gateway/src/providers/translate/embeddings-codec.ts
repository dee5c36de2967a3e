// OpenAI embeddings requests and answers, for providers that compute embeddings another way
// (Gemini, echo): the input texts out, vectors back in OpenAI's list format, base64 included.
import { arr, obj, str, unsupported, type Json } from './json-shapes.js';

export interface EmbedRequest {
  model: string;
  inputs: string[];
  dimensions?: number;
}

export interface EmbedAnswer {
  vectors: number[][];
  inputTokens?: number;
}

/** Input texts of an embeddings request; token-id inputs cannot be re-encoded for another provider. */
export function embeddingInputs(body: Json): string[] {
  const input = body['input'];
  if (typeof input === 'string') return [input];
  const list = arr(input);
  if (list.every((x) => typeof x === 'string')) return list as string[];
  throw unsupported('token-id inputs to /v1/embeddings can be sent only to OpenAI-compatible providers.');
}

export function embedRequestFromOpenAI(body: Json): EmbedRequest {
  const req: EmbedRequest = { model: str(body['model']) ?? '', inputs: embeddingInputs(body) };
  if (typeof body['dimensions'] === 'number') req.dimensions = body['dimensions'];
  return req;
}

function base64Floats(vector: readonly number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

export function openAIEmbeddingsAnswer(body: Json, model: string, answer: EmbedAnswer): Json {
  const base64 = obj(body)['encoding_format'] === 'base64';
  const tokens = answer.inputTokens ?? 0;
  return {
    object: 'list',
    data: answer.vectors.map((v, index) => ({ object: 'embedding', index, embedding: base64 ? base64Floats(v) : v })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
