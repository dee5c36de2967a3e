// Where a long text is cut into slices, so that classifying it never holds the event loop for
// long. Each slice is read in a window that reaches back over text before it (context words,
// lookbehinds, a value's start) and on past its end (a value that begins in the slice and ends in
// the next); a value belongs to the slice it starts in, so none is found twice.

/** Characters of one slice: a few milliseconds of recognizer work on a busy core. */
export const SLICE_CHARS = 32 * 1024;
/** Text before a slice read with it: context words reach 64 characters, e-mail local parts 64. */
export const CONTEXT_CHARS = 1024;
/** Text after a slice read with it, at first; doubled while a value may still run on past the window. */
export const OVERLAP_CHARS = 4096;
/** A value of the slice that ends this close to its window's end may have been cut by it. */
export const CUT_MARGIN = 2048;
/** Texts up to this long are read whole, at once: one slice and its overlap. */
export const WHOLE_CHARS = SLICE_CHARS + OVERLAP_CHARS;

/** How far back from a slice's natural end a better cut is looked for. */
const CUT_SEARCH = 2048;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** The start of the last word that starts in [low, at], or -1. */
function wordStart(text: string, at: number, low: number): number {
  for (let i = at; i >= low; i--) {
    if (isSpace(text.charCodeAt(i - 1)) && !isSpace(text.charCodeAt(i))) return i;
  }
  return -1;
}

function notInPair(text: string, at: number): number {
  return isHighSurrogate(text.charCodeAt(at - 1)) ? at - 1 : at;
}

/**
 * A cut at or before `at`: after a line break if one is near, else between two words, else at
 * `at` itself (never between the halves of a surrogate pair). Cutting where values and phrases
 * rarely run keeps the readings on either side in step with a reading of the whole text.
 */
function cutNear(text: string, at: number, floor: number): number {
  const low = Math.max(floor + 1, at - CUT_SEARCH);
  for (let i = at; i >= low; i--) if (text.charCodeAt(i - 1) === 10) return i;
  const word = wordStart(text, at, low);
  return word >= 0 ? word : notInPair(text, at);
}

/**
 * A window's edge near `at` (at or before it) that does not fall inside a word, so no phrase is
 * read from half a word at either end of a window.
 */
export function edgeNear(text: string, at: number): number {
  if (at <= 0 || at >= text.length) return Math.max(0, Math.min(at, text.length));
  const word = wordStart(text, at, Math.max(1, at - CUT_SEARCH));
  return word >= 0 ? word : notInPair(text, at);
}

/** Offsets where slices start, then the text's length: `[0, …, text.length]`. */
export function sliceCuts(text: string): number[] {
  const cuts = [0];
  let from = 0;
  while (text.length - from > WHOLE_CHARS) {
    from = cutNear(text, from + SLICE_CHARS, from);
    cuts.push(from);
  }
  cuts.push(text.length);
  return cuts;
}
