// OpenAI's chat completions API as the pipeline sees it.
import { errorBody } from '../../http/error-body.js';
import type { ApiAdapter, ParsedRequest } from './types.js';
import { arr, obj } from '../../providers/translate/json-shapes.js';
import { collectTexts, replaceTexts, stringsIn, type TextWalk } from './text-slots.js';
import { OPENAI_CHAT_FIELDS } from '../fields/openai-chat-fields.js';
import { numericParams, parsedFrom, readTable } from '../fields/parsed-request.js';
import type { ReadOptions } from '../fields/read-body.js';
import { answerText, deltaText, usageOf } from '../usage.js';

const SAFE_PARAMS = ['temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'n', 'seed', 'presence_penalty', 'frequency_penalty'] as const;

/** The `function.name` and `function.arguments` strings of a list of tool calls (whole, or a stream's pieces). */
function toolArguments(calls: unknown): string[] {
  const out: string[] = [];
  for (const call of arr(calls)) {
    const fn = obj(obj(call)['function']);
    for (const field of ['name', 'arguments'] as const) {
      const text = fn[field];
      if (typeof text === 'string' && text !== '') out.push(text);
    }
  }
  return out;
}

/** Strings of an answer message besides its content that reach the caller: tool calls and a refusal. */
function messageExtras(message: unknown): string[] {
  const m = obj(message);
  const out = toolArguments(m['tool_calls']);
  if (typeof m['refusal'] === 'string' && m['refusal'] !== '') out.push(m['refusal']);
  stringsIn(m['annotations'], out);
  return out;
}

/** The assistant text of each choice of a whole answer. */
const walkChatAnswer: TextWalk<unknown> = (body, visit) => {
  for (const choice of arr(obj(body)['choices'])) {
    const message = obj(obj(choice)['message']);
    if (typeof message['content'] !== 'string') continue;
    const next = visit(message['content']);
    if (next !== undefined) message['content'] = next;
  }
};

export function parseOpenAIChat(body: unknown, options: ReadOptions): ParsedRequest {
  const read = readTable(body, OPENAI_CHAT_FIELDS, options);
  const params = numericParams(read.body, SAFE_PARAMS);
  const format = obj(read.body['response_format'])['type'];
  if (typeof format === 'string') params['response_format'] = format;
  const roles = arr(read.body['messages']).map((m) => ({ role: String(obj(m)['role']) }));
  return parsedFrom('openai.chat', read, roles, params);
}

export const openAIChatAdapter: ApiAdapter = {
  api: 'openai.chat',
  route: '/v1/chat/completions',
  shape: 'openai',
  parse: parseOpenAIChat,
  answerText,
  answerTexts: (body) => collectTexts(body, walkChatAnswer),
  answerToolTexts: (body) => arr(obj(body)['choices']).flatMap((c) => messageExtras(obj(c)['message'])),
  withAnswerTexts: (body, texts) => replaceTexts(body, walkChatAnswer, texts),
  usage: usageOf,
  stream: {
    isFinal: (ev) => ev.data === '[DONE]',
    isJson: (ev) => ev.data !== '[DONE]',
    text: (_ev, parsed) => deltaText(parsed),
    usage: (_ev, parsed) => usageOf(parsed),
    toolText: (_ev, parsed) => arr(obj(parsed)['choices']).flatMap((c) => messageExtras(obj(c)['delta'])).join(''),
    withText: (ev, parsed, text) => {
      // One text stream per answer: with several choices (n > 1) the rewritten text goes to the first.
      let first = true;
      for (const choice of arr(obj(parsed)['choices'])) {
        const delta = obj(obj(choice)['delta']);
        if (typeof delta['content'] !== 'string') continue;
        delta['content'] = first ? text : '';
        first = false;
      }
      return { ...ev, data: JSON.stringify(parsed) };
    },
    errorEvent: (err, decisionId) => ({ data: JSON.stringify(errorBody(err, 'openai', { decisionId })) }),
  },
};
