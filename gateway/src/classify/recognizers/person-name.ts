// PERSON (best effort, low scores): no name model ships in-process, so names are found from cues
// a reader would use too: a title ("Dr. Ada Lovelace"), a phrase ("my name is", "Patient:"), or
// a known given name followed by a capitalised surname ("Maria Keller").

import { GIVEN_NAMES } from './gazetteers.js';
import type { Found, Recognizer } from './recognizer.js';

const SCORE_TITLE = 0.6;
const SCORE_PHRASE = 0.6;
const SCORE_GIVEN_AND_SURNAME = 0.45;

/**
 * Capital and small letters of Latin-1 and Latin Extended-A, spelled out: a \\p{Lu} pattern needs
 * the engine's Unicode mode, which runs these scans several times slower. Extended-A alternates
 * capital and small letters, so both classes hold the whole block.
 */
const UPPER = 'A-Z\\u00C0-\\u00D6\\u00D8-\\u00DE\\u0100-\\u017F';
const LOWER = "a-z\\u00DF-\\u00F6\\u00F8-\\u00FF\\u0100-\\u017F'’";
const NAME = `[${UPPER}][${LOWER}]+(?:-[${UPPER}][${LOWER}]+)?`;
const FULL_NAME = `${NAME}(?:\\s(?:[${UPPER}]\\.\\s)?${NAME}){0,2}`;
const TITLE = new RegExp(`\\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Madam|Mme|Mlle|Herr|Frau|Sr|Sra)\\.?\\s(${FULL_NAME})`, 'g');
const PHRASE = new RegExp(
  `\\b(?:[Mm]y name is|[Nn]ame\\s?:|[Pp]atient(?: name)?\\s?:|[Ff]ull name\\s?:|[Nn]amed|[Cc]alled|[Ss]igned,?|[Rr]egards,|[Ss]incerely,)\\s{1,3}(${FULL_NAME})`,
  'g',
);
/** Given names in the list start with an ASCII capital, so the pair can start at a word boundary. */
const CAPITALISED_PAIR = new RegExp(`\\b([A-Z][${LOWER}]+)\\s(?:[${UPPER}]\\.\\s)?(${NAME})(?![${UPPER}${LOWER}0-9])`, 'g');

const GIVEN = new Set(GIVEN_NAMES);
/** Capitalised words that follow given names without being surnames ("Paul Street", "Jack Daniels" aside). */
const NOT_SURNAMES = new Set([
  'Street', 'Road', 'Avenue', 'Lane', 'Drive', 'Court', 'Square', 'Park', 'Hospital', 'Clinic', 'University',
  'College', 'School', 'Church', 'Bank', 'Hotel', 'Airport', 'Station', 'Inc', 'Ltd', 'Corp', 'Group', 'Foundation',
  'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday', 'January', 'February', 'March',
  'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December', 'The', 'And', 'Or',
]);
/** Words a title or phrase cue may be followed by that are not names ("Dr. Who", "named Entity"). */
const NOT_NAMES = new Set(['The', 'A', 'An', 'This', 'That', 'It', 'My', 'Your', 'Our', 'His', 'Her', 'Their', 'Not', 'No']);

function push(out: Found[], start: number, end: number, score: number): void {
  out.push({ type: 'PERSON', start, end, score });
}

export const personNameRecognizer: Recognizer = {
  types: ['PERSON'],
  applies: () => true,
  scan(text, out) {
    for (const [pattern, score] of [[TITLE, SCORE_TITLE], [PHRASE, SCORE_PHRASE]] as const) {
      pattern.lastIndex = 0;
      for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
        const name = m[1] ?? '';
        const first = name.split(/\s/, 1)[0] ?? '';
        if (NOT_NAMES.has(first)) continue;
        const end = m.index + m[0].length;
        push(out, end - name.length, end, score);
      }
    }
    CAPITALISED_PAIR.lastIndex = 0;
    for (let m = CAPITALISED_PAIR.exec(text); m !== null; m = CAPITALISED_PAIR.exec(text)) {
      const given = m[1] ?? '';
      if (!GIVEN.has(given)) {
        // The surname of this pair may be the given name of the next ("Ms Lee Anna Smith").
        CAPITALISED_PAIR.lastIndex = m.index + given.length + 1;
        continue;
      }
      if (NOT_SURNAMES.has(m[2] ?? '')) continue;
      push(out, m.index, m.index + m[0].length, SCORE_GIVEN_AND_SURNAME);
    }
  },
};
