// OpenAI's chat completions API as the pipeline sees it.
import { GatewayError } from '../../errors.js';
import { errorBody } from '../../http/error-body.js';
import type { ApiAdapter, ParsedRequest } from './types.js';
import { summariseWithTokens } from './prompt-estimate.js';
import { answerText, deltaText, usageOf } from '../usage.js';

const SAFE_PARAMS = ['temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'n', 'seed', 'presence_penalty', 'frequency_penalty'] as const;

/** Content parts whose words the gateway can read (images carry none); others cannot be inspected. */
const INSPECTABLE_PARTS = new Set(['text', 'image_url', 'refusal']);

function partText(part: unknown): string {
  if (part !== null && typeof part === 'object') {
    const p = part as { type?: unknown; text?: unknown; refusal?: unknown };
    // Fail closed: audio and files would reach the provider without being classified.
    if (typeof p.type === 'string' && !INSPECTABLE_PARTS.has(p.type)) {
      throw new GatewayError('GW_ERR_BAD_REQUEST', { detail: `Content parts of type "${p.type}" cannot be inspected, so the gateway does not forward them.` });
    }
    if (typeof p.text === 'string') return p.text;
    if (typeof p.refusal === 'string') return p.refusal;
  }
  return '';
}

/** Every piece of text in the messages (content strings and parts, tool call arguments). */
export function chatTexts(messages: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const m of messages as { content?: unknown; tool_calls?: unknown }[]) {
    const c = m.content;
    if (typeof c === 'string') out.push(c);
    else if (Array.isArray(c)) for (const part of c) out.push(partText(part));
    if (Array.isArray(m.tool_calls)) {
      for (const call of m.tool_calls as { function?: { arguments?: unknown } }[]) {
        if (typeof call?.function?.arguments === 'string') out.push(call.function.arguments);
      }
    }
  }
  return out;
}

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
  const texts = chatTexts(messages);
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
  usage: usageOf,
  stream: {
    isFinal: (ev) => ev.data === '[DONE]',
    isJson: (ev) => ev.data !== '[DONE]',
    text: (_ev, parsed) => deltaText(parsed),
    usage: (_ev, parsed) => usageOf(parsed),
    errorEvent: (err, decisionId) => ({ data: JSON.stringify(errorBody(err, 'openai', { decisionId })) }),
  },
};
