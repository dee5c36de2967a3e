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
