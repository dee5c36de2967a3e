// US_PASSPORT, US_DRIVER_LICENSE and CA_SIN: document numbers read only after their context words
// ("passport", "driver's license", "SIN"); a SIN must also pass Luhn.

import { isOneRepeatedChar, luhnValid } from '../validators.js';
import { digitCount, gatedRecognizer } from './context-gated.js';

export const identityDocumentRecognizer = gatedRecognizer(
  [
    {
      // Nine digits, or a letter and eight digits (next-generation passport books).
      type: 'US_PASSPORT',
      group: 'passport',
      pattern: /\b(?:[A-Z]\d{8}|\d{9})\b/g,
      maxValue: 9,
      numeric: true,
      accept: (v) => !isOneRepeatedChar(v),
    },
    {
      // The shapes of the states' formats: one or two letters and 4-14 digits, 6-13 digits, and
      // the dashed forms of some states (for example 1234-56-7890, A123-4567-8901).
      type: 'US_DRIVER_LICENSE',
      group: 'driver',
      pattern:
        /\b(?:[A-Z]{1,2}[- ]?\d{4,14}|\d{4}-\d{2}-\d{4}|\d{3}-\d{3}-\d{3}|[A-Z]\d{3}-\d{3,4}-\d{2,4}(?:-\d{1,3})?|\d{6,13}|[A-Z]\d{2}-\d{2}-\d{4})\b/g,
      maxValue: 20,
      numeric: true,
      accept: (v) => digitCount(v) >= 5 && !isOneRepeatedChar(v.replace(/[- ]/g, '')),
    },
    {
      // Social Insurance Number: nine digits, 3-3-3; no province uses a first digit 0 or 8.
      type: 'CA_SIN',
      group: 'sin',
      pattern: /\b[1-79]\d{2}([ -]?)\d{3}\1\d{3}\b/g,
      maxValue: 11,
      numeric: true,
      validate: (v) => !isOneRepeatedChar(v) && luhnValid(v),
    },
  ],
  (profile) => profile.digitRun,
);
