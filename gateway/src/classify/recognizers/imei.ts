// IMEI: a phone's 15-digit device identity (2-6-6-1 when grouped), read only after "IMEI",
// "serial" or "device ID" and confirmed by Luhn, since a bare 15-digit number may be anything.

import { isOneRepeatedChar, luhnValid } from '../validators.js';
import { gatedRecognizer } from './context-gated.js';

export const imeiRecognizer = gatedRecognizer(
  [
    {
      type: 'IMEI',
      group: 'imei',
      pattern: /\b\d{2}([ -]?)\d{6}\1\d{6}\1\d\b/g,
      maxValue: 18,
      numeric: true,
      validate: (v) => !isOneRepeatedChar(v) && luhnValid(v),
    },
  ],
  (profile) => profile.digitRun,
);
