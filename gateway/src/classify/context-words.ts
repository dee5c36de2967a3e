// Presidio-style context enhancement: a supporting word shortly before a weak match raises its score.

import { isAsciiLetter, isDigit } from './char-classes.js';
import type { CueGroup } from './context-cues.js';
import type { TextProfile } from './text-profile.js';

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

/** How far after the end of a context word a value may start: about five words (Presidio's prefix count). */
export const CUE_WINDOW = 64;

/** A value found after a context word lets the next one follow this closely (", ", " and ", "; "). */
const LIST_GAP = 8;

/**
 * Runs `pattern` (global, written for the original text) in the stretch after each context word of
 * `group`, calling `onMatch` with full-text offsets. A value found extends the stretch, so lists
 * ("MRNs: A1, A2, A3") are read to their end. Only those stretches are read, never the whole text,
 * and no character is read twice for one group.
 */
export function forEachAfterCue(
  profile: TextProfile,
  group: CueGroup,
  pattern: RegExp,
  maxValue: number,
  onMatch: (m: RegExpExecArray, start: number, end: number) => void,
): void {
  const text = profile.text;
  let scannedTo = 0;
  for (const cue of profile.cues) {
    if (cue.group !== group || cue.end + CUE_WINDOW <= scannedTo) continue;
    let from = Math.max(cue.end, scannedTo);
    let windowEnd = cue.end + CUE_WINDOW;
    while (from <= windowEnd && from < text.length) {
      // One character of left context, so patterns with a lookbehind see what precedes the value.
      const base = from > 0 ? from - 1 : 0;
      const limit = Math.min(text.length, windowEnd + maxValue + 1);
      const sub = text.slice(base, limit);
      pattern.lastIndex = from - base;
      const m = pattern.exec(sub);
      if (m === null || base + m.index > windowEnd) {
        from = windowEnd + 1;
        break;
      }
      const start = base + m.index;
      const end = start + Math.max(1, m[0].length);
      onMatch(m, start, end);
      from = end;
      windowEnd = Math.max(windowEnd, end + LIST_GAP);
    }
    scannedTo = from;
  }
}
