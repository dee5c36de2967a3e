// Reads token usage and answer text from OpenAI-shaped answers and stream chunks.
import type { Usage } from './api/types.js';

export type { Usage };

export function usageOf(body: unknown): Usage | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const u = (body as { usage?: unknown }).usage;
  if (u === null || typeof u !== 'object') return undefined;
  const { prompt_tokens: p, completion_tokens: c, total_tokens: t } = u as Record<string, unknown>;
  if (typeof p !== 'number' || typeof c !== 'number') return undefined;
  return { prompt_tokens: p, completion_tokens: c, total_tokens: typeof t === 'number' ? t : p + c };
}

/** The assistant text of a non-streamed chat completion. */
export function answerText(body: unknown): string {
  const choices = (body as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices)) return '';
  let out = '';
  for (const c of choices as { message?: { content?: unknown } }[]) {
    if (typeof c?.message?.content === 'string') out += c.message.content;
  }
  return out;
}

/** The text delta of one chat.completion.chunk. */
export function deltaText(chunk: unknown): string {
  const choices = (chunk as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices)) return '';
  let out = '';
  for (const c of choices as { delta?: { content?: unknown } }[]) {
    if (typeof c?.delta?.content === 'string') out += c.delta.content;
  }
  return out;
}
