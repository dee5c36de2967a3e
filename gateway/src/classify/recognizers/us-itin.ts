// US_ITIN: Individual Taxpayer Identification Numbers, 9XX-XX-XXXX with the fourth and fifth digits
// in the IRS ranges 50-65, 70-88, 90-92 and 94-99. Scored like SSNs, raised by "ITIN" or "taxpayer".

import { numberEndsCleanly, numberStartsCleanly } from '../char-classes.js';
import { boostForContext } from '../context-words.js';
import type { TextProfile } from '../text-profile.js';
import type { Recognizer } from './recognizer.js';

const SCORE_DELIMITED = 0.5;
const SCORE_BARE = 0.05;
const ITIN = /\b9\d{2}([- ]?)(5\d|6[0-5]|7\d|8[0-8]|9[0-2]|9[4-9])\1\d{4}\b/g;
/** A context word within this many characters before the number. */
const CONTEXT_REACH = 48;

function hasCueBefore(profile: TextProfile, start: number): boolean {
  return profile.cueBefore('itin', start, CONTEXT_REACH);
}

export const usItinRecognizer: Recognizer = {
  types: ['US_ITIN'],
  applies: (profile) => profile.digitPair,
  scan(text, out, profile) {
    ITIN.lastIndex = 0;
    for (let m = ITIN.exec(text); m !== null; m = ITIN.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (!numberStartsCleanly(text, start) || !numberEndsCleanly(text, end)) continue;
      const base = m[1] === '' ? SCORE_BARE : SCORE_DELIMITED;
      out.push({ type: 'US_ITIN', start, end, score: hasCueBefore(profile, start) ? boostForContext(base) : base });
    }
  },
};
