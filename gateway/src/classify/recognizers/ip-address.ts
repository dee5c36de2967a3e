// IP_ADDRESS: dotted IPv4 with octets 0-255, and IPv6 in its usual written forms, both confirmed by
// Node's own address parser.

import { isIPv4, isIPv6 } from 'node:net';
import { isDigit, isHexDigit, isWordChar, numberEndsCleanly } from '../char-classes.js';
import type { Found, Recognizer } from './recognizer.js';

/** Presidio's score for both families. */
const SCORE = 0.6;
/** Longest textual IPv6 address (with an embedded IPv4 tail). */
const MAX_IPV6 = 45;
/** "::1" or "a::b" are too short to tell from code such as `A::B`; real addresses carry more. */
const MIN_IPV6_HEX_DIGITS = 4;

/** The lookbehind keeps "1.2.3.4.5" and "v1.2.3.4" out; the lookahead refuses a fifth part. The
 * lookbehind sits after the first digit (same matches): a pattern that opens with one is tried at
 * every position, one that opens with a digit only at digits. */
const IPV4 = /\d(?<![0-9A-Za-z_.]\d)\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3}(?![0-9A-Za-z_]|\.\d)/g;
/** Two colons with at most one hex group between them: where any IPv6 address must show itself. */
const IPV6_SEED = /:[0-9A-Fa-f]{0,4}:/g;

function scanIpv4(text: string, out: Found[]): void {
  IPV4.lastIndex = 0;
  for (let m = IPV4.exec(text); m !== null; m = IPV4.exec(text)) {
    // Node refuses leading zeros ("010.1.1.1"), which some tools read as octal.
    if (isIPv4(m[0])) out.push({ type: 'IP_ADDRESS', start: m.index, end: m.index + m[0].length, score: SCORE });
  }
}

function isIpv6Char(c: number): boolean {
  return isHexDigit(c) || c === 58 || c === 46;
}

function scanIpv6(text: string, out: Found[]): void {
  const n = text.length;
  IPV6_SEED.lastIndex = 0;
  for (let m = IPV6_SEED.exec(text); m !== null; m = IPV6_SEED.exec(text)) {
    // Grow the seed to the whole run of address characters, then move past the run, so every
    // character is looked at a bounded number of times however the text is built.
    let start = m.index;
    while (start > 0 && isIpv6Char(text.charCodeAt(start - 1))) start--;
    let end = m.index + m[0].length;
    while (end < n && isIpv6Char(text.charCodeAt(end))) end++;
    IPV6_SEED.lastIndex = end;

    if (start > 0 && isWordChar(text.charCodeAt(start - 1))) continue;
    if (end < n && isWordChar(text.charCodeAt(end))) continue;
    // Trailing sentence punctuation and a lone leading or trailing colon are not part of it.
    while (end > start && text.charCodeAt(end - 1) === 46) end--;
    if (text.charCodeAt(end - 1) === 58 && text.charCodeAt(end - 2) !== 58) end--;
    if (text.charCodeAt(start) === 58 && text.charCodeAt(start + 1) !== 58) start++;
    if (end - start > MAX_IPV6 || end - start < 2) continue;
    if (!numberEndsCleanly(text, end)) continue;

    const candidate = text.slice(start, end);
    if (!looksLikeAddress(candidate) || !isIPv6(candidate)) continue;
    out.push({ type: 'IP_ADDRESS', start, end, score: SCORE });
  }
}

/** Enough hex digits, and at least one decimal digit: `Abc::Def` in C++ has none. */
function looksLikeAddress(candidate: string): boolean {
  let hex = 0;
  let decimal = false;
  for (let i = 0; i < candidate.length; i++) {
    const c = candidate.charCodeAt(i);
    if (isHexDigit(c)) hex++;
    if (isDigit(c)) decimal = true;
  }
  return hex >= MIN_IPV6_HEX_DIGITS && decimal;
}

export const ipAddressRecognizer: Recognizer = {
  types: ['IP_ADDRESS'],
  applies: (profile) => profile.dot || profile.colon,
  scan(text, out) {
    scanIpv4(text, out);
    if (text.indexOf(':') >= 0) scanIpv6(text, out);
  },
};
