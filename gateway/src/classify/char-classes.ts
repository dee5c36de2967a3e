// Character tests on UTF-16 code units, shared by the hand-written scanners.

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** ASCII letters, digits and underscore: what `\w` matches without the `u` flag. */
export function isWordChar(c: number): boolean {
  return isDigit(c) || isAsciiLetter(c) || c === 95;
}

/**
 * True when a number-like value may begin at `start`: it is not glued to a word, and not the tail
 * of a longer number written with `.`, `,` or `-` between digits (decimals, IDs, ranges).
 */
export function numberStartsCleanly(text: string, start: number): boolean {
  if (start === 0) return true;
  const before = text.charCodeAt(start - 1);
  if (isWordChar(before)) return false;
  if ((before === 46 || before === 44 || before === 45) && start >= 2) {
    return !isDigit(text.charCodeAt(start - 2));
  }
  return true;
}

/** The mirror of `numberStartsCleanly` for the end of a value (end exclusive). */
export function numberEndsCleanly(text: string, end: number): boolean {
  if (end >= text.length) return true;
  const after = text.charCodeAt(end);
  if (isWordChar(after)) return false;
  if ((after === 46 || after === 44 || after === 45) && end + 1 < text.length) {
    return !isDigit(text.charCodeAt(end + 1));
  }
  return true;
}

/** A membership table over ASCII code units, for `hasRun`. */
export function asciiTable(member: RegExp): Uint8Array {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) if (member.test(String.fromCharCode(c))) table[c] = 1;
  return table;
}

/** `\w` without the `u` flag. */
export const WORD_TABLE = asciiTable(/\w/);
/** Characters of API tokens: `\w` and "-". */
export const TOKEN_TABLE = asciiTable(/[\w-]/);

function member(table: Uint8Array, text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c < 128 && table[c] === 1;
}

/**
 * True when `text` has `min` or more table characters in a row. Only every `min`-th character is
 * probed (such a run covers one), so prose costs about one look per word, not one per character:
 * a screen that lets a recognizer whose values are long tokens skip texts that have none.
 */
export function hasRun(text: string, min: number, table: Uint8Array): boolean {
  const length = text.length;
  let probe = min - 1;
  while (probe < length) {
    if (!member(table, text, probe)) {
      probe += min;
      continue;
    }
    let start = probe;
    while (start > 0 && probe - start < min && member(table, text, start - 1)) start--;
    let end = probe + 1;
    while (end < length && end - start < min && member(table, text, end)) end++;
    if (end - start >= min) return true;
    // The run ends at `end`, which is no table character.
    probe = end + min;
  }
  return false;
}
