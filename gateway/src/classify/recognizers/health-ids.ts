// Health-care identifiers read after their context words: MEDICAL_RECORD_NUMBER and
// HEALTH_PLAN_NUMBER (no standard format; a code with at least four digits right after "MRN",
// "member ID" and the like), US_NPI (Luhn over 80840 + number) and UK_NHS (mod 11).

import { ukNhsValid, usNpiValid } from '../validators.js';
import { digitCount, gatedRecognizer } from './context-gated.js';

/** Optional "number", "no", "#", ":" or "is" between the context word and the code. */
const LEAD = '(?:(?:number|num|no\\.?|nbr|id)\\s*)?(?:[:#=]|\\bis\\b)?\\s*';
/** A code of 5-20 letters, digits and dashes that starts and ends with a letter or digit. */
const CODE = '[A-Za-z0-9](?:[A-Za-z0-9-]{3,18})[A-Za-z0-9]';

function codeAfterCue(): RegExp {
  return new RegExp(`(?<![0-9A-Za-z_])${LEAD}(${CODE})(?![0-9A-Za-z_-])`, 'gi');
}

const MIN_CODE_DIGITS = 4;

export const healthIdRecognizer = gatedRecognizer(
  [
    { type: 'MEDICAL_RECORD_NUMBER', group: 'mrn', pattern: codeAfterCue(), maxValue: 40, valueGroup: 1, accept: (v) => digitCount(v) >= MIN_CODE_DIGITS },
    { type: 'HEALTH_PLAN_NUMBER', group: 'healthPlan', pattern: codeAfterCue(), maxValue: 40, valueGroup: 1, accept: (v) => digitCount(v) >= MIN_CODE_DIGITS },
    {
      type: 'US_NPI',
      group: 'npi',
      pattern: /\b[12]\d{9}\b/g,
      maxValue: 10,
      numeric: true,
      validate: usNpiValid,
    },
    {
      type: 'UK_NHS',
      group: 'nhs',
      pattern: /\b\d{3}([ -]?)\d{3}\1\d{4}\b/g,
      maxValue: 12,
      numeric: true,
      validate: ukNhsValid,
    },
  ],
  (profile) => profile.digitRun,
);
