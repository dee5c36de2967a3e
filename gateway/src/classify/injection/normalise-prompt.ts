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
/** What every such run ends with (three letters, then no letter). Without the lookbehind the
 * engine runs it about three times faster, so it screens the text before SPACED_LETTERS reads it. */
const SPACED_TAIL = /[a-z][ .\-_*|][a-z][ .\-_*|][a-z](?![a-z])/;
/** Digits that stand for letters in leetspeak ("1gn0r3"); one next to a letter marks a word to
 * read. Searched for alone (one character class, which the engine skips through quickly), then
 * the neighbours are checked. */
const LEET_DIGIT = /[013457]/g;
const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't' };
/** Words that mix letters and digits for other reasons: times, ordinals, units ("5pm", "3rd",
 * "10km") and names with a number ("mp3", "ipv4", "covid19"). */
const NOT_LEET = /^\d+(?:st|nd|rd|th|am|pm|km|kg|mb|gb|kb|ms|px|d|k|m|s|x|h)$|^[a-z]+\d+$/;

function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

function isLowerLetter(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** The text with leetspeak words spelled in letters; only the words around a hint are looked at. */
function undoLeet(text: string): string {
  const parts: string[] = [];
  let copied = 0;
  LEET_DIGIT.lastIndex = 0;
  for (let m = LEET_DIGIT.exec(text); m !== null; m = LEET_DIGIT.exec(text)) {
    const at = m.index;
    if (!isLowerLetter(text.charCodeAt(at - 1)) && !isLowerLetter(text.charCodeAt(at + 1))) continue;
    let start = at;
    let end = at + 1;
    if (start < copied) continue;
    while (start > copied && isWordCode(text.charCodeAt(start - 1))) start--;
    while (end < text.length && isWordCode(text.charCodeAt(end))) end++;
    LEET_DIGIT.lastIndex = end;
    const word = text.slice(start, end);
    let letters = 0;
    for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) >= 97) letters++;
    if (letters < 2 || NOT_LEET.test(word)) continue;
    let spelled = '';
    for (const ch of word) spelled += LEET[ch] ?? ch;
    parts.push(text.slice(copied, start), spelled);
    copied = end;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/**
 * Undoes the spellings used to slip phrases past filters: spaced-out letters and leetspeak. Takes
 * and returns normalised (lower-case) text; null when there was nothing to undo. `mayHaveDigits`
 * false says the text has no digit (so no leetspeak).
 */
export function undoObfuscation(normalised: string, mayHaveDigits = true): string | null {
  let s = normalised;
  let changed = false;
  if (SPACED_TAIL.test(s) && SPACED_LETTERS.test(s)) {
    SPACED_LETTERS.lastIndex = 0;
    s = s.replace(SPACED_LETTERS, (run) => run.replace(SPACED_SEPARATORS, ''));
    changed = true;
  }
  SPACED_LETTERS.lastIndex = 0;
  // Leetspeak needs a digit; the caller may know there is none and spare the scan.
  const spelled = mayHaveDigits ? undoLeet(s) : s;
  if (spelled !== s) {
    s = spelled;
    changed = true;
  }
  return changed ? s : null;
}
