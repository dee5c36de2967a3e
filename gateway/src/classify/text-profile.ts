// Cheap tests that tell which recognizer families can possibly match a text, so the scans run only
// where they could find something. Built from single regular-expression and indexOf probes, which
// V8 runs several times faster than a character loop in JavaScript.

export interface TextProfile {
  /** Two digits in a row occur somewhere (every numeric entity has them). */
  digitPair: boolean;
  at: boolean;
  colon: boolean;
  dot: boolean;
  /** "-----", the fence of PEM blocks. */
  fence: boolean;
  /** Some code unit is above U+007F (NFKC and hidden-character checks are needed). */
  nonAscii: boolean;
}

const DIGIT_PAIR = /\d\d/;
const NON_ASCII = /[^\x00-\x7F]/;

export function profileText(text: string): TextProfile {
  return {
    digitPair: DIGIT_PAIR.test(text),
    at: text.indexOf('@') >= 0,
    colon: text.indexOf(':') >= 0,
    dot: text.indexOf('.') >= 0,
    fence: text.indexOf('-----') >= 0,
    nonAscii: NON_ASCII.test(text),
  };
}
