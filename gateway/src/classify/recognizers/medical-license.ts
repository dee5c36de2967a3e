// MEDICAL_LICENSE: US DEA registration numbers (Presidio's type for them): a registrant-type
// letter, the registrant's initial or 9, and seven digits whose last is a check digit.

import { deaValid } from '../validators.js';
import type { Recognizer } from './recognizer.js';

const SCORE_VALIDATED = 1;
/** Registrant types as Presidio lists them (A-D, E-H, J-M, P-U and X). */
const DEA = /\b[ABCDEFGHJKLMPRSTUX][A-Z9]\d{7}\b/g;

export const medicalLicenseRecognizer: Recognizer = {
  types: ['MEDICAL_LICENSE'],
  applies: (profile) => profile.upperDigit,
  scan(text, out) {
    DEA.lastIndex = 0;
    for (let m = DEA.exec(text); m !== null; m = DEA.exec(text)) {
      if (deaValid(m[0])) out.push({ type: 'MEDICAL_LICENSE', start: m.index, end: m.index + 9, score: SCORE_VALIDATED });
    }
  },
};
