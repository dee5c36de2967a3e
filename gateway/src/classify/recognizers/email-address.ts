// EMAIL_ADDRESS: found by expanding around each "@" by hand, which keeps the scan linear where a
// regular expression such as /[\w.]+@/ would go quadratic on long runs without an "@".

import { isAsciiLetter, isDigit } from '../char-classes.js';
import type { Found, Recognizer } from './recognizer.js';

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
const MAX_LABEL = 63;

/** Scores follow Presidio: 0.5 for the pattern, 1.0 once the top-level domain checks out. */
const SCORE_KNOWN_TLD = 1;
const SCORE_OTHER_TLD = 0.5;

const COMMON_GENERIC_TLDS = new Set([
  'com', 'org', 'net', 'edu', 'gov', 'mil', 'int', 'info', 'biz', 'name', 'pro', 'mobi', 'aero',
  'coop', 'museum', 'jobs', 'travel', 'app', 'dev', 'page', 'cloud', 'tech', 'online', 'site',
  'email', 'mail', 'company', 'health', 'bank', 'law', 'media', 'news', 'shop', 'store', 'xyz',
  'global', 'digital', 'solutions', 'services', 'group', 'team', 'work', 'life', 'live', 'world',
]);

/**
 * Endings of file names that look like addresses (`logo@2x.png`, `pkg@1.2.0.tgz`); Presidio rules
 * them out with a public-suffix lookup, which a short list covers for the cases seen in prompts.
 */
const FILE_EXTENSIONS = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'bmp', 'tif', 'tiff', 'avif', 'heic',
  'js', 'mjs', 'cjs', 'ts', 'mts', 'cts', 'tsx', 'jsx', 'css', 'scss', 'sass', 'less', 'html', 'htm',
  'json', 'xml', 'yaml', 'yml', 'toml', 'txt', 'csv', 'log', 'lock', 'map', 'wasm', 'exe', 'dll',
  'tgz', 'gz', 'tar', 'pdf', 'docx', 'xlsx', 'pptx', 'mp3', 'mp4', 'wav', 'jar', 'whl', 'py', 'rb',
  'java', 'kt', 'go', 'rs', 'swift', 'php', 'vue', 'svelte', 'sh', 'bat', 'ps1', 'ini', 'cfg', 'conf',
]);

function isLocalChar(c: number): boolean {
  // Letters, digits and . _ % + - (Presidio's and most validators' unquoted local part).
  return isAsciiLetter(c) || isDigit(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
}

function isDomainChar(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c) || c === 46 || c === 45;
}

function isDotOrDash(c: number): boolean {
  return c === 46 || c === 45;
}

/** Score of a top-level domain, or 0 when it cannot be one. */
function scoreTld(tld: string): number {
  const lower = tld.toLowerCase();
  if (lower.startsWith('xn--')) return lower.length > 4 ? SCORE_OTHER_TLD : 0;
  if (lower.length < 2) return 0;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (c < 97 || c > 122) return 0;
  }
  if (FILE_EXTENSIONS.has(lower)) return 0;
  // Every two-letter ending is treated as a country code; the few unassigned ones are rare in text.
  if (lower.length === 2 || COMMON_GENERIC_TLDS.has(lower)) return SCORE_KNOWN_TLD;
  return SCORE_OTHER_TLD;
}

/** Length of the longest valid domain at the start of `domain` (0 when there is none), and its TLD score. */
function validDomainLength(domain: string): { length: number; score: number } {
  let labelStart = 0;
  let lastGoodEnd = 0;
  let labels = 0;
  let lastLabel = '';
  while (labelStart <= domain.length) {
    let dot = domain.indexOf('.', labelStart);
    if (dot < 0) dot = domain.length;
    const label = domain.slice(labelStart, dot);
    if (
      label.length === 0 ||
      label.length > MAX_LABEL ||
      label.charCodeAt(0) === 45 ||
      label.charCodeAt(label.length - 1) === 45
    ) {
      break;
    }
    labels++;
    lastLabel = label;
    lastGoodEnd = dot;
    labelStart = dot + 1;
  }
  if (labels < 2) return { length: 0, score: 0 };
  const score = scoreTld(lastLabel);
  return score > 0 ? { length: lastGoodEnd, score } : { length: 0, score: 0 };
}

function scan(text: string, out: Found[]): void {
  const n = text.length;
  let from = 0;
  // A local part never reaches back into the address found before it (`a@b.com@c.com`).
  let floor = 0;
  for (;;) {
    const at = text.indexOf('@', from);
    if (at < 0) return;
    from = at + 1;

    let start = at;
    while (start > floor && at - start <= MAX_LOCAL && isLocalChar(text.charCodeAt(start - 1))) start--;
    if (at - start > MAX_LOCAL) continue;
    while (start < at && text.charCodeAt(start) === 46) start++;
    if (start === at || text.charCodeAt(at - 1) === 46) continue;

    let domainEnd = at + 1;
    while (domainEnd < n && domainEnd - at <= MAX_DOMAIN + 1 && isDomainChar(text.charCodeAt(domainEnd))) domainEnd++;
    if (domainEnd - at > MAX_DOMAIN + 1) continue;
    // Sentence punctuation after an address is not part of it.
    while (domainEnd > at + 1 && isDotOrDash(text.charCodeAt(domainEnd - 1))) domainEnd--;
    const { length, score } = validDomainLength(text.slice(at + 1, domainEnd));
    if (length === 0) continue;
    const end = at + 1 + length;

    out.push({ type: 'EMAIL_ADDRESS', start, end, score });
    from = end;
    floor = end;
  }
}

export const emailAddressRecognizer: Recognizer = {
  types: ['EMAIL_ADDRESS'],
  applies: (profile) => profile.at,
  scan,
};
