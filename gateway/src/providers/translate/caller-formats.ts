// The caller side of translation: for each served chat API, how to read its request as a neutral
// one and how to write neutral answers, stream events and provider refusals back in its format.
import type { SseEvent } from '../sse.js';
import { AnthropicEncoder, anthropicAnswerFromChat, chatRequestFromAnthropic } from './anthropic-codec.js';
import type { ChatAnswer, ChatEvent, ChatRequest } from './chat-model.js';
import { obj, type Json } from './json-shapes.js';
import { OpenAIChatEncoder, chatRequestFromOpenAI, openAIAnswerFromChat } from './openai-chat-codec.js';
import { chatRequestFromResponses, responseEcho, responsesAnswerFromChat, type ResponseIds } from './responses-codec.js';
import { ResponsesEncoder } from './responses-stream.js';

export interface EncodeContext {
  newId(): string;
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface StreamEncoder {
  encode(ev: ChatEvent): SseEvent[];
}

export interface CallerFormat {
  request(body: Json): ChatRequest;
  /** `body` is the caller's request, for what the answer repeats back. */
  answer(answer: ChatAnswer, ctx: EncodeContext, body: Json): Json;
  encoder(body: Json, model: string, ctx: EncodeContext): StreamEncoder;
  /** A provider's refusal of the request (a 4xx about the request), in the caller's error shape. */
  clientError(status: number, message: string): Json;
}

const OPENAI_ERROR_TYPES: Record<number, string> = { 400: 'invalid_request_error', 404: 'not_found_error', 409: 'conflict_error', 413: 'invalid_request_error', 422: 'invalid_request_error' };
const ANTHROPIC_ERROR_TYPES: Record<number, string> = { 400: 'invalid_request_error', 404: 'not_found_error', 413: 'request_too_large' };

function openAIError(status: number, message: string): Json {
  return { error: { message, type: OPENAI_ERROR_TYPES[status] ?? 'invalid_request_error', param: null, code: null } };
}

const openAIChat: CallerFormat = {
  request: chatRequestFromOpenAI,
  answer: (a, ctx) => openAIAnswerFromChat({ ...a, id: `chatcmpl-${ctx.newId()}` }, Math.floor(ctx.now() / 1000)),
  encoder: (body, model, ctx) =>
    new OpenAIChatEncoder({ includeUsage: obj(body['stream_options'])['include_usage'] === true, created: Math.floor(ctx.now() / 1000), id: `chatcmpl-${ctx.newId()}`, model }),
  clientError: openAIError,
};

const anthropicMessages: CallerFormat = {
  request: chatRequestFromAnthropic,
  answer: (a, ctx) => anthropicAnswerFromChat({ ...a, id: `msg_${ctx.newId()}` }),
  encoder: (_body, model, ctx) => new AnthropicEncoder({ id: `msg_${ctx.newId()}`, model }),
  clientError: (status, message) => ({ type: 'error', error: { type: ANTHROPIC_ERROR_TYPES[status] ?? 'invalid_request_error', message } }),
};

function responseIds(ctx: EncodeContext): ResponseIds {
  return { id: `resp_${ctx.newId()}`, messageId: `msg_${ctx.newId()}`, created: Math.floor(ctx.now() / 1000), newId: () => ctx.newId() };
}

const openAIResponses: CallerFormat = {
  request: chatRequestFromResponses,
  answer: (a, ctx, body) => responsesAnswerFromChat(a, responseIds(ctx), responseEcho(body)),
  encoder: (body, model, ctx) => new ResponsesEncoder(responseIds(ctx), responseEcho(body), model),
  clientError: openAIError,
};

export const CALLER_FORMATS: Readonly<Record<string, CallerFormat>> = {
  'openai.chat': openAIChat,
  'anthropic.messages': anthropicMessages,
  'openai.responses': openAIResponses,
};

/** The chat APIs a translating provider can serve. */
export const CHAT_APIS: ReadonlySet<string> = new Set(Object.keys(CALLER_FORMATS));
