// Token counts when a provider gives none, and before a request leaves (pre-flight): OpenAI's
// o200k_base encoding through gpt-tokenizer. Other providers' tokenizers differ, so these are
// estimates; usage reported by a provider always wins.
//
// The encoding's tables take a few hundred milliseconds to load, so they load on first use (the
// server loads them at start, through warmTokenizer) rather than whenever this module is imported.
import { createRequire } from 'node:module';

type Encoding = typeof import('gpt-tokenizer/encoding/o200k_base');

let encoding: Encoding | undefined;

function countTokens(text: string, options: { disallowedSpecial: Set<string> }): number {
  encoding ??= createRequire(import.meta.url)('gpt-tokenizer/encoding/o200k_base') as Encoding;
  return encoding.countTokens(text, options);
}

/** Loads the encoding now, so that the first request does not wait for it. */
export function warmTokenizer(): void {
  countTokens('', AS_TEXT);
}

/**
 * Texts longer than this are counted on a prefix and scaled, so a large prompt costs at most a
 * few hundred microseconds of tokenizing on the request path.
 */
const EXACT_CHARS = 16 * 1024;

/** Text like `<|endoftext|>` in a prompt is counted as ordinary text, never refused. */
const AS_TEXT = { disallowedSpecial: new Set<string>() };

export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  if (text.length <= EXACT_CHARS) return countTokens(text, AS_TEXT);
  const head = text.slice(0, EXACT_CHARS);
  return Math.ceil((countTokens(head, AS_TEXT) * text.length) / EXACT_CHARS);
}

export function estimateTokensOf(texts: readonly string[]): number {
  let total = 0;
  let chars = 0;
  for (const t of texts) chars += t.length;
  if (chars <= EXACT_CHARS) {
    for (const t of texts) total += estimateTokens(t);
    return total;
  }
  // Scale a sample of the whole rather than tokenizing every text.
  const joined = texts.join('\n');
  return estimateTokens(joined);
}
