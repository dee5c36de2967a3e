// Features of the injection model, shared by the gateway and the training script so both read text
// the same way: hashed character 4-grams and word 1- and 2-grams of the normalised text
// (whitespace runs read as one space), each counted once and scaled to unit length so long
// prompts do not score higher for being long. One pass over the text, no allocation: the grams
// are packed into an integer as the text is read, then hashed by one multiplication.

export interface FeatureSpace {
  /** log2 of the number of hash buckets. */
  bits: number;
}

const GOLDEN = 0x9e3779b1;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** A distinct odd multiplier keeps word pairs apart from single words. */
const MUL_PAIR = 0xc2b2ae35;

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000;
}

/** Letters, digits and apostrophes make words; everything above U+007F counts as a letter. */
function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 39 || c > 127;
}

const OTHER = 0;
const SPACE = 1;
const WORD = 2;
/** `isSpace` and `isWordCode` for every code unit, worked out once: one load per character in the
 * loop below instead of a dozen comparisons. */
const KIND = new Uint8Array(0x10000);
for (let c = 0; c < KIND.length; c++) KIND[c] = isSpace(c) ? SPACE : isWordCode(c) ? WORD : OTHER;

/** Receives the features of a text; a class with one method, which the engine inlines. */
export interface FeatureSink {
  add(bucket: number): void;
}

/**
 * Hands the bucket of every feature of `text` (normalised: lower case) to `sink`, duplicates
 * included; the sink counts each bucket once. `from`/`to` bound a window of the text.
 */
export function forEachFeature(text: string, space: FeatureSpace, sink: FeatureSink, from = 0, to = text.length): void {
  const shift = 32 - space.bits;
  // The last four characters, 8 bits each (wider code units folded), starting with a space.
  let packed = 32;
  let seen = 1;
  let previousSpace = true;
  let word = FNV_OFFSET;
  let inWord = false;
  let previousWord = 0;
  for (let i = from; i <= to; i++) {
    const raw = i < to ? text.charCodeAt(i) : 32;
    const kind = KIND[raw] ?? OTHER;
    const space = kind === SPACE;
    if (space && previousSpace) continue;
    previousSpace = space;
    const c = space ? 32 : raw < 256 ? raw : (raw ^ (raw >>> 8)) & 0xff;
    packed = (packed << 8) | c;
    seen++;
    if (seen >= 4) sink.add(Math.imul(packed, GOLDEN) >>> shift);
    if (kind === WORD) {
      word = Math.imul(word ^ raw, FNV_PRIME);
      inWord = true;
    } else if (inWord) {
      sink.add(Math.imul(word, GOLDEN) >>> shift);
      if (previousWord !== 0) sink.add(Math.imul(previousWord ^ Math.imul(word, MUL_PAIR), GOLDEN) >>> shift);
      previousWord = word | 1;
      word = FNV_OFFSET;
      inWord = false;
    }
  }
}
