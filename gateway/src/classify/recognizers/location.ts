// LOCATION (best effort, low scores): countries, US states and large cities from a list, written
// capitalised; a little higher after "in", "from", "at", "near" or "to".

import { PLACES } from './gazetteers.js';
import type { Recognizer } from './recognizer.js';

const SCORE = 0.4;
const SCORE_AFTER_PREPOSITION = 0.5;

const PLACE = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${[...new Set(PLACES)].sort((a, b) => b.length - a.length).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?![\\p{L}\\p{N}])`,
  'gu',
);
const PREPOSITION_BEFORE = /\b(?:in|from|at|near|to|of|visit|visited|lives in|based in)\s$/;

export const locationRecognizer: Recognizer = {
  types: ['LOCATION'],
  applies: () => true,
  scan(text, out) {
    PLACE.lastIndex = 0;
    for (let m = PLACE.exec(text); m !== null; m = PLACE.exec(text)) {
      const before = text.slice(Math.max(0, m.index - 12), m.index);
      const score = PREPOSITION_BEFORE.test(before) ? SCORE_AFTER_PREPOSITION : SCORE;
      out.push({ type: 'LOCATION', start: m.index, end: m.index + m[0].length, score });
    }
  },
};
