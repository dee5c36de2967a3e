// Brings a prompt to the one form the injection phrases are written for: NFKC (folds fullwidth and
// styled letters), no invisible characters, common Cyrillic/Greek look-alikes as Latin, lower case.

/** Soft hyphen, zero-width and joiner characters, directional marks and controls, invisible
 * operators, variation selectors, BOM, Hangul fillers and the tag block. */
const INVISIBLE =
  /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u3164\uFE00-\uFE0F\uFEFF\uFFA0]|\uDB40[\uDC00-\uDC7F]/g;
const APOSTROPHES = /[\u2018\u2019\u02BC\u2032]/g;
/** A Latin letter next to a Greek or Cyrillic one: a word spelled with look-alikes. Text written
 * wholly in Greek or Cyrillic is left alone (folding it costs time and finds no English phrase). */
const MIXED_SCRIPTS = /[A-Za-z][\u0370-\u052F]|[\u0370-\u052F][A-Za-z]/;

/** Letters that render like Latin ones in common fonts (a subset of Unicode's confusables). */
const LOOKALIKE_PAIRS: readonly (readonly [string, string])[] = [
  // Cyrillic
  ['а', 'a'], ['е', 'e'], ['о', 'o'], ['р', 'p'], ['с', 'c'], ['у', 'y'], ['х', 'x'], ['і', 'i'],
  ['ј', 'j'], ['ѕ', 's'], ['ԁ', 'd'], ['ԛ', 'q'], ['ԝ', 'w'], ['ү', 'y'], ['ӏ', 'l'], ['һ', 'h'],
  ['А', 'A'], ['В', 'B'], ['Е', 'E'], ['К', 'K'], ['М', 'M'], ['Н', 'H'], ['О', 'O'], ['Р', 'P'],
  ['С', 'C'], ['Т', 'T'], ['Х', 'X'], ['І', 'I'], ['Ј', 'J'], ['Ѕ', 'S'], ['Ү', 'Y'],
  // Greek
  ['α', 'a'], ['ο', 'o'], ['ρ', 'p'], ['ι', 'i'], ['κ', 'k'], ['ν', 'v'], ['τ', 't'], ['υ', 'u'],
  ['Α', 'A'], ['Β', 'B'], ['Ε', 'E'], ['Ζ', 'Z'], ['Η', 'H'], ['Ι', 'I'], ['Κ', 'K'], ['Μ', 'M'],
  ['Ν', 'N'], ['Ο', 'O'], ['Ρ', 'P'], ['Τ', 'T'], ['Υ', 'Y'], ['Χ', 'X'],
];
const LOOKALIKES: ReadonlyMap<number, string> = new Map(LOOKALIKE_PAIRS.map(([from, to]) => [from.charCodeAt(0), to]));

function foldLookalikes(text: string): string {
  const parts: string[] = [];
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const latin = LOOKALIKES.get(text.charCodeAt(i));
    if (latin === undefined) continue;
    parts.push(text.slice(copied, i), latin);
    copied = i + 1;
  }
  parts.push(text.slice(copied));
  return parts.join('');
}

/** `ascii` is the caller's knowledge that no code unit is above U+007F (nothing to normalise). */
export function normalisePrompt(text: string, ascii: boolean): string {
  if (ascii) return text.toLowerCase();
  let s = text.replace(INVISIBLE, '').normalize('NFKC').replace(APOSTROPHES, "'");
  if (MIXED_SCRIPTS.test(s)) s = foldLookalikes(s);
  return s.toLowerCase();
}

/** Letters split by one separator each ("i.g.n.o.r.e", "i-g-n-o-r-e"); two spaces or " / " end a word. */
const SPACED_LETTERS = /(?<![a-z])[a-z](?:[ .\-_*|][a-z]){2,}(?![a-z])/g;
const SPACED_SEPARATORS = /[ .\-_*|]/g;
/** A word mixing letters with the digits used as letters in leetspeak ("1gn0r3"). */
const LEET_HINT = /[a-z][013457]|[013457][a-z]/;
const LEET_WORD = /[a-z013457]*(?:[a-z][013457]|[013457][a-z])[a-z013457]*/g;
const LEET_DIGIT = /[013457]/g;
const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't' };

/**
 * Undoes the spellings used to slip phrases past filters: spaced-out letters and leetspeak. Takes
 * and returns normalised (lower-case) text; null when there was nothing to undo.
 */
export function undoObfuscation(normalised: string): string | null {
  let s = normalised;
  let changed = false;
  if (SPACED_LETTERS.test(s)) {
    SPACED_LETTERS.lastIndex = 0;
    s = s.replace(SPACED_LETTERS, (run) => run.replace(SPACED_SEPARATORS, ''));
    changed = true;
  }
  SPACED_LETTERS.lastIndex = 0;
  if (LEET_HINT.test(s)) {
    const before = s;
    // Words that are numbers with a unit ("5km", "3d") stay: only words with at least three letters change.
    s = s.replace(LEET_WORD, (word) => (/[a-z].*[a-z].*[a-z]/.test(word) ? word.replace(LEET_DIGIT, (c) => LEET[c] ?? c) : word));
    changed ||= s !== before;
  }
  return changed ? s : null;
}
