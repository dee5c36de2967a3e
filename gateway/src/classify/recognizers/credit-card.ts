// CREDIT_CARD: 12-19 digits, optionally grouped with spaces or dashes, kept only when the Luhn check
// passes (Presidio: pass -> 1.0, fail -> dropped).

import { numberEndsCleanly, numberStartsCleanly } from '../char-classes.js';
import { isOneRepeatedChar, luhnValid } from '../validators.js';
import type { Found, Recognizer } from './recognizer.js';

const SCORE_LUHN = 1;
const MIN_DIGITS = 12;
const MAX_DIGITS = 19;
/** Groups shorter than this are dates, times or list numbers rather than parts of a card number. */
const MIN_GROUP = 3;

/**
 * Each optional separator is followed by a digit, so there is one way to match any prefix and a
 * failed attempt backs off in at most 19 steps.
 */
const CANDIDATE = /\b\d(?:[ -]?\d){11,18}\b/g;

/**
 * Card networks issue from major-industry digits 2-6 (Mastercard 2-series, Amex/Diners/JCB,
 * Visa, Mastercard, Discover/UnionPay), plus 15-digit numbers starting with 1 (UATP and JCB's
 * 1800 range). Leaving out the rest keeps 13-digit millisecond timestamps and most account numbers
 * that happen to pass Luhn out of the results.
 */
function issuedByCardNetwork(digits: string): boolean {
  const first = digits.charCodeAt(0);
  return (first >= 50 && first <= 54) || (first === 49 && digits.length === 15);
}

function scan(text: string, out: Found[]): void {
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
    const start = m.index;
    const groups = digitGroups(m[0]);
    const end = numberStartsCleanly(text, start) ? cardEnd(text, start, groups) : -1;
    if (end >= 0) {
      out.push({ type: 'CREDIT_CARD', start, end, score: SCORE_LUHN });
      CANDIDATE.lastIndex = end;
    } else if (groups.length > 1) {
      // A card may start at a later group ("item 12 4111 1111 1111 1111"); each group is tried once.
      CANDIDATE.lastIndex = start + (groups[0]?.length ?? 0) + 1;
    }
  }
}

/** The digit groups of a candidate (split at its single spaces or dashes). A loop, because
 * `String.prototype.split` with a regular expression builds a new one on every call. */
function digitGroups(candidate: string): string[] {
  const groups: string[] = [];
  let from = 0;
  for (let i = 0; i < candidate.length; i++) {
    const c = candidate.charCodeAt(i);
    if (c === 32 || c === 45) {
      groups.push(candidate.slice(from, i));
      from = i + 1;
    }
  }
  groups.push(candidate.slice(from));
  return groups;
}

/** End of the card that starts the candidate, or -1. Trailing groups are dropped until the rest
 * reads as a card, since a year or a count may follow a number. */
function cardEnd(text: string, start: number, groups: readonly string[]): number {
  const digits = groups.length === 1 ? (groups[0] ?? '') : groups.join('');
  let firstShort = groups.findIndex((g) => g.length < MIN_GROUP);
  if (firstShort < 0) firstShort = groups.length;
  let count = digits.length;
  for (let k = groups.length; k >= 1; k--) {
    if (count < MIN_DIGITS) return -1;
    if (count <= MAX_DIGITS && (k === 1 || k <= firstShort)) {
      const end = start + count + (k - 1);
      const card = count === digits.length ? digits : digits.slice(0, count);
      if (numberEndsCleanly(text, end) && issuedByCardNetwork(card) && !isOneRepeatedChar(card) && luhnValid(card)) return end;
    }
    count -= groups[k - 1]?.length ?? 0;
  }
  return -1;
}

export const creditCardRecognizer: Recognizer = {
  types: ['CREDIT_CARD'],
  applies: (profile) => profile.digitPair,
  scan,
};
