// IBAN_CODE: a country code, two check digits and the account (BBAN), written whole or in groups;
// the length must be the one the IBAN registry (ISO 13616) gives that country, and the ISO 7064
// mod-97 check must pass (Presidio: pass -> 1.0, fail -> dropped).

import { isAsciiLetter, isDigit } from '../char-classes.js';
import { mod97Valid } from '../validators.js';
import type { Recognizer } from './recognizer.js';

const SCORE_VALIDATED = 1;

/** IBAN length per country, from the SWIFT IBAN registry. */
const IBAN_LENGTH: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22,
  IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31,
  SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

/** Where an IBAN may start: two letters and two digits not glued to a word before them. */
const START = /\b[A-Za-z]{2}\d{2}(?=[ -]?[A-Za-z0-9])/g;

function isAlnum(c: number): boolean {
  return isDigit(c) || isAsciiLetter(c);
}

/** End of the IBAN of `length` characters starting at `start`, allowing one space or dash between
 * characters; -1 when the text runs out, a separator doubles, or letters and digits go on after it. */
function ibanEnd(text: string, start: number, length: number): { end: number; compact: string } | null {
  let compact = '';
  let i = start;
  while (i < text.length && compact.length < length) {
    const c = text.charCodeAt(i);
    if (isAlnum(c)) {
      compact += text[i];
      i++;
    } else if ((c === 32 || c === 45) && compact.length > 0 && i + 1 < text.length && isAlnum(text.charCodeAt(i + 1))) {
      i++;
    } else {
      return null;
    }
  }
  if (compact.length !== length) return null;
  if (i < text.length && isAlnum(text.charCodeAt(i))) return null;
  return { end: i, compact };
}

export const ibanRecognizer: Recognizer = {
  types: ['IBAN_CODE'],
  applies: (profile) => profile.digitPair,
  scan(text, out) {
    START.lastIndex = 0;
    for (let m = START.exec(text); m !== null; m = START.exec(text)) {
      const length = IBAN_LENGTH[m[0].slice(0, 2).toUpperCase()];
      if (length === undefined) continue;
      const iban = ibanEnd(text, m.index, length);
      if (iban === null || !mod97Valid(iban.compact)) continue;
      // One case throughout: "GB82WEST…" or "gb82west…", not a mix that reads like words.
      const upper = iban.compact.toUpperCase();
      if (iban.compact !== upper && iban.compact !== iban.compact.toLowerCase()) continue;
      out.push({ type: 'IBAN_CODE', start: m.index, end: iban.end, score: SCORE_VALIDATED });
      START.lastIndex = iban.end;
    }
  },
};
