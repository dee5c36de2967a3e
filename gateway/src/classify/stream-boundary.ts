// Where a streamed text stops being final: the start of its tail that a value could still be
// growing from once more text arrives. Everything before it can be classified and released now;
// only the tail waits. The check is conservative and generic rather than per recognizer: no
// recognizer matches across a run of whitespace unless the words around it are digits, capitals
// or the lower-case words that open a multi-word term, so the pending tail is the last run of
// non-space characters, extended back over whitespace while the run before could begin or
// continue a value ("4111 1111 ", "Maria ", "heart ", "3rd of ", "72 years ").

import { CONDITIONS } from './recognizers/medical-condition.js';
import { PLACES } from './recognizers/gazetteers.js';

/**
 * Lower-case words that may be followed by more of the same value: the leading words of the
 * multi-word medical conditions, of place names, of dates ("3rd of March"), of post-office boxes,
 * and the words between an age and "old". Capitalised words and words with digits need no list.
 */
/** Every word but the last of the multi-word conditions the recognizer knows. */
const CONDITION_WORDS = CONDITIONS.flatMap((c) => c.toLowerCase().split(' ').slice(0, -1));
const OTHER_WORDS = ['of', 'year', 'years', 'yr', 'yrs', 'po', 'p.o.', 'p.o', 'post', 'office', 'box', 'psc'];

function placeWords(): string[] {
  const words: string[] = [];
  for (const place of PLACES) {
    const parts = place.toLowerCase().split(' ');
    words.push(...parts.slice(0, -1));
  }
  return words;
}

const LEADING_WORDS: ReadonlySet<string> = new Set([...CONDITION_WORDS, ...OTHER_WORDS, ...placeWords()]);

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0xa0 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x3000;
}

const DIGIT = /\p{Nd}/u;
const CAPITAL = /[\p{Lu}\p{Lt}]/u;
const LETTER = /\p{L}/u;

function isLeadingWord(run: string): boolean {
  return LEADING_WORDS.has(run.toLowerCase().replace(/’/g, "'"));
}

/**
 * Whether a value may hold both `run` and the run after it (`next`, empty while nothing has come
 * after the space yet). Numbers go on in any way ("12 pm", "72 years"); capitalised words go on
 * with more of them, numbers or a linking word ("Baker Street", "Bosnia and"); lower-case words
 * only when they open a multi-word term.
 */
function mayJoin(run: string, next: string): boolean {
  if (DIGIT.test(run) || isLeadingWord(run)) return true;
  if (!CAPITAL.test(run)) return false;
  // A run without letters ("#", "(", or nothing yet) says nothing about what follows.
  return !LETTER.test(next) || DIGIT.test(next) || CAPITAL.test(next) || isLeadingWord(next);
}

/**
 * The offset in `text` from which a value may still be open, or `text.length` when none may be.
 * The search stops at `floor`: text before it is released whatever it holds.
 */
export function pendingFrom(text: string, floor = 0): number {
  let at = text.length;
  // The last run of non-space characters is pending whatever it holds: one more character can make
  // any word the start of an address, a key or a number.
  while (at > floor && !isSpace(text.charCodeAt(at - 1))) at--;
  let next = text.slice(at);
  while (at > floor) {
    let gap = at;
    while (gap > floor && isSpace(text.charCodeAt(gap - 1))) gap--;
    if (gap === floor) return floor;
    let runStart = gap;
    while (runStart > floor && !isSpace(text.charCodeAt(runStart - 1))) runStart--;
    const run = text.slice(runStart, gap);
    if (!mayJoin(run, next)) return at;
    at = runStart;
    next = run;
  }
  return Math.max(floor, at);
}
