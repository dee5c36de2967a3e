// US_SSN: 3-2-4 digits with one delimiter used throughout, or 9 bare digits, checked against the
// SSA's rules for numbers that are never issued.

import { numberEndsCleanly, numberStartsCleanly } from '../char-classes.js';
import { boostForContext, hasContextBefore } from '../context-words.js';
import { isOneRepeatedChar } from '../validators.js';
import type { Found, Recognizer } from './recognizer.js';

/** Presidio's scores: "medium" for the delimited form, "very weak" for nine bare digits. */
const SCORE_DELIMITED = 0.5;
const SCORE_BARE = 0.05;

const CONTEXT = new Set(['social', 'security', 'ssn', 'ssns', 'ssid']);

/** The backreference makes "123-45 6789" (mixed delimiters) fail to match at all. */
const SSN = /\b\d{3}([- .]?)\d{2}\1\d{4}\b/g;

/** Numbers published as examples (Woolworth's wallet card, SSA advertising) and never valid. */
const KNOWN_SAMPLES = new Set(['078051120', '219099999', '123456789']);

/** SSA rules: no area 000, 666 or 900-999; no group 00; no serial 0000; no single repeated digit. */
export function isPossibleSsn(digits: string): boolean {
  if (digits.length !== 9) return false;
  if (isOneRepeatedChar(digits)) return false;
  const area = digits.slice(0, 3);
  if (area === '000' || area === '666' || digits.charCodeAt(0) === 57) return false;
  if (digits.slice(3, 5) === '00' || digits.slice(5) === '0000') return false;
  return !KNOWN_SAMPLES.has(digits);
}

function scan(text: string, out: Found[]): void {
  SSN.lastIndex = 0;
  for (let m = SSN.exec(text); m !== null; m = SSN.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (!numberStartsCleanly(text, start) || !numberEndsCleanly(text, end)) continue;
    const delimiter = m[1] ?? '';
    const digits = delimiter === '' ? m[0] : m[0].split(delimiter).join('');
    if (!isPossibleSsn(digits)) continue;
    const base = delimiter === '' ? SCORE_BARE : SCORE_DELIMITED;
    const score = hasContextBefore(text, start, CONTEXT) ? boostForContext(base) : base;
    out.push({ type: 'US_SSN', start, end, score });
  }
}

export const usSsnRecognizer: Recognizer = {
  types: ['US_SSN'],
  applies: (profile) => profile.digitPair,
  scan,
};
