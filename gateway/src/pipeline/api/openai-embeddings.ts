// OpenAI's embeddings API as the pipeline sees it: the input texts are classified and decided on
// like a prompt; there is no stream and no answer text.
import { GatewayError } from '../../errors.js';
import { errorBody } from '../../http/error-body.js';
import { num, obj } from '../../providers/translate/json-shapes.js';
import type { ApiAdapter, ParsedRequest, Usage } from './types.js';
import { OPENAI_EMBEDDINGS_FIELDS } from '../fields/openai-embeddings-fields.js';
import { numericParams, parsedFrom, readTable } from '../fields/parsed-request.js';
import type { ReadOptions } from '../fields/read-body.js';
import type { EncodedSlot } from '../fields/write-slots.js';

const SAFE_PARAMS = ['dimensions'] as const;

/** A tokenizer for token-id inputs, loaded on first use: most gateways never see one. */
let tokenizer: Promise<{ decode(ids: number[]): string; encode(text: string): number[] }> | undefined;
function loadTokenizer() {
  // OpenAI's embedding models (text-embedding-3-*, ada-002) read cl100k_base token ids.
  tokenizer ??= import('gpt-tokenizer/encoding/cl100k_base').then((m) => ({ decode: (ids: number[]) => m.decode(ids), encode: (text: string) => m.encode(text, { disallowedSpecial: new Set() }) }));
  return tokenizer;
}

/** The token-id inputs of the body: one array of ids, or an array of arrays. */
function tokenInputs(input: unknown): { path: (string | number)[]; ids: number[] }[] {
  if (!Array.isArray(input) || input.length === 0) return [];
  if (input.every((x) => typeof x === 'number')) return [{ path: ['input'], ids: input as number[] }];
  if (input.every((x) => Array.isArray(x))) return input.map((ids, i) => ({ path: ['input', i], ids: ids as number[] }));
  if (input.every((x) => typeof x === 'string')) return [];
  throw bad('"input" must be a string, an array of strings, or token ids (an array of integers, or an array of such arrays), not a mixture.');
}

/**
 * Token ids are decoded so their words are classified like any input; a rewrite (redaction) is
 * encoded back into ids. The decoded text is what the policy decides on.
 */
async function decodedSlots(input: unknown): Promise<EncodedSlot[]> {
  const inputs = tokenInputs(input);
  if (inputs.length === 0) return [];
  const { decode, encode } = await loadTokenizer();
  return inputs.map(({ path, ids }) => {
    let text: string;
    try {
      text = decode(ids);
    } catch (cause) {
      throw new GatewayError('GW_ERR_BAD_REQUEST', { cause, detail: `"${path.join('.')}" holds token ids that the cl100k_base tokenizer does not know, so they cannot be inspected: send the text instead (with LangChain, OpenAIEmbeddings(check_embedding_ctx_length=False)).` });
    }
    return { path, text, json: false, key: false, source: 'user', field: path.length === 1 ? 'input' : 'input.*', prompt: true, encode };
  });
}

function bad(detail: string): GatewayError {
  return new GatewayError('GW_ERR_BAD_REQUEST', { detail });
}

export async function parseOpenAIEmbeddings(body: unknown, options: ReadOptions): Promise<ParsedRequest> {
  const read = readTable(body, OPENAI_EMBEDDINGS_FIELDS, options);
  const decoded = await decodedSlots(read.body['input']);
  const tokens = decoded.length > 0;
  if (tokens) read.slots.push(...decoded);
  const input = read.body['input'];
  // One string, or one array of token ids, is one input; otherwise each item is.
  const inputs = !Array.isArray(input) || input.every((x) => typeof x === 'number') ? 1 : input.length;
  const params = numericParams(read.body, SAFE_PARAMS);
  params['inputs'] = inputs;
  if (typeof read.body['encoding_format'] === 'string') params['encoding_format'] = read.body['encoding_format'];
  if (tokens) params['token_ids'] = true;
  const roles = Array.from({ length: inputs }, () => ({ role: 'input' }));
  return parsedFrom('openai.embeddings', read, roles, params);
}

export const openAIEmbeddingsAdapter: ApiAdapter = {
  api: 'openai.embeddings',
  route: '/v1/embeddings',
  shape: 'openai',
  parse: parseOpenAIEmbeddings,
  answerText: () => '',
  answerTexts: () => [],
  answerToolTexts: () => [],
  withAnswerTexts: (body) => body,
  usage: (body): Usage | undefined => {
    const u = obj(obj(body)['usage']);
    const p = num(u['prompt_tokens']);
    return p === undefined ? undefined : { prompt_tokens: p, completion_tokens: 0, total_tokens: num(u['total_tokens']) ?? p };
  },
  // Embeddings never stream; the reader exists for the adapter contract only.
  stream: {
    isFinal: () => true,
    isJson: () => false,
    text: () => '',
    usage: () => undefined,
    toolText: () => '',
    withText: (ev) => ev,
    errorEvent: (err, decisionId) => ({ data: JSON.stringify(errorBody(err, 'openai', { decisionId })) }),
  },
};
