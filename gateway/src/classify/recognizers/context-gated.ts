// Recognizers for values whose shape alone says too little (nine bare digits may be a passport, an
// account or nothing): they look only in the few words after a context word of their group, and a
// check digit, where the type has one, settles the rest.

import { isDigit, numberEndsCleanly, numberStartsCleanly } from '../char-classes.js';
import type { CueGroup } from '../context-cues.js';
import { forEachAfterCue } from '../context-words.js';
import { alphanumericOnly } from '../validators.js';
import type { Found, Recognizer } from './recognizer.js';

/**
 * A weak pattern (Presidio: 0.05-0.3) lifted by its context word (+0.35). These types are only
 * reported with context, so they start from the lifted score: enough to raise their label.
 */
export const SCORE_WITH_CONTEXT = 0.6;
const SCORE_VALIDATED = 1;

export interface GatedType {
  readonly type: string;
  readonly group: CueGroup;
  /** Global; may use a lookbehind for what precedes the value. */
  readonly pattern: RegExp;
  /** Longest value the pattern can match, in characters. */
  readonly maxValue: number;
  /** Check digit over the value's letters and digits: pass -> 1.0, fail -> dropped. */
  readonly validate?: (value: string) => boolean;
  /** Other tests on the value (minimum digit count, first digit); false drops it. */
  readonly accept?: (value: string) => boolean;
  readonly score?: number;
  /** The capture group that is the value, when the pattern also matches words before it; it must end the match. */
  readonly valueGroup?: number;
  /** Numbers must not be the middle of a longer number ("1.536227788", "12-536227788"). */
  readonly numeric?: boolean;
}

export function digitCount(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) if (isDigit(value.charCodeAt(i))) n++;
  return n;
}

export function gatedRecognizer(types: readonly GatedType[], applies: Recognizer['applies']): Recognizer {
  return {
    types: types.map((t) => t.type),
    applies,
    scan(text, out, profile) {
      for (const t of types) {
        forEachAfterCue(profile, t.group, t.pattern, t.maxValue, (m, matchStart, end) => {
          const value = t.valueGroup === undefined ? m[0] : (m[t.valueGroup] ?? '');
          const start = t.valueGroup === undefined ? matchStart : end - value.length;
          if (value.length === 0) return;
          if (t.numeric && (!numberStartsCleanly(text, start) || !numberEndsCleanly(text, end))) return;
          if (t.accept && !t.accept(value)) return;
          let score = t.score ?? SCORE_WITH_CONTEXT;
          if (t.validate) {
            if (!t.validate(alphanumericOnly(value))) return;
            score = SCORE_VALIDATED;
          }
          const found: Found = { type: t.type, start, end, score, preferred: true };
          out.push(found);
        });
      }
    },
  };
}
