// The contract each served API (OpenAI chat, Anthropic messages, ...) implements so that one
// request path can serve them all: how to read a request, and how to read and end its answers.
import type { ModelApi } from '../../api-names.js';
import type { AuditRecordV1 } from '@palisade/audit-core';
import type { ErrorShape, GatewayError } from '../../errors.js';
import type { SseEvent } from '../../providers/sse.js';
import type { PromptSummary } from '../prompt.js';
import type { ReadOptions } from '../fields/read-body.js';
import type { EncodedSlot } from '../fields/write-slots.js';

export type Usage = NonNullable<NonNullable<AuditRecordV1['outcome']>['usage']>;

/** What the pipeline needs to know about a request, read once by the API's adapter. */
export interface ParsedRequest {
  /** The API's name in policy input and audit records, e.g. `openai.chat`. */
  api: ModelApi;
  model: string;
  stream: boolean;
  /** Every string of the body the provider could read as words, with where it sits. */
  slots: EncodedSlot[];
  /** The slots' texts, in the same order. */
  texts: string[];
  /** The prompt's words (the slots marked `prompt`), as sizes and content commitments count them. */
  promptTexts: string[];
  /** Content the classifier cannot read (images, audio, files, encrypted items), sorted. */
  contentKinds: string[];
  prompt: PromptSummary;
  /** Safe request parameters for the policy (no text). */
  params: Record<string, unknown>;
  /** The caller's body as sent, in its API's wire format. */
  body: Record<string, unknown>;
}

export interface ApiAdapter {
  readonly api: ModelApi;
  readonly route: string;
  readonly shape: ErrorShape;
  /** Checks the body against the API's field table; throws a 4xx GatewayError naming the field. */
  parse(body: unknown, options: ReadOptions): ParsedRequest | Promise<ParsedRequest>;
  /** The assistant text of a whole (non-streamed) answer. */
  answerText(body: unknown): string;
  /** The same text as separate pieces (choices, content blocks), in order. */
  answerTexts(body: unknown): string[];
  /** Tool call arguments in a whole answer: classified for the response decision, never rewritten. */
  answerToolTexts(body: unknown): string[];
  /** A copy of a whole answer with its pieces (as `answerTexts` lists them) replaced. */
  withAnswerTexts(body: unknown, texts: readonly string[]): unknown;
  usage(body: unknown): Usage | undefined;
  stream: StreamReader;
}

/** Reads the caller-format events of a streamed answer. */
export interface StreamReader {
  /** The event that ends a successful stream; it is held back until the outcome is on record. */
  isFinal(ev: SseEvent): boolean;
  /** Text added by this event. */
  text(ev: SseEvent, parsed: unknown): string;
  usage(ev: SseEvent, parsed: unknown): Usage | undefined;
  /** Tool call arguments added by this event: classified with the answer, never rewritten. */
  toolText(ev: SseEvent, parsed: unknown): string;
  /** The event with its text (as `text` reads it) replaced; `parsed` may be changed. */
  withText(ev: SseEvent, parsed: unknown, text: string): SseEvent;
  /**
   * For APIs whose later events repeat the whole answer text (the Responses API's `.done` and
   * final events): the event with that text replaced, or undefined when it holds none.
   */
  withWholeText?(ev: SseEvent, parsed: unknown, text: string): SseEvent | undefined;
  /** The event that ends a stream which failed after it started. */
  errorEvent(err: GatewayError, decisionId: string): SseEvent;
  /** Whether the event's data must be JSON (everything but the final sentinel). */
  isJson(ev: SseEvent): boolean;
}

/** Usage in the `input_tokens` / `output_tokens` form shared by Anthropic messages and OpenAI responses. */
export function inputOutputUsage(u: unknown): Usage | undefined {
  if (u === null || typeof u !== 'object') return undefined;
  const { input_tokens: input, output_tokens: output, total_tokens: total } = u as Record<string, unknown>;
  if (typeof input !== 'number' || typeof output !== 'number') return undefined;
  return { prompt_tokens: input, completion_tokens: output, total_tokens: typeof total === 'number' ? total : input + output };
}
