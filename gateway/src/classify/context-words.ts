// Presidio-style context enhancement: a supporting word shortly before a weak match raises its score.

import { isAsciiLetter, isDigit } from './char-classes.js';

/** Presidio's `context_prefix_count`: how many words before a match are read. */
const PREFIX_WORDS = 5;
/** Bounds the backwards scan so a match costs O(1) even after a huge run of punctuation. */
const MAX_LOOKBACK = 160;
const MAX_WORD = 16;
/** Presidio's `context_similarity_factor` and `min_score_with_context_similarity`. */
const CONTEXT_BOOST = 0.35;
const CONTEXT_FLOOR = 0.4;

/**
 * True when one of the `PREFIX_WORDS` words before `start` is a context word. Words compare whole
 * (with an optional plural "s"), not by substring as Presidio's default does: substring matching
 * lets short words such as "cc" fire inside "account".
 */
export function hasContextBefore(text: string, start: number, words: ReadonlySet<string>): boolean {
  const limit = Math.max(0, start - MAX_LOOKBACK);
  let i = start - 1;
  let seen = 0;
  while (i >= limit && seen < PREFIX_WORDS) {
    while (i >= limit && !isWordCode(text.charCodeAt(i))) i--;
    if (i < limit) break;
    const end = i + 1;
    while (i >= limit && isWordCode(text.charCodeAt(i))) i--;
    seen++;
    // Context words are short; longer words and numbers cannot be one, so skip copying them.
    if (end - (i + 1) > MAX_WORD || isDigit(text.charCodeAt(i + 1))) continue;
    const word = text.slice(i + 1, end).toLowerCase();
    if (words.has(word)) return true;
    if (word.length > 2 && word.endsWith('s') && words.has(word.slice(0, -1))) return true;
  }
  return false;
}

function isWordCode(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c);
}

export function boostForContext(score: number): number {
  // Rounded so that 0.05 + 0.35 reads 0.4, not 0.39999999999999997.
  return Math.round(Math.min(1, Math.max(score + CONTEXT_BOOST, CONTEXT_FLOOR)) * 100) / 100;
}
