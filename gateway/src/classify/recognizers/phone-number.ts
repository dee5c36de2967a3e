// PHONE_NUMBER: North American numbers (NANP) and international numbers written with a leading "+"
// (E.164 length rules). Both score low, as Presidio's does, unless a context word comes before.

import { isDigit, isWordChar, numberEndsCleanly, numberStartsCleanly } from '../char-classes.js';
import { boostForContext, hasContextBefore } from '../context-words.js';
import type { Found, Recognizer } from './recognizer.js';

const SCORE_FORMATTED = 0.4;
/** Ten bare digits are as often an order or account number as a phone number. */
const SCORE_BARE = 0.3;
const SCORE_INTERNATIONAL = 0.4;
/** E.164: at most 15 digits; fewer than 8 is too short to be told from other numbers. */
const MIN_E164_DIGITS = 8;
const MAX_E164_DIGITS = 15;

const CONTEXT = new Set([
  'phone', 'telephone', 'tel', 'cell', 'cellphone', 'mobile', 'call', 'number', 'fax', 'contact',
  'whatsapp', 'sms',
]);

const NANP =
  /(?<![0-9A-Za-z_+])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-]?)\d{3}[ .-]?\d{4}(?![0-9A-Za-z_])/g;

function digitsOf(value: string): string {
  let digits = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (isDigit(c)) digits += value[i];
  }
  return digits;
}

function scoreWithContext(text: string, start: number, base: number): number {
  return hasContextBefore(text, start, CONTEXT) ? boostForContext(base) : base;
}

function scanNanp(text: string, out: Found[]): void {
  NANP.lastIndex = 0;
  for (let m = NANP.exec(text); m !== null; m = NANP.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (!numberStartsCleanly(text, start) || !numberEndsCleanly(text, end)) continue;
    const digits = digitsOf(m[0]);
    const national = digits.length === 11 ? digits.slice(1) : digits;
    // Area codes and exchanges never start with 0 or 1.
    if (national.charCodeAt(0) < 50 || national.charCodeAt(3) < 50) continue;
    const bare = digits.length === m[0].length;
    out.push({ type: 'PHONE_NUMBER', start, end, score: scoreWithContext(text, start, bare ? SCORE_BARE : SCORE_FORMATTED) });
  }
}

/** Numbers such as "+44 20 7946 0958" or "+41 (0)69 979 80 58": a country code 2-9 (1 is NANP's)
 * and digit groups split by single spaces, dots or dashes, or put in parentheses. */
function scanInternational(text: string, out: Found[]): void {
  const n = text.length;
  let from = 0;
  for (;;) {
    const plus = text.indexOf('+', from);
    if (plus < 0) return;
    from = plus + 1;
    if (plus + 1 >= n) return;
    const first = text.charCodeAt(plus + 1);
    if (first < 50 || first > 57) continue;
    if (plus > 0 && isWordChar(text.charCodeAt(plus - 1))) continue;
    let digits = 0;
    let i = plus + 1;
    let end = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (isDigit(c)) {
        digits++;
        i++;
        end = i;
      } else if ((c === 32 || c === 45 || c === 46 || c === 40) && i + 1 < n && isDigit(text.charCodeAt(i + 1))) {
        i++;
      } else if (c === 32 && text.charCodeAt(i + 1) === 40 && isDigit(text.charCodeAt(i + 2))) {
        i += 2;
      } else if (c === 41 && isDigit(text.charCodeAt(i - 1)) && i + 1 < n) {
        const next = text.charCodeAt(i + 1);
        if (isDigit(next)) i++;
        else if (next === 32 && isDigit(text.charCodeAt(i + 2))) i += 2;
        else break;
      } else {
        break;
      }
    }
    from = end;
    if (digits < MIN_E164_DIGITS || digits > MAX_E164_DIGITS || !numberEndsCleanly(text, end)) continue;
    out.push({ type: 'PHONE_NUMBER', start: plus, end, score: scoreWithContext(text, plus, SCORE_INTERNATIONAL) });
  }
}

export const phoneNumberRecognizer: Recognizer = {
  types: ['PHONE_NUMBER'],
  applies: (profile) => profile.digitPair,
  scan(text, out) {
    scanNanp(text, out);
    if (text.indexOf('+') >= 0) scanInternational(text, out);
  },
};
