// PASSWORD: a value given right after "password", "passwd", "pwd" and the like ("password:
// hunter2", "DB_PASSWORD=…"), and the password part of credentials in a URL
// ("postgres://app:s3cret@db"). Placeholders ("<password>", "${DB_PASSWORD}", "****") are not passwords.

import { forEachAfterCue } from '../context-words.js';
import type { Recognizer } from './recognizer.js';

const SCORE_ASSIGNED = 0.7;
const SCORE_IN_URL = 0.8;

/** The separator and the value, optionally quoted: `: x`, `= x`, ` is x`, `=> "x"`. */
/** Sticky: the separator must follow the word directly. */
const ASSIGNED = /\s{0,3}(?:[:=]|:=|=>|\bis\b|\bwas\b)\s{0,3}["'`]?([^\s"'`<>]{4,128})/y;
/** What follows "://" in a URL with credentials: user, ":", password, "@" and the host. Sticky. */
const URL_CREDENTIALS = /[^\s:/@]{1,64}:([^\s:/@]{3,128})@[A-Za-z0-9[]/y;
const PLACEHOLDER = /^(?:[*•x.#_-]+|<.*>|\[.*\]|\(.*\)|\{.*\}|\$\{?.*\}?|%.*%|\{\{.*\}\}|pass(?:word)?|your[_-]?pass(?:word)?|redacted|null|none|undefined|required|optional|true|false|example|placeholder|changeit|\.\.\.)$/i;
/** Sentence words after "password is" ("required", "incorrect") are lower-case letters only;
 * real passwords almost always mix in a digit, a capital or a symbol. */
const LOWER_WORD = /^[a-z]+[.,;!?]?$/;

export const passwordRecognizer: Recognizer = {
  types: ['PASSWORD'],
  // Cheaper than the shared context-word pass, which prose without numbers may never need.
  applies: (profile) => profile.lower.indexOf('pass') >= 0 || profile.lower.indexOf('pwd') >= 0 || profile.text.indexOf('://') >= 0,
  scan(text, out, profile) {
    forEachAfterCue(profile, 'password', ASSIGNED, 140, (m, _start, end) => {
      const value = (m[1] ?? '').replace(/[.,;]$/, '');
      if (value.length < 4 || PLACEHOLDER.test(value) || LOWER_WORD.test(value)) return;
      const valueEnd = end - ((m[1] ?? '').length - value.length);
      out.push({ type: 'PASSWORD', start: valueEnd - value.length, end: valueEnd, score: SCORE_ASSIGNED });
    });
    for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
      URL_CREDENTIALS.lastIndex = at + 3;
      const m = URL_CREDENTIALS.exec(text);
      if (m === null) continue;
      const value = m[1] ?? '';
      if (PLACEHOLDER.test(value)) continue;
      const end = m.index + m[0].length - 2;
      out.push({ type: 'PASSWORD', start: end - value.length, end, score: SCORE_IN_URL });
    }
  },
};
