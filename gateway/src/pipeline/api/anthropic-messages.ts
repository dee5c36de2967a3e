// Anthropic's messages API as the pipeline sees it: system prompts, content blocks, tools and
// tool results, the SSE event sequence ending in message_stop, and errors in Anthropic's shape.
import { errorBody } from '../../http/error-body.js';
import { arr, obj, str } from '../../providers/translate/json-shapes.js';
import { collectTexts, replaceTexts, type TextWalk } from './text-slots.js';
import { inputOutputUsage as usageOf, type ApiAdapter, type ParsedRequest } from './types.js';
import { ANTHROPIC_MESSAGES_FIELDS } from '../fields/anthropic-messages-fields.js';
import { numericParams, parsedFrom, readTable } from '../fields/parsed-request.js';
import type { ReadOptions } from '../fields/read-body.js';

const SAFE_PARAMS = ['max_tokens', 'temperature', 'top_p', 'top_k'] as const;

/** The text blocks of a whole answer. */
const walkAnthropicAnswer: TextWalk<unknown> = (body, visit) => {
  for (const raw of arr(obj(body)['content'])) {
    const b = obj(raw);
    if (b['type'] !== 'text' || typeof b['text'] !== 'string') continue;
    const next = visit(b['text']);
    if (next !== undefined) b['text'] = next;
  }
};

export function parseAnthropicMessages(body: unknown, options: ReadOptions): ParsedRequest {
  const read = readTable(body, ANTHROPIC_MESSAGES_FIELDS, options);
  const roles = arr(read.body['messages']).map((m: unknown) => ({ role: String(obj(m)['role']) }));
  if (read.body['system'] !== undefined) roles.unshift({ role: 'system' });
  return parsedFrom('anthropic.messages', read, roles, numericParams(read.body, SAFE_PARAMS));
}

export const anthropicMessagesAdapter: ApiAdapter = {
  api: 'anthropic.messages',
  route: '/v1/messages',
  shape: 'anthropic',
  parse: parseAnthropicMessages,
  answerText: (body) => collectTexts(body, walkAnthropicAnswer).join(''),
  answerTexts: (body) => collectTexts(body, walkAnthropicAnswer),
  // Tool calls (name and input) and the model's visible reasoning reach the caller too.
  answerToolTexts: (body) =>
    arr(obj(body)['content']).flatMap((raw) => {
      const b = obj(raw);
      if (b['type'] === 'tool_use') return [str(b['name']) ?? '', JSON.stringify(b['input'] ?? {})];
      if (b['type'] === 'thinking') return [str(b['thinking']) ?? ''];
      return [];
    }),
  withAnswerTexts: (body, texts) => replaceTexts(body, walkAnthropicAnswer, texts),
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
      if (ev.event === 'content_block_start') {
        const block = obj(obj(parsed)['content_block']);
        return block['type'] === 'tool_use' ? (str(block['name']) ?? '') : '';
      }
      if (ev.event !== 'content_block_delta') return '';
      const delta = obj(obj(parsed)['delta']);
      if (delta['type'] === 'input_json_delta') return str(delta['partial_json']) ?? '';
      return delta['type'] === 'thinking_delta' ? (str(delta['thinking']) ?? '') : '';
    },
    withText: (ev, parsed, text) => {
      obj(obj(parsed)['delta'])['text'] = text;
      return { ...ev, data: JSON.stringify(parsed) };
    },
    errorEvent: (err, decisionId) => ({ event: 'error', data: JSON.stringify(errorBody(err, 'anthropic', { decisionId })) }),
  },
};
