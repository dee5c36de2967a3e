// VIN: 17 characters without I, O or Q. The North American check digit (position 9) confirms one
// outright, and a North American VIN (first character 1-5) that fails it is no VIN; one from
// elsewhere, where the check digit is optional, needs a context word such as "VIN" or "vehicle".

import { forEachAfterCue } from '../context-words.js';
import { vinValid } from '../validators.js';
import { SCORE_WITH_CONTEXT } from './context-gated.js';
import type { Found, Recognizer } from './recognizer.js';

const VIN = /\b[A-HJ-NPR-Z0-9]{17}\b/g;
const HAS_LETTER = /[A-Z]/;
const HAS_DIGITS = /\d.*\d.*\d/;
const SCORE_VALIDATED = 1;

/** Serial numbers of 17 digits only, or of letters only, are not VINs. */
function vinShaped(value: string): boolean {
  return HAS_LETTER.test(value) && HAS_DIGITS.test(value);
}

/** World manufacturer identifiers 1-5 are North America, where the check digit is mandatory. */
function isNorthAmerican(vin: string): boolean {
  const c = vin.charCodeAt(0);
  return c >= 49 && c <= 53;
}

export const vinRecognizer: Recognizer = {
  types: ['VIN'],
  applies: (profile) => profile.upperDigit,
  scan(text, out, profile) {
    const seen = new Set<number>();
    VIN.lastIndex = 0;
    // A match is a whole run of 17 word characters; without such a run there is nothing to read.
    for (let m = profile.longWord ? VIN.exec(text) : null; m !== null; m = VIN.exec(text)) {
      if (vinShaped(m[0]) && vinValid(m[0])) {
        out.push({ type: 'VIN', start: m.index, end: m.index + 17, score: SCORE_VALIDATED });
        seen.add(m.index);
      }
    }
    forEachAfterCue(profile, 'vin', VIN, 17, (m, start, end) => {
      if (seen.has(start) || !vinShaped(m[0]) || isNorthAmerican(m[0])) return;
      const found: Found = { type: 'VIN', start, end, score: SCORE_WITH_CONTEXT };
      out.push(found);
    });
  },
};
