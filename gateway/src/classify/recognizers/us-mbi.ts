// US_MBI: the Medicare Beneficiary Identifier (CMS layout C A AN N A AN N A A N N, never the
// letters S, L, O, I, B or Z). It has no check digit, so scores stay Presidio's (0.3 plain, 0.5
// dashed) unless "Medicare" or "MBI" comes shortly before.

import { boostForContext } from '../context-words.js';
import type { TextProfile } from '../text-profile.js';
import type { Recognizer } from './recognizer.js';

const SCORE_PLAIN = 0.3;
const SCORE_DASHED = 0.5;
const CONTEXT_REACH = 48;
const L = '[AC-HJKMNP-RT-Y]';
const AN = '[AC-HJKMNP-RT-Y0-9]';
const MBI = new RegExp(`(?<![0-9A-Za-z_-])[1-9]${L}${AN}\\d(-?)${L}${AN}\\d\\1${L}{2}\\d{2}(?![0-9A-Za-z_]|-[0-9A-Za-z])`, 'g');

function hasCueBefore(profile: TextProfile, start: number): boolean {
  return profile.cueBefore('medicare', start, CONTEXT_REACH);
}

export const usMbiRecognizer: Recognizer = {
  types: ['US_MBI'],
  applies: (profile) => profile.upperDigit,
  scan(text, out, profile) {
    MBI.lastIndex = 0;
    for (let m = MBI.exec(text); m !== null; m = MBI.exec(text)) {
      const base = m[1] === '-' ? SCORE_DASHED : SCORE_PLAIN;
      out.push({ type: 'US_MBI', start: m.index, end: m.index + m[0].length, score: hasCueBefore(profile, m.index) ? boostForContext(base) : base });
    }
  },
};
