// AGE: a stated age ("72 years old", "a 45-year-old", "aged 93", "age: 61"). Ages alone are not
// Safe Harbor identifiers, but ages over 89 are (45 CFR 164.514(b)(2)(i)(C)), so those take part
// in the PHI rule as identifiers.

import type { Recognizer } from './recognizer.js';

const SCORE = 0.6;
const MAX_AGE = 125;
/** Ages above this are Safe Harbor identifiers. */
const SAFE_HARBOR_MAX_AGE = 89;

const AGE_BEFORE = /(?<![0-9A-Za-z_.,-])(\d{1,3})(?:(?:[ -]?(?:years?|yrs?)[ -]?old)|(?:[ -]year[ -]old)|(?: ?y\/o)|(?: ?yo(?![A-Za-z])))/g;
const AGE_AFTER = /\b(?:[Aa]ged\s|[Aa]ge(?: ?[:=] ?| is | of |\s))(\d{1,3})(?![0-9A-Za-z_]|[.,]\d)/g;

export const ageRecognizer: Recognizer = {
  types: ['AGE'],
  applies: (profile) => profile.digit,
  scan(text, out, profile) {
    const lower = profile.lower;
    // Each form needs its word: "old" (or y/o, yo) after the number, "age" before it.
    const patterns: RegExp[] = [];
    if (lower.indexOf('old') >= 0 || lower.indexOf('y/o') >= 0 || lower.indexOf('yo') >= 0) patterns.push(AGE_BEFORE);
    if (lower.indexOf('age') >= 0) patterns.push(AGE_AFTER);
    for (const pattern of patterns) {
      pattern.lastIndex = 0;
      for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
        const value = m[1] ?? '';
        const age = Number(value);
        if (age > MAX_AGE) continue;
        const start = pattern === AGE_BEFORE ? m.index : m.index + m[0].length - value.length;
        out.push({ type: 'AGE', start, end: start + value.length, score: SCORE, ...(age > SAFE_HARBOR_MAX_AGE ? { phi: 'identifier' as const } : {}) });
      }
    }
  },
};
