// URL: web addresses with a scheme (http, https, ftp), starting "www.", or a bare domain whose
// top-level domain is a common one ("example.com/path"). Scores follow Presidio: 0.6 with a
// scheme, 0.5 without.

import { isAsciiLetter, isDigit } from '../char-classes.js';
import type { Found, Recognizer } from './recognizer.js';

const SCORE_SCHEME = 0.6;
const SCORE_NO_SCHEME = 0.5;
const MAX_URL = 2048;

const SCHEME = /(?<![A-Za-z0-9+.-])(?:https?|ftp):\/\/(?=[A-Za-z0-9[])/gi;
/** Top-level domains a bare host ("example.com") may end in. File names ("index.js", "setup.py")
 * end in letters that are not in the list; "www." hosts may end in any. */
const BARE_TLDS = new Set([
  'com', 'org', 'net', 'edu', 'gov', 'io', 'co', 'uk', 'de', 'fr', 'es', 'it', 'nl', 'be', 'ch', 'at', 'se', 'no',
  'dk', 'fi', 'pl', 'cz', 'pt', 'ie', 'ca', 'au', 'nz', 'jp', 'cn', 'in', 'br', 'ru', 'us', 'eu', 'info', 'biz',
  'app', 'dev', 'ai', 'ly', 'me', 'tv',
]);
const MAX_HOST = 253;

function isHostChar(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c) || c === 45 || c === 46;
}

/** Characters a URL may carry after its host (RFC 3986 unreserved, reserved and percent). */
function isUrlChar(c: number): boolean {
  return (
    isAsciiLetter(c) || isDigit(c) ||
    c === 45 || c === 46 || c === 95 || c === 126 || // - . _ ~
    c === 58 || c === 47 || c === 63 || c === 35 || c === 91 || c === 93 || c === 64 || // : / ? # [ ] @
    c === 33 || c === 36 || c === 38 || c === 39 || c === 40 || c === 41 || c === 42 || c === 43 || c === 44 || c === 59 || c === 61 || // sub-delims
    c === 37 // %
  );
}

/** Sentence punctuation and an unbalanced closing bracket at the end belong to the text, not the URL. */
function trimEnd(text: string, start: number, end: number): number {
  // Brackets counted once, then kept up to date while trimming, so the cost stays linear.
  let parens = 0;
  let brackets = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 40) parens++;
    else if (c === 41) parens--;
    else if (c === 91) brackets++;
    else if (c === 93) brackets--;
  }
  while (end > start) {
    const c = text.charCodeAt(end - 1);
    if (c === 46 || c === 44 || c === 59 || c === 58 || c === 33 || c === 63 || c === 39 || c === 42) {
      end--;
    } else if (c === 41 && parens < 0) {
      parens++;
      end--;
    } else if (c === 93 && brackets < 0) {
      brackets++;
      end--;
    } else {
      return end;
    }
  }
  return end;
}

function extend(text: string, from: number, start: number): number {
  let end = from;
  while (end < text.length && end - start < MAX_URL && isUrlChar(text.charCodeAt(end))) end++;
  return trimEnd(text, start, end);
}

export const urlRecognizer: Recognizer = {
  types: ['URL'],
  applies: (profile) => profile.dot || profile.colon,
  scan(text, out, profile) {
    if (text.indexOf('://') >= 0) {
      SCHEME.lastIndex = 0;
      for (let m = SCHEME.exec(text); m !== null; m = SCHEME.exec(text)) {
        const end = extend(text, m.index + m[0].length, m.index);
        if (end <= m.index + m[0].length + 1) continue;
        out.push({ type: 'URL', start: m.index, end, score: SCORE_SCHEME });
        SCHEME.lastIndex = end;
      }
    }
    if (profile.dot) scanBareHosts(text, out);
  },
};

/**
 * Hosts without a scheme, found from their dots: each dot followed by a known top-level domain
 * (and no further label) is read backwards to the start of the host. Far cheaper than a pattern
 * tried at every word.
 */
function scanBareHosts(text: string, out: Found[]): void {
  const n = text.length;
  let from = 0;
  let covered = 0;
  for (;;) {
    const dot = text.indexOf('.', from);
    if (dot < 0) return;
    from = dot + 1;
    let end = dot + 1;
    while (end < n && end - dot <= 24 && isAsciiLetter(text.charCodeAt(end))) end++;
    if (end - dot - 1 < 2) continue;
    const after = text.charCodeAt(end);
    // Not the last label yet ("example.co.uk" is decided at its last dot), or glued to more text.
    if (isDigit(after) || after === 45 || after === 95 || isAsciiLetter(after)) continue;
    if (after === 46 && end + 1 < n && isHostChar(text.charCodeAt(end + 1)) && text.charCodeAt(end + 1) !== 46) continue;
    let start = dot;
    while (start > covered && dot - start < MAX_HOST && isHostChar(text.charCodeAt(start - 1))) start--;
    while (start < dot && (text.charCodeAt(start) === 46 || text.charCodeAt(start) === 45)) start++;
    if (start >= dot) continue;
    const before = start > 0 ? text.charCodeAt(start - 1) : 32;
    // Part of an address, a path or a longer token: e-mail, URL with scheme, file path.
    if (before === 64 || before === 47 || before === 58 || before === 95 || before === 37 || before === 43) continue;
    const www = text.startsWith('www.', start) || text.startsWith('WWW.', start);
    if (!www && !BARE_TLDS.has(text.slice(dot + 1, end).toLowerCase())) continue;
    if (!validLabels(text, start, end)) continue;
    const stop = after === 47 || after === 58 ? extend(text, end, start) : end;
    out.push({ type: 'URL', start, end: stop, score: SCORE_NO_SCHEME });
    covered = stop;
    from = Math.max(from, stop);
  }
}

/** Labels of 1-63 characters that neither start nor end with "-"; at least two of them. */
function validLabels(text: string, start: number, end: number): boolean {
  let labelStart = start;
  let labels = 0;
  for (let i = start; i <= end; i++) {
    if (i < end && text.charCodeAt(i) !== 46) continue;
    const length = i - labelStart;
    if (length < 1 || length > 63) return false;
    if (text.charCodeAt(labelStart) === 45 || text.charCodeAt(i - 1) === 45) return false;
    labels++;
    labelStart = i + 1;
  }
  return labels >= 2;
}
