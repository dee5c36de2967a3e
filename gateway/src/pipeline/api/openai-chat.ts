// OpenAI's chat completions API as the pipeline sees it.
import { GatewayError } from '../../errors.js';
import { errorBody } from '../../http/error-body.js';
import type { ApiAdapter, ParsedRequest } from './types.js';
import { arr, obj } from '../../providers/translate/json-shapes.js';
import { collectTexts, replaceTexts, type TextVisitor, type TextWalk } from './text-slots.js';
import { summariseWithTokens } from './prompt-estimate.js';
import { answerText, deltaText, usageOf } from '../usage.js';

const SAFE_PARAMS = ['temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'n', 'seed', 'presence_penalty', 'frequency_penalty'] as const;

/** Content parts whose words the gateway can read (images carry none); others cannot be inspected. */
const INSPECTABLE_PARTS = new Set(['text', 'image_url', 'refusal']);

function visitPart(part: unknown, visit: TextVisitor): void {
  if (part === null || typeof part !== 'object') return;
  const p = part as Record<string, unknown>;
  // Fail closed: audio and files would reach the provider without being classified.
  if (typeof p['type'] === 'string' && !INSPECTABLE_PARTS.has(p['type'])) {
    throw new GatewayError('GW_ERR_BAD_REQUEST', { detail: `Content parts of type "${p['type']}" cannot be inspected, so the gateway does not forward them.` });
  }
  for (const field of ['text', 'refusal'] as const) {
    const text = p[field];
    if (typeof text !== 'string') continue;
    const next = visit(text);
    if (next !== undefined) p[field] = next;
    return;
  }
}

/** Every piece of text in the messages (content strings and parts, tool call arguments), in order. */
export const walkChatPrompt: TextWalk<Record<string, unknown>> = (body, visit) => {
  for (const raw of arr(body['messages'])) {
    const m = obj(raw);
    const c = m['content'];
    if (typeof c === 'string') {
      const next = visit(c);
      if (next !== undefined) m['content'] = next;
    } else if (Array.isArray(c)) for (const part of c) visitPart(part, visit);
    for (const call of arr(m['tool_calls'])) {
      const fn = obj(obj(call)['function']);
      const args = fn['arguments'];
      if (typeof args !== 'string') continue;
      const next = visit(args);
      if (next !== undefined) fn['arguments'] = next;
    }
  }
};

/** The `function.arguments` strings of a list of tool calls (whole, or a stream's pieces). */
function toolArguments(calls: unknown): string[] {
  const out: string[] = [];
  for (const call of arr(calls)) {
    const args = obj(obj(call)['function'])['arguments'];
    if (typeof args === 'string' && args !== '') out.push(args);
  }
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

export function parseOpenAIChat(body: unknown): ParsedRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GatewayError('GW_ERR_BAD_REQUEST', { detail: 'The body must be a JSON object.' });
  }
  const b = body as Record<string, unknown>;
  if (typeof b['model'] !== 'string' || b['model'] === '') throw new GatewayError('GW_ERR_BAD_REQUEST', { detail: '"model" must be a non-empty string.' });
  const messages = b['messages'];
  if (!Array.isArray(messages) || messages.length === 0) throw new GatewayError('GW_ERR_BAD_REQUEST', { detail: '"messages" must be a non-empty array.' });
  messages.forEach((m: unknown, i) => {
    if (m === null || typeof m !== 'object' || typeof (m as { role?: unknown }).role !== 'string') {
      throw new GatewayError('GW_ERR_BAD_REQUEST', { detail: `messages[${i}] must be an object with a string "role".` });
    }
  });
  if (b['stream'] !== undefined && typeof b['stream'] !== 'boolean') throw new GatewayError('GW_ERR_BAD_REQUEST', { detail: '"stream" must be a boolean.' });
  const texts = collectTexts(b, walkChatPrompt);
  const params: Record<string, unknown> = {};
  for (const k of SAFE_PARAMS) if (typeof b[k] === 'number') params[k] = b[k];
  if (Array.isArray(b['tools'])) params['tools_count'] = b['tools'].length;
  const format = (b['response_format'] as { type?: unknown } | undefined)?.type;
  if (typeof format === 'string') params['response_format'] = format;
  return {
    api: 'openai.chat',
    model: b['model'],
    stream: b['stream'] === true,
    texts,
    prompt: summariseWithTokens(messages as { role: string }[], texts),
    params,
    body: b,
  };
}

export const openAIChatAdapter: ApiAdapter = {
  api: 'openai.chat',
  route: '/v1/chat/completions',
  shape: 'openai',
  parse: parseOpenAIChat,
  answerText,
  answerTexts: (body) => collectTexts(body, walkChatAnswer),
  answerToolTexts: (body) => arr(obj(body)['choices']).flatMap((c) => toolArguments(obj(obj(c)['message'])['tool_calls'])),
  withAnswerTexts: (body, texts) => replaceTexts(body, walkChatAnswer, texts),
  withPromptTexts: (body, texts) => replaceTexts(body, walkChatPrompt, texts),
  usage: usageOf,
  stream: {
    isFinal: (ev) => ev.data === '[DONE]',
    isJson: (ev) => ev.data !== '[DONE]',
    text: (_ev, parsed) => deltaText(parsed),
    usage: (_ev, parsed) => usageOf(parsed),
    toolText: (_ev, parsed) => arr(obj(parsed)['choices']).flatMap((c) => toolArguments(obj(obj(c)['delta'])['tool_calls'])).join(''),
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
