// ZIP_CODE: US ZIP and ZIP+4 codes after "ZIP" or "postal code", or after a state's two-letter
// code as in a written address ("Springfield, IL 62704").

import { forEachAfterCue } from '../context-words.js';
import { SCORE_WITH_CONTEXT } from './context-gated.js';
import type { Recognizer } from './recognizer.js';

const SCORE_AFTER_STATE = 0.5;
const ZIP = /\b\d{5}(?:-\d{4})?(?![0-9A-Za-z_]|-\d)/g;
const STATES =
  'AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|PR|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY';
/** Two capitals not preceded by a letter that spell a state: checked after reading them (same
 * matches, found faster than by a pattern that opens with a lookbehind). */
const AFTER_STATE = new RegExp(`[A-Z](?<![A-Za-z][A-Z])[A-Z](?<=(?:${STATES})),? (\\d{5}(?:-\\d{4})?)(?![0-9A-Za-z_]|-\\d)`, 'g');

export const zipCodeRecognizer: Recognizer = {
  types: ['ZIP_CODE'],
  applies: (profile) => profile.digitRun,
  scan(text, out, profile) {
    forEachAfterCue(profile, 'zip', ZIP, 10, (_m, start, end) => {
      out.push({ type: 'ZIP_CODE', start, end, score: SCORE_WITH_CONTEXT });
    });
    AFTER_STATE.lastIndex = 0;
    for (let m = AFTER_STATE.exec(text); m !== null; m = AFTER_STATE.exec(text)) {
      const zip = m[1] ?? '';
      const end = m.index + m[0].length;
      out.push({ type: 'ZIP_CODE', start: end - zip.length, end, score: SCORE_AFTER_STATE });
    }
  },
};
