// OpenAI embeddings requests and answers, for providers that compute embeddings another way
// (Gemini, echo): the input texts out, vectors back in OpenAI's list format, base64 included.
import { arr, fieldName, obj, refusal, str, type Json } from './json-shapes.js';

export interface EmbedRequest {
  model: string;
  inputs: string[];
  dimensions?: number;
  /** The caller's `user`; only echo takes it (Gemini has no such field). */
  user?: string;
}

/** The fields of an embeddings request this reader knows; any other is refused. */
const KNOWN_FIELDS: ReadonlySet<string> = new Set(['model', 'input', 'dimensions', 'encoding_format', 'user']);

export interface EmbedAnswer {
  vectors: number[][];
  inputTokens?: number;
}

/** Input texts of an embeddings request; token-id inputs cannot be re-encoded for another provider. */
export function embeddingInputs(body: Json, target: string): string[] {
  const input = body['input'];
  if (typeof input === 'string') return [input];
  const list = arr(input);
  if (list.every((x) => typeof x === 'string')) return list as string[];
  throw refusal('input', target);
}

export function embedRequestFromOpenAI(body: Json, target: string): EmbedRequest {
  for (const key of Object.keys(body)) if (!KNOWN_FIELDS.has(key)) throw refusal(fieldName(key), target);
  const format = body['encoding_format'];
  if (format !== undefined && format !== null && format !== 'float' && format !== 'base64') throw refusal('encoding_format', target);
  const req: EmbedRequest = { model: str(body['model']) ?? '', inputs: embeddingInputs(body, target) };
  if (typeof body['dimensions'] === 'number') req.dimensions = body['dimensions'];
  const user = str(body['user']);
  if (user !== undefined) req.user = user;
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
