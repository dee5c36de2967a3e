// US_BANK_NUMBER and ABA_ROUTING_NUMBER: account and routing numbers, read only after words such
// as "account" or "routing"; routing numbers must also pass the ABA 3-7-1 checksum.

import { abaRoutingValid, isOneRepeatedChar } from '../validators.js';
import { gatedRecognizer } from './context-gated.js';

export const financialIdRecognizer = gatedRecognizer(
  [
    {
      // Presidio's \b[0-9]{8,17}\b, US account numbers.
      type: 'US_BANK_NUMBER',
      group: 'bank',
      pattern: /\b\d{8,17}\b/g,
      maxValue: 17,
      numeric: true,
      accept: (v) => !isOneRepeatedChar(v),
    },
    {
      // Federal Reserve routing symbols start 00-12, 21-32, 61-72 or 80.
      type: 'ABA_ROUTING_NUMBER',
      group: 'routing',
      pattern: /\b(?:[0123678]\d{8}|[0123678]\d{3}-\d{4}-\d)\b/g,
      maxValue: 11,
      numeric: true,
      validate: abaRoutingValid,
    },
  ],
  (profile) => profile.digitRun,
);
