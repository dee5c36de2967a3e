// Finds text hidden in encodings (base64, hex, percent-encoding, rot13, reversed) so the phrase
// rules can read it too. Decoding is bounded: payloads per text, total decoded characters, and
// nesting depth (base64 inside hex inside base64 stops at MAX_DEPTH), so no input can make it
// expensive.

export interface DecodedPayload {
  kind: 'base64' | 'hex' | 'percent' | 'rot13' | 'reversed';
  text: string;
}

export const MAX_DEPTH = 3;
const MAX_PAYLOADS = 16;
const MAX_DECODED_CHARS = 64 * 1024;
/** Shorter base64 or hex runs are words, identifiers and hashes more often than hidden sentences. */
const MIN_RUN = 24;
const MIN_PRINTABLE_SHARE = 0.85;

/** Character kinds for the run scanner: 1 base64 (both alphabets), 2 also a hex digit. */
const KIND = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9+/_-]/.test(ch)) KIND[c] = /[0-9A-Fa-f]/.test(ch) ? 2 : 1;
}
/** Hex written with prefixes ("\x49\x67", "0x49, 0x67"). */
const SPACED_HEX_RUN = /(?:\\x|0x)[0-9A-Fa-f]{2}(?:(?:[ :,]|, )?(?:\\x|0x)[0-9A-Fa-f]{2}){11,}(?![0-9A-Za-z])/g;

function kindAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c < 128 ? (KIND[c] ?? 0) : 0;
}

/** A run found by `nextBase64Run`, and where the search for the next one resumes. */
interface Base64Run {
  start: number;
  end: number;
  hexOnly: boolean;
  /** The next character to probe. */
  probe: number;
}

/**
 * The next run of base64 characters at least `min` long, found with a table instead of a regular
 * expression, which would try every position inside every word. Only every `min`-th character is
 * probed (a run that long covers one of them), and a run is measured from a probe that lands in
 * it, so ordinary prose costs about one look per word instead of one per character. Start with
 * `run.probe = min - 1`; false when there is no further run.
 */
function nextBase64Run(text: string, min: number, run: Base64Run): boolean {
  const length = text.length;
  let probe = run.probe;
  while (probe < length) {
    if (kindAt(text, probe) === 0) {
      probe += min;
      continue;
    }
    let start = probe;
    while (start > 0 && kindAt(text, start - 1) !== 0) start--;
    let i = probe + 1;
    while (i < length && kindAt(text, i) !== 0) i++;
    // The next run starts after this one's end, which is no base64 character.
    probe = Math.max(probe + min, i + min);
    if (i - start < min) continue;
    let hexOnly = true;
    for (let j = start; j < i && hexOnly; j++) if (kindAt(text, j) === 1) hexOnly = false;
    let end = i;
    // Padding belongs to the run.
    while (end < length && end - i < 2 && text.charCodeAt(end) === 61) end++;
    run.start = start;
    run.end = end;
    run.hexOnly = hexOnly;
    run.probe = probe;
    return true;
  }
  run.probe = probe;
  return false;
}
/** A token with at least three percent escapes ("ignore%20all%20previous…"). */
const PERCENT_RUN = /[^\s%]*(?:%[0-9A-Fa-f]{2}[^\s%]*){3,}/g;

/** Words of the phrase rules as rot13 and reversed would spell them ("ignore", "instructions",
 * "system prompt", …); the detector's trigger pass looks for them, and seeing one is reason enough
 * to decode the text around it that way. */
export const ROT13_WORDS = ['vtaber', 'qvfertneq', 'vafgehpgvbaf', 'flfgrz cebzcg', 'cerivbhf', 'cergraq', 'wnvyoernx', 'eriryny', 'cnffjbeq'];
export const REVERSED_WORDS = ['erongi', 'dragersid', 'snoitcurtsni', 'tpmorp metsys', 'suoiverp', 'dnetrep', 'kaerbliaj', 'laever', 'drowssap'];

/** Decoded bytes that read as text: mostly printable ASCII, at least half letters and digits
 * (words, or another layer of encoding). Binary data (images, keys, hashes) is not. */
function readable(text: string): boolean {
  if (text.length === 0) return false;
  let printable = 0;
  let alphanumeric = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 32 && c < 127) || c === 9 || c === 10 || c === 13) printable++;
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57)) alphanumeric++;
  }
  return printable / text.length >= MIN_PRINTABLE_SHARE && alphanumeric >= text.length / 2;
}

const ROT13_TABLE: readonly string[] = (() => {
  const table: string[] = [];
  for (let c = 0; c < 128; c++) {
    let to = c;
    if (c >= 65 && c <= 90) to = ((c - 65 + 13) % 26) + 65;
    else if (c >= 97 && c <= 122) to = ((c - 97 + 13) % 26) + 97;
    table.push(String.fromCharCode(to));
  }
  return table;
})();

export function rot13(text: string): string {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    parts.push(c < 128 ? (ROT13_TABLE[c] ?? '') : text[i] ?? '');
  }
  return parts.join('');
}

function decodeBase64(run: string): string {
  return Buffer.from(run, run.includes('-') || run.includes('_') ? 'base64url' : 'base64').toString('utf8');
}

function decodeHex(run: string): string {
  const hex = run.replace(/\\x|0x|[ :,]/g, '');
  return Buffer.from(hex.length % 2 === 0 ? hex : hex.slice(0, -1), 'hex').toString('utf8');
}

function decodePercent(run: string): string {
  try {
    return decodeURIComponent(run);
  } catch {
    // A lone "%" or an invalid UTF-8 sequence: the run is not percent-encoded text.
    return '';
  }
}

/** The stretch of text around a cue that is decoded whole (rot13 and reversal have no boundaries). */
const AROUND = 4096;

function around(text: string, at: number): string {
  return text.length <= 2 * AROUND ? text : text.slice(Math.max(0, at - AROUND), at + AROUND);
}

/** Keeps a decoded payload while the budget allows. */
function add(found: DecodedPayload[], budget: { chars: number; payloads: number }, kind: DecodedPayload['kind'], text: string): void {
  if (budget.payloads >= MAX_PAYLOADS || budget.chars + text.length > MAX_DECODED_CHARS) return;
  budget.payloads++;
  budget.chars += text.length;
  found.push({ kind, text });
}

/**
 * Every readable payload in `lower` (the lower-cased prompt) and `original` (for case-sensitive
 * encodings), decoded once; nested encodings are the caller's to decode again, with `depth`.
 */
export function findEncodedPayloads(
  original: string,
  lower: string,
  hints: { rot13: boolean; reversed: boolean },
  budget: { chars: number; payloads: number },
): DecodedPayload[] {
  const found: DecodedPayload[] = [];
  if (original.length >= MIN_RUN) {
    const run: Base64Run = { start: 0, end: 0, hexOnly: false, probe: MIN_RUN - 1 };
    while (budget.payloads < MAX_PAYLOADS && nextBase64Run(original, MIN_RUN, run)) {
      const text = original.slice(run.start, Math.min(run.end, run.start + MAX_DECODED_CHARS));
      // A run of hex digits is hex (a hash, or hex-encoded text), not base64.
      const decoded = run.hexOnly ? decodeHex(text) : decodeBase64(text);
      if (readable(decoded)) add(found, budget, run.hexOnly ? 'hex' : 'base64', decoded);
    }
    if (original.indexOf('\\x') >= 0 || original.indexOf('0x') >= 0) {
      SPACED_HEX_RUN.lastIndex = 0;
      for (let m = SPACED_HEX_RUN.exec(original); m !== null && budget.payloads < MAX_PAYLOADS; m = SPACED_HEX_RUN.exec(original)) {
        const decoded = decodeHex(m[0].slice(0, MAX_DECODED_CHARS));
        if (readable(decoded)) add(found, budget, 'hex', decoded);
      }
    }
  }
  if (original.indexOf('%') >= 0) {
    PERCENT_RUN.lastIndex = 0;
    for (let m = PERCENT_RUN.exec(original); m !== null && budget.payloads < MAX_PAYLOADS; m = PERCENT_RUN.exec(original)) {
      const decoded = decodePercent(m[0].slice(0, MAX_DECODED_CHARS));
      if (decoded.length > 0 && readable(decoded)) add(found, budget, 'percent', decoded);
    }
  }
  if (hints.rot13) add(found, budget, 'rot13', rot13(around(lower, firstIndexOf(lower, ROT13_WORDS))));
  if (hints.reversed) add(found, budget, 'reversed', [...around(lower, firstIndexOf(lower, REVERSED_WORDS))].reverse().join(''));
  return found;
}

function firstIndexOf(text: string, words: readonly string[]): number {
  let first = text.length;
  for (const w of words) {
    const at = text.indexOf(w);
    if (at >= 0 && at < first) first = at;
  }
  return first === text.length ? 0 : first;
}
