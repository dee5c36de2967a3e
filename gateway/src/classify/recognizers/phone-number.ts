// PHONE_NUMBER: candidates found by one cheap scan (digit groups with single separators, an
// optional leading "+" or "00"), then checked with libphonenumber-js, the JavaScript port of the
// Google library behind Presidio's recognizer. Numbers with a country code need a possible length
// for that country; national numbers must be valid for North America, or, when they begin with a
// trunk "0", for one of the regions Presidio reads. Scores stay low, as Presidio's, unless a
// context word comes before.

import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { isDigit } from '../char-classes.js';
import { boostForContext, hasContextBefore } from '../context-words.js';
import type { TextProfile } from '../text-profile.js';
import type { ClassifyWork } from '../work.js';
import type { Found, Recognizer } from './recognizer.js';

const SCORE_FORMATTED = 0.4;
/** Ten bare digits are as often an order or account number as a phone number. */
const SCORE_BARE = 0.3;
const MIN_DIGITS = 7;
const MAX_DIGITS = 15;
/** National numbers with a trunk 0 in the regions below have 9-12 digits. */
const MIN_TRUNK_DIGITS = 9;
const MAX_TRUNK_DIGITS = 12;
/** Groups dropped from either end of a candidate before giving up ("order 12 415 555 2671 x2"). */
const MAX_TRIM = 2;

const CONTEXT = new Set([
  'phone', 'telephone', 'tel', 'cell', 'cellphone', 'mobile', 'call', 'fax', 'contact', 'whatsapp',
  'sms', 'dial', 'ring', 'reach',
]);

/**
 * Regions tried for national numbers written with a trunk prefix 0 (Presidio's list and
 * neighbours), each with the digit counts (trunk 0 included) its numbers have, so a candidate is
 * only handed to the library for regions where its length is possible.
 */
const TRUNK_ZERO_REGIONS: readonly (readonly [CountryCode, number, number])[] = [
  ['GB', 10, 11], ['DE', 6, 13], ['FR', 10, 10], ['IL', 9, 10], ['IN', 11, 11], ['BR', 10, 11],
  ['AU', 10, 10], ['NL', 10, 10], ['BE', 9, 10], ['CH', 10, 10], ['AT', 5, 13], ['IT', 6, 11],
];

/** Each unit is an optional single separator and then a digit or a short group in parentheses,
 * so there is one way to read any prefix and a failed attempt backs off in bounded steps. */
const CANDIDATE = /(?<![0-9A-Za-z_+./-])(?:\+ ?|00)?(?:\(\d{1,4}\) ?|\d)(?:[ .-]?(?:\(\d{1,4}\)|\d)){5,21}(?![0-9A-Za-z_]|[.-]\d)/g;
const SEPARATORS = /[ .-]+/g;
/**
 * A candidate is already the whole number (digits, single separators, parentheses), so the
 * library need not search it for one; that search is a third of its cost, and over the shapes
 * candidates take it decides nothing (checked over some 800,000 shapes and 13 regions).
 */
const WHOLE = { extract: false } as const;
const US_WHOLE = { extract: false, defaultCountry: 'US' } as const;

function digitCount(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) if (isDigit(value.charCodeAt(i))) n++;
  return n;
}

function international(candidate: string): boolean {
  return candidate.startsWith('+') || candidate.startsWith('00');
}

/** True when libphonenumber accepts the candidate as a phone number. */
function isPhoneNumber(candidate: string, work: ClassifyWork): boolean {
  const digits = digitCount(candidate);
  if (digits < MIN_DIGITS || digits > MAX_DIGITS) return false;
  if (international(candidate)) {
    const plus = candidate.startsWith('00') ? `+${candidate.slice(2)}` : candidate;
    work.phoneChecks++;
    return parsePhoneNumberFromString(plus, WHOLE)?.isPossible() === true;
  }
  const first = candidate.replace(/^\(/, '').charCodeAt(0);
  if (hasLoneDigit(candidate)) return false;
  if (first === 48) {
    if (digits < MIN_TRUNK_DIGITS || digits > MAX_TRUNK_DIGITS) return false;
    for (const [region, min, max] of TRUNK_ZERO_REGIONS) {
      if (digits < min || digits > max) continue;
      work.phoneChecks++;
      if (parsePhoneNumberFromString(candidate, { extract: false, defaultCountry: region })?.isValid()) return true;
    }
    return false;
  }
  // North American numbers have 10 digits, or 11 with the leading 1; area code and exchange start 2-9.
  if (digits !== 10 && !(digits === 11 && first === 49)) return false;
  if (!nanpShaped(candidate, digits === 11)) return false;
  work.phoneChecks++;
  return parsePhoneNumberFromString(candidate, US_WHOLE)?.isValid() === true;
}

/**
 * National numbers are written in groups of two or more digits ("0.0.12 4111" is not one); only a
 * leading country code "1" stands alone ("1 800 555 0199").
 */
function hasLoneDigit(candidate: string): boolean {
  let run = 0;
  let groups = 0;
  for (let i = 0; i <= candidate.length; i++) {
    const c = i < candidate.length ? candidate.charCodeAt(i) : 32;
    if (isDigit(c)) {
      run++;
      continue;
    }
    if (run > 0) {
      groups++;
      if (run === 1 && !(groups === 1 && candidate.charCodeAt(i - 1) === 49)) return true;
    }
    run = 0;
  }
  return false;
}

/** NANP numbering: area code and exchange both begin with 2-9; cheap to check before the library. */
function nanpShaped(candidate: string, withCountryCode: boolean): boolean {
  let seen = 0;
  for (let i = 0; i < candidate.length; i++) {
    const c = candidate.charCodeAt(i);
    if (!isDigit(c)) continue;
    const position = withCountryCode ? seen - 1 : seen;
    if ((position === 0 || position === 3) && c < 50) return false;
    seen++;
    if (position >= 3) return true;
  }
  return true;
}

/** The longest part of the candidate, dropping up to MAX_TRIM groups at either end, that is a number. */
function findNumber(candidate: string, verdicts: Verdicts): { from: number; to: number } | null {
  if (verdicts.isPhone(candidate)) return { from: 0, to: candidate.length };
  const groups: { start: number; end: number }[] = [];
  let last = 0;
  SEPARATORS.lastIndex = 0;
  for (let m = SEPARATORS.exec(candidate); m !== null; m = SEPARATORS.exec(candidate)) {
    if (m.index > last) groups.push({ start: last, end: m.index });
    last = m.index + m[0].length;
  }
  if (last < candidate.length) groups.push({ start: last, end: candidate.length });
  for (let drop = 1; drop <= MAX_TRIM * 2; drop++) {
    for (let left = Math.max(0, drop - MAX_TRIM); left <= Math.min(drop, MAX_TRIM); left++) {
      const right = drop - left;
      const first = groups[left];
      const lastGroup = groups[groups.length - 1 - right];
      if (first === undefined || lastGroup === undefined || lastGroup.end <= first.start) continue;
      // A "+" belongs to the first group only.
      const from = left === 0 ? 0 : first.start;
      const part = candidate.slice(from, lastGroup.end);
      if (verdicts.isPhone(part)) return { from, to: lastGroup.end };
    }
  }
  return null;
}

/** Spans already confirmed by a checksum (cards, IBANs), by start: digit groups inside them are
 * not phone numbers. */
function confirmedSpans(out: readonly Found[]): { start: number; end: number }[] {
  return out.filter((f) => f.score >= 1).map((f) => ({ start: f.start, end: f.end })).sort((a, b) => a.start - b.start);
}

/**
 * The library's verdict on each value of one text: a number repeated in a text (a signature, a
 * quoted thread) is checked once; nothing is kept between texts.
 */
class Verdicts {
  private readonly seen = new Map<string, boolean>();

  constructor(private readonly work: ClassifyWork) {}

  isPhone(value: string): boolean {
    let verdict = this.seen.get(value);
    if (verdict === undefined) this.seen.set(value, (verdict = isPhoneNumber(value, this.work)));
    return verdict;
  }
}

function scan(text: string, out: Found[], profile: TextProfile): void {
  const confirmed = confirmedSpans(out);
  // Candidates come in text order, so one pointer walks the confirmed spans once.
  let next = 0;
  let verdicts: Verdicts | undefined;
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
    // Cheap refusals before the library: too few digits, or single-digit lists ("1 2 3 4 5 6 7").
    const digits = digitCount(m[0]);
    if (digits < MIN_DIGITS || m[0].length > digits * 2 + 4) continue;
    const candidateEnd = m.index + m[0].length;
    while (next < confirmed.length && (confirmed[next]?.end ?? 0) <= m.index) next++;
    const inside = confirmed[next];
    if (inside !== undefined && inside.start < candidateEnd) continue;
    const found = findNumber(m[0], (verdicts ??= new Verdicts(profile.work)));
    if (found === null) continue;
    const start = m.index + found.from;
    const end = m.index + found.to;
    const value = m[0].slice(found.from, found.to);
    const base = digitCount(value) === value.length ? SCORE_BARE : SCORE_FORMATTED;
    out.push({ type: 'PHONE_NUMBER', start, end, score: hasContextBefore(text, start, CONTEXT) ? boostForContext(base) : base });
  }
}

export const phoneNumberRecognizer: Recognizer = {
  types: ['PHONE_NUMBER'],
  applies: (profile) => profile.digitPair,
  scan,
};
