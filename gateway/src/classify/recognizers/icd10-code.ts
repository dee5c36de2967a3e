// ICD10_CODE: diagnosis codes (ICD-10-CM: a letter, two characters, a dot and up to four more).
// They are health information, not identifiers. The dotted form is found anywhere and raised by
// "ICD", "diagnosis" and the like; the short undotted form ("E11") only right after such a word.

import { boostForContext, forEachAfterCue } from '../context-words.js';
import type { TextProfile } from '../text-profile.js';
import type { Recognizer } from './recognizer.js';

/** Dotted codes also name rooms, figures and parts ("B12.3"); a diagnosis word lifts them to 0.65. */
const SCORE_DOTTED = 0.3;
const SCORE_UNDOTTED_WITH_CONTEXT = 0.6;
const CONTEXT_REACH = 48;
/** U is reserved except U07 (COVID-19 codes), hence [A-TV-Z] and the U07 branch. */
const DOTTED = /(?<![0-9A-Za-z_.])(?:[A-TV-Z]\d[0-9AB]|U07)\.[0-9A-KXZ](?:[0-9A-Z]{0,3})(?![0-9A-Za-z_]|\.\d)/g;
const UNDOTTED = /(?<![0-9A-Za-z_.])(?:[A-TV-Z]\d[0-9AB]|U07)(?:\.?[0-9A-KXZ][0-9A-Z]{0,3})?(?![0-9A-Za-z_]|\.\d)/g;

function hasCueBefore(profile: TextProfile, start: number): boolean {
  return profile.cueBefore('icd', start, CONTEXT_REACH);
}

export const icd10Recognizer: Recognizer = {
  types: ['ICD10_CODE'],
  applies: (profile) => profile.upperDigit,
  scan(text, out, profile) {
    const seen = new Set<number>();
    if (profile.dot) {
      DOTTED.lastIndex = 0;
      for (let m = DOTTED.exec(text); m !== null; m = DOTTED.exec(text)) {
        seen.add(m.index);
        const score = hasCueBefore(profile, m.index) ? boostForContext(SCORE_DOTTED) : SCORE_DOTTED;
        out.push({ type: 'ICD10_CODE', start: m.index, end: m.index + m[0].length, score });
      }
    }
    forEachAfterCue(profile, 'icd', UNDOTTED, 8, (_m, start, end) => {
      if (!seen.has(start)) out.push({ type: 'ICD10_CODE', start, end, score: SCORE_UNDOTTED_WITH_CONTEXT });
    });
  },
};
