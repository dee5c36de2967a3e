// Anthropic's messages API as the pipeline sees it: system prompts, content blocks, tools and
// tool results, the SSE event sequence ending in message_stop, and errors in Anthropic's shape.
import { GatewayError } from '../../errors.js';
import { errorBody } from '../../http/error-body.js';
import { arr, isObject, obj, str } from '../../providers/translate/json-shapes.js';
import { inputOutputUsage as usageOf, type ApiAdapter, type ParsedRequest } from './types.js';
import { summariseWithTokens } from './prompt-estimate.js';

const SAFE_PARAMS = ['max_tokens', 'temperature', 'top_p', 'top_k'] as const;

function uninspectable(what: string): GatewayError {
  return new GatewayError('GW_ERR_BAD_REQUEST', { detail: `${what} cannot be inspected, so the gateway does not forward it.` });
}

function blockTexts(content: unknown, out: string[]): void {
  if (typeof content === 'string') {
    out.push(content);
    return;
  }
  for (const raw of arr(content)) {
    const b = obj(raw);
    switch (b['type']) {
      case 'text':
        if (typeof b['text'] === 'string') out.push(b['text']);
        break;
      case 'tool_use':
        out.push(JSON.stringify(b['input'] ?? {}));
        break;
      case 'tool_result':
        blockTexts(b['content'], out);
        break;
      case 'document': {
        const src = obj(b['source']);
        // Fail closed: a PDF or a URL would reach the provider without being classified.
        if (src['type'] !== 'text' || typeof src['data'] !== 'string') throw uninspectable(`A document with a ${String(src['type'])} source`);
        out.push(src['data']);
        break;
      }
      case 'image':
      case 'thinking':
      case 'redacted_thinking':
        // Images carry no words to classify; thinking blocks are the model's own earlier output.
        break;
      default:
        throw uninspectable(`A content block of type "${String(b['type'])}"`);
    }
  }
}

/** Every piece of text in system and messages, tool inputs and results included. */
export function anthropicTexts(body: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (body['system'] !== undefined) blockTexts(body['system'], out);
  for (const m of arr(body['messages'])) blockTexts(obj(m)['content'], out);
  return out;
}

function bad(detail: string): GatewayError {
  return new GatewayError('GW_ERR_BAD_REQUEST', { detail });
}

export function parseAnthropicMessages(body: unknown): ParsedRequest {
  if (!isObject(body)) throw bad('The body must be a JSON object.');
  if (typeof body['model'] !== 'string' || body['model'] === '') throw bad('"model" must be a non-empty string.');
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) throw bad('"messages" must be a non-empty array.');
  messages.forEach((m: unknown, i) => {
    const role = obj(m)['role'];
    if (role !== 'user' && role !== 'assistant') throw bad(`messages.${i}.role must be "user" or "assistant".`);
    const content = obj(m)['content'];
    if (typeof content !== 'string' && !Array.isArray(content)) throw bad(`messages.${i}.content must be a string or an array of content blocks.`);
  });
  const max = body['max_tokens'];
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) throw bad('"max_tokens" must be a positive integer.');
  if (body['stream'] !== undefined && typeof body['stream'] !== 'boolean') throw bad('"stream" must be a boolean.');
  const system = body['system'];
  if (system !== undefined && typeof system !== 'string' && !Array.isArray(system)) throw bad('"system" must be a string or an array of text blocks.');
  const texts = anthropicTexts(body);
  const params: Record<string, unknown> = {};
  for (const k of SAFE_PARAMS) if (typeof body[k] === 'number') params[k] = body[k];
  if (Array.isArray(body['tools'])) params['tools_count'] = body['tools'].length;
  const roles = messages.map((m: unknown) => ({ role: String(obj(m)['role']) }));
  if (system !== undefined) roles.unshift({ role: 'system' });
  return {
    api: 'anthropic.messages',
    model: body['model'],
    stream: body['stream'] === true,
    texts,
    prompt: summariseWithTokens(roles, texts),
    params,
    body,
  };
}


export const anthropicMessagesAdapter: ApiAdapter = {
  api: 'anthropic.messages',
  route: '/v1/messages',
  shape: 'anthropic',
  parse: parseAnthropicMessages,
  answerText: (body) =>
    arr(obj(body)['content'])
      .map((b) => (obj(b)['type'] === 'text' ? (str(obj(b)['text']) ?? '') : ''))
      .join(''),
  usage: (body) => usageOf(obj(body)['usage']),
  stream: {
    isFinal: (ev) => ev.event === 'message_stop',
    isJson: () => true,
    text: (ev, parsed) => {
      if (ev.event !== 'content_block_delta') return '';
      const delta = obj(obj(parsed)['delta']);
      return delta['type'] === 'text_delta' ? (str(delta['text']) ?? '') : '';
    },
    // message_delta carries the totals (input tokens too, on current API versions).
    usage: (ev, parsed) => (ev.event === 'message_delta' ? usageOf(obj(parsed)['usage']) : undefined),
    errorEvent: (err, decisionId) => ({ event: 'error', data: JSON.stringify(errorBody(err, 'anthropic', { decisionId })) }),
  },
};
