// STREET_ADDRESS (best effort): a house number and capitalised words ending in a street type
// ("221B Baker Street", "1600 Pennsylvania Ave NW, Suite 200"), a German-style street name and
// number ("Hauptstraße 12"), or a post-office box.

import type { Recognizer } from './recognizer.js';

const SCORE = 0.5;
/** Street types written out, and abbreviated (which may carry a full stop). */
const STREET_TYPES =
  'Street|Avenue|Road|Boulevard|Lane|Drive|Court|Way|Place|Terrace|Circle|Highway|Parkway|Square|Trail|Crescent|Close|Alley|Row|Plaza|Pike|Grove|Gardens|Mews|(?:St|Ave|Rd|Blvd|Ln|Dr|Ct|Pl|Ter|Cir|Hwy|Pkwy|Sq|Trl)\\.?';
/** Latin-1 and Latin Extended-A letters spelled out, so the scans need not run in Unicode mode. */
const LETTER = "A-Za-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u017F";
const UPPER = 'A-Z\\u00C0-\\u00D6\\u00D8-\\u00DE\\u0100-\\u017F';
const US_STYLE = new RegExp(
  `\\b\\d{1,6}[A-Za-z]?\\s(?:[${UPPER}][${LETTER}'’.-]*\\s){1,4}(?:${STREET_TYPES})(?:\\s(?:N|S|E|W|NE|NW|SE|SW)\\b)?(?:,?\\s(?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|#)\\.?\\s?#?[A-Za-z0-9-]{1,6})?(?![${LETTER}0-9])`,
  'g',
);
const EUROPEAN_STYLE = new RegExp(`(?<![${LETTER}0-9])[${UPPER}][${LETTER}]+(?:straße|strasse|gasse|weg|platz|allee|ring|damm|str\\.)\\s\\d{1,4}[a-z]?(?![${LETTER}0-9])`, 'g');
const PO_BOX = /\b(?:P\.?\s?O\.?\s?Box|PO Box|Post Office Box|PSC)\s\d{1,6}(?:,\sBox\s\d{1,6})?\b/gi;

export const streetAddressRecognizer: Recognizer = {
  types: ['STREET_ADDRESS'],
  applies: (profile) => profile.digit,
  scan(text, out, profile) {
    const lower = profile.lower;
    // The post-office form needs "box" or "psc"; the others a capitalised word after a number.
    const patterns = lower.indexOf('box') >= 0 || lower.indexOf('psc') >= 0 ? [US_STYLE, EUROPEAN_STYLE, PO_BOX] : [US_STYLE, EUROPEAN_STYLE];
    for (const pattern of patterns) {
      pattern.lastIndex = 0;
      for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
        out.push({ type: 'STREET_ADDRESS', start: m.index, end: m.index + m[0].length, score: SCORE });
      }
    }
  },
};
