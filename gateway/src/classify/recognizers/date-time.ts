// DATE_TIME: ISO 8601 dates and times, numeric day/month/year dates, dates with month names, clock
// times, and years after words such as "born in" or "since". Scores follow Presidio's date
// recognizer: ISO 0.8, other full dates 0.6, weaker shapes lower.

import type { Found, Recognizer } from './recognizer.js';

const SCORE_ISO = 0.8;
const SCORE_DATE = 0.6;
const SCORE_TIME_MERIDIEM = 0.6;
const SCORE_TIME = 0.3;
const SCORE_YEAR = 0.3;

/** What precedes is checked after the first digit (same matches, found faster than by a pattern
 * that opens with a lookbehind). */
const ISO = /(\d(?<![0-9A-Za-z_.-]\d)\d{3})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![0-9A-Za-z_]|[.-]\d)/g;
/** d/m/y or m/d/y with "/" (two-digit year or 19xx/20xx), or "." and "-" with 19xx/20xx ("4.11.1111" is a
 * version); and y/m/d. */
const NUMERIC = /(?<![0-9A-Za-z_./-])(?:(\d{1,2})\/(\d{1,2})\/((?:19|20)\d{2}|\d{2})|(\d{1,2})([.-])(\d{1,2})\5((?:19|20)\d{2})|((?:19|20)\d{2})\/(\d{1,2})\/(\d{1,2}))(?![0-9A-Za-z_]|[./-]\d)/g;
const MONTH =
  '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';
const NAMED = new RegExp(
  `\\b(?:${MONTH}\\.? \\d{1,2}(?:st|nd|rd|th)?,? \\d{4}|\\d{1,2}(?:st|nd|rd|th)? (?:of )?${MONTH}\\.?,? \\d{4}|${MONTH}\\.?,? \\d{4}|(?:January|February|March|April|June|July|August|September|October|November|December) \\d{1,2}(?:st|nd|rd|th)?)\\b`,
  'g',
);
/** Words that begin like a month name (in the lower-cased text). */
const MONTH_WORD = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*/g;

function isDigitAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/**
 * Whether a date with a month name can occur at all: every form has a digit right after the
 * month (past "." and "," and one space) or right before it (past one space, "of " and an ordinal
 * suffix), so "Maria" or "marketing" alone do not set off the full pattern.
 */
function mayHaveNamedDate(lower: string): boolean {
  MONTH_WORD.lastIndex = 0;
  for (let m = MONTH_WORD.exec(lower); m !== null; m = MONTH_WORD.exec(lower)) {
    let after = m.index + m[0].length;
    if (lower.charCodeAt(after) === 46) after++;
    if (lower.charCodeAt(after) === 44) after++;
    if (lower.charCodeAt(after) === 32 && isDigitAt(lower, after + 1)) return true;
    let before = m.index - 1;
    if (lower.charCodeAt(before) !== 32) continue;
    if (lower.startsWith(' of', before - 3)) before -= 3;
    const suffix = before >= 2 ? lower.slice(before - 2, before) : '';
    if (suffix === 'st' || suffix === 'nd' || suffix === 'rd' || suffix === 'th') before -= 2;
    if (isDigitAt(lower, before - 1)) return true;
  }
  return false;
}
const YEAR_HINT = /(?:19|20)\d\d/;
/** What a clock time and a time with am/pm hold at the least. */
const TIME_HINT = /\d:[0-5]\d/;
const MERIDIEM_HINT = /\d\s?[AaPp]\.?[Mm]/;
/** `\b` rather than a lookbehind (cheaper for the engine); a ":" or "." before is checked after. */
const TIME = /\b(\d{1,2}):([0-5]\d)(?::[0-5]\d)?(?:\s?([AaPp]\.?[Mm]\.?))?(?![0-9A-Za-z_]|:\d)/g;
const MERIDIEM = /\b(1[0-2]|0?[1-9])\s?(?:am|pm|AM|PM|a\.m\.|p\.m\.)(?![A-Za-z0-9])/g;
const YEAR_WORD = '\\b(?:[Bb]orn (?:in|on)|[Ii]n|[Ss]ince|[Ff]rom|[Uu]ntil|[Tt]ill|[Bb]efore|[Aa]fter|[Cc]irca|[Yy]ear|[Dd]uring|[Oo]f) ';
/** A year after one of those words. The words are checked behind the year's first digit, so the
 * search stops only at a 1 or a 2 rather than at every word. */
const YEAR_AFTER_WORD = new RegExp(`((?:1(?<=${YEAR_WORD}1)9|2(?<=${YEAR_WORD}2)0)\\d{2})(?![0-9A-Za-z_]|[.,]\\d|-\\d)`, 'g');

function inRange(value: string | undefined, min: number, max: number): boolean {
  const n = Number(value);
  return value !== undefined && n >= min && n <= max;
}

function scanIso(text: string, out: Found[]): void {
  ISO.lastIndex = 0;
  for (let m = ISO.exec(text); m !== null; m = ISO.exec(text)) {
    if (!inRange(m[2], 1, 12) || !inRange(m[3], 1, 31)) continue;
    out.push({ type: 'DATE_TIME', start: m.index, end: m.index + m[0].length, score: SCORE_ISO });
  }
}

function scanNumeric(text: string, out: Found[]): void {
  NUMERIC.lastIndex = 0;
  for (let m = NUMERIC.exec(text); m !== null; m = NUMERIC.exec(text)) {
    // Either order of day and month is accepted; each must be a possible day or month.
    const [a, b] = m[1] !== undefined ? [m[1], m[2]] : m[4] !== undefined ? [m[4], m[6]] : [m[9], m[10]];
    const ok = m[8] !== undefined
      ? inRange(a, 1, 12) && inRange(b, 1, 31)
      : (inRange(a, 1, 12) && inRange(b, 1, 31)) || (inRange(a, 1, 31) && inRange(b, 1, 12));
    if (!ok) continue;
    out.push({ type: 'DATE_TIME', start: m.index, end: m.index + m[0].length, score: SCORE_DATE });
  }
}

/** A ":" or "." right before: part of a longer time, an IPv6 address or a version, not a time. */
function followsSeparator(text: string, at: number): boolean {
  const c = text.charCodeAt(at - 1);
  return c === 58 || c === 46;
}

function scanTimes(text: string, out: Found[]): void {
  TIME.lastIndex = 0;
  for (let m = TIME.exec(text); m !== null; m = TIME.exec(text)) {
    if (followsSeparator(text, m.index)) continue;
    const meridiem = m[3] !== undefined;
    if (!inRange(m[1], meridiem ? 1 : 0, meridiem ? 12 : 23)) continue;
    out.push({ type: 'DATE_TIME', start: m.index, end: m.index + m[0].length, score: meridiem ? SCORE_TIME_MERIDIEM : SCORE_TIME });
  }
  MERIDIEM.lastIndex = 0;
  for (let m = MERIDIEM.exec(text); m !== null; m = MERIDIEM.exec(text)) {
    if (followsSeparator(text, m.index)) continue;
    out.push({ type: 'DATE_TIME', start: m.index, end: m.index + m[0].length, score: SCORE_TIME_MERIDIEM });
  }
}

function scanYears(text: string, out: Found[]): void {
  YEAR_AFTER_WORD.lastIndex = 0;
  for (let m = YEAR_AFTER_WORD.exec(text); m !== null; m = YEAR_AFTER_WORD.exec(text)) {
    const year = m[1] ?? '';
    const end = m.index + m[0].length;
    out.push({ type: 'DATE_TIME', start: end - year.length, end, score: SCORE_YEAR });
  }
}

export const dateTimeRecognizer: Recognizer = {
  types: ['DATE_TIME'],
  applies: (profile) => profile.digit,
  scan(text, out, profile) {
    if (text.indexOf('-') >= 0) scanIso(text, out);
    scanNumeric(text, out);
    if (mayHaveNamedDate(profile.lower)) scanNamed(text, out);
    if (TIME_HINT.test(text) || MERIDIEM_HINT.test(text)) scanTimes(text, out);
    if (YEAR_HINT.test(text)) scanYears(text, out);
  },
};

function scanNamed(text: string, out: Found[]): void {
  NAMED.lastIndex = 0;
  for (let m = NAMED.exec(text); m !== null; m = NAMED.exec(text)) {
    out.push({ type: 'DATE_TIME', start: m.index, end: m.index + m[0].length, score: SCORE_DATE });
  }
}
