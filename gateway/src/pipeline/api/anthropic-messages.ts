// Anthropic's messages API as the pipeline sees it: system prompts, content blocks, tools and
// tool results, the SSE event sequence ending in message_stop, and errors in Anthropic's shape.
import { GatewayError } from '../../errors.js';
import { errorBody } from '../../http/error-body.js';
import { arr, isObject, obj, str, type Json } from '../../providers/translate/json-shapes.js';
import { collectTexts, reparseJson, replaceTexts, type TextVisitor, type TextWalk } from './text-slots.js';
import { inputOutputUsage as usageOf, type ApiAdapter, type ParsedRequest } from './types.js';
import { summariseWithTokens } from './prompt-estimate.js';

const SAFE_PARAMS = ['max_tokens', 'temperature', 'top_p', 'top_k'] as const;

function uninspectable(what: string): GatewayError {
  return new GatewayError('GW_ERR_BAD_REQUEST', { detail: `${what} cannot be inspected, so the gateway does not forward it.` });
}

/** Visits a `content` (string or blocks) held at `holder[key]`. */
function visitContent(holder: Json, key: string, visit: TextVisitor): void {
  const content = holder[key];
  if (typeof content === 'string') {
    const next = visit(content);
    if (next !== undefined) holder[key] = next;
    return;
  }
  for (const raw of arr(content)) {
    const b = obj(raw);
    switch (b['type']) {
      case 'text':
        if (typeof b['text'] === 'string') {
          const next = visit(b['text']);
          if (next !== undefined) b['text'] = next;
        }
        break;
      case 'tool_use': {
        const next = visit(JSON.stringify(b['input'] ?? {}));
        if (next !== undefined) b['input'] = reparseJson(next);
        break;
      }
      case 'tool_result':
        visitContent(b, 'content', visit);
        break;
      case 'document': {
        const src = obj(b['source']);
        // Fail closed: a PDF or a URL would reach the provider without being classified.
        if (src['type'] !== 'text' || typeof src['data'] !== 'string') throw uninspectable(`A document with a ${String(src['type'])} source`);
        const next = visit(src['data']);
        if (next !== undefined) src['data'] = next;
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

/** Every piece of text in system and messages, tool inputs and results included, in order. */
export const walkAnthropicPrompt: TextWalk<Json> = (body, visit) => {
  if (body['system'] !== undefined) visitContent(body, 'system', visit);
  for (const m of arr(body['messages'])) visitContent(obj(m), 'content', visit);
};

/** The text blocks of a whole answer. */
const walkAnthropicAnswer: TextWalk<unknown> = (body, visit) => {
  for (const raw of arr(obj(body)['content'])) {
    const b = obj(raw);
    if (b['type'] !== 'text' || typeof b['text'] !== 'string') continue;
    const next = visit(b['text']);
    if (next !== undefined) b['text'] = next;
  }
};

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
  const texts = collectTexts(body, walkAnthropicPrompt);
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
  answerText: (body) => collectTexts(body, walkAnthropicAnswer).join(''),
  answerTexts: (body) => collectTexts(body, walkAnthropicAnswer),
  answerToolTexts: (body) =>
    arr(obj(body)['content'])
      .filter((b) => obj(b)['type'] === 'tool_use')
      .map((b) => JSON.stringify(obj(b)['input'] ?? {})),
  withAnswerTexts: (body, texts) => replaceTexts(body, walkAnthropicAnswer, texts),
  withPromptTexts: (body, texts) => replaceTexts(body, walkAnthropicPrompt, texts),
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
    toolText: (ev, parsed) => {
      if (ev.event !== 'content_block_delta') return '';
      const delta = obj(obj(parsed)['delta']);
      return delta['type'] === 'input_json_delta' ? (str(delta['partial_json']) ?? '') : '';
    },
    withText: (ev, parsed, text) => {
      obj(obj(parsed)['delta'])['text'] = text;
      return { ...ev, data: JSON.stringify(parsed) };
    },
    errorEvent: (err, decisionId) => ({ event: 'error', data: JSON.stringify(errorBody(err, 'anthropic', { decisionId })) }),
  },
};
