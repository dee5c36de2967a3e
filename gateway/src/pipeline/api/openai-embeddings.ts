// OpenAI's embeddings API as the pipeline sees it: the input texts are classified and decided on
// like a prompt; there is no stream and no answer text.
import { GatewayError } from '../../errors.js';
import { errorBody } from '../../http/error-body.js';
import { isObject, num, obj } from '../../providers/translate/json-shapes.js';
import type { ApiAdapter, ParsedRequest, Usage } from './types.js';
import { replaceTexts, type TextWalk } from './text-slots.js';
import { summariseWithTokens } from './prompt-estimate.js';

/** The input string, or each string of the input array. */
const walkEmbeddingsInput: TextWalk<Record<string, unknown>> = (body, visit) => {
  const input = body['input'];
  if (typeof input === 'string') {
    const next = visit(input);
    if (next !== undefined) body['input'] = next;
    return;
  }
  if (!Array.isArray(input)) return;
  input.forEach((text: unknown, i) => {
    if (typeof text !== 'string') return;
    const next = visit(text);
    if (next !== undefined) input[i] = next;
  });
};

function bad(detail: string): GatewayError {
  return new GatewayError('GW_ERR_BAD_REQUEST', { detail });
}

export function parseOpenAIEmbeddings(body: unknown): ParsedRequest {
  if (!isObject(body)) throw bad('The body must be a JSON object.');
  if (typeof body['model'] !== 'string' || body['model'] === '') throw bad('"model" must be a non-empty string.');
  const input = body['input'];
  let texts: string[];
  if (typeof input === 'string') texts = [input];
  else if (Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === 'string')) texts = input as string[];
  // Token ids cannot be classified without decoding them with the model's tokenizer; refusing
  // them keeps every input inspectable.
  else throw bad('"input" must be a string or a non-empty array of strings.');
  if (body['stream'] !== undefined) throw bad('"stream" is not a parameter of /v1/embeddings.');
  const params: Record<string, unknown> = { inputs: texts.length };
  const dims = num(body['dimensions']);
  if (dims !== undefined) params['dimensions'] = dims;
  if (typeof body['encoding_format'] === 'string') params['encoding_format'] = body['encoding_format'];
  return {
    api: 'openai.embeddings',
    model: body['model'],
    stream: false,
    texts,
    prompt: summariseWithTokens(
      texts.map(() => ({ role: 'input' })),
      texts,
    ),
    params,
    body,
  };
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
  withPromptTexts: (body, texts) => replaceTexts(body, walkEmbeddingsInput, texts),
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
