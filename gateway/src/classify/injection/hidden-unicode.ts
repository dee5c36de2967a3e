// Finds characters that hide text from a human reader: Unicode tag characters ("ASCII smuggling"),
// zero-width characters and bidirectional controls. Tag characters are also decoded, because they
// usually carry an instruction meant to be read by the model only.

export interface HiddenUnicode {
  /** Tag characters outside emoji flag sequences. */
  tags: number;
  zeroWidth: number;
  bidi: number;
  /** Text spelled with tag characters U+E0020-U+E007E, mapped back to ASCII. */
  decodedTags: string;
}

const BLACK_FLAG_HIGH = 0xd83c;
const BLACK_FLAG_LOW = 0xdff4;
/** Tag characters are U+E0000-U+E007F: high surrogate U+DB40, low surrogates U+DC00-U+DC7F. */
const TAG_HIGH = 0xdb40;
const TAG_CANCEL_LOW = 0xdc7f;

function isTagAt(text: string, i: number): boolean {
  if (text.charCodeAt(i) !== TAG_HIGH) return false;
  const low = text.charCodeAt(i + 1);
  return low >= 0xdc00 && low <= TAG_CANCEL_LOW;
}

/**
 * Length of an emoji subdivision flag (U+1F3F4, 2-6 tags for a-z/0-9, U+E007F) at `i`, or 0. These
 * flags (England, Scotland, Wales) are the one legitimate use of tag characters.
 */
function flagSequenceLength(text: string, i: number): number {
  if (text.charCodeAt(i) !== BLACK_FLAG_HIGH || text.charCodeAt(i + 1) !== BLACK_FLAG_LOW) return 0;
  let j = i + 2;
  let tags = 0;
  while (tags < 6 && isTagAt(text, j)) {
    const low = text.charCodeAt(j + 1);
    const ascii = low - 0xdc00;
    const alnum = (ascii >= 0x30 && ascii <= 0x39) || (ascii >= 0x61 && ascii <= 0x7a);
    if (!alnum) break;
    tags++;
    j += 2;
  }
  if (tags < 2 || !isTagAt(text, j) || text.charCodeAt(j + 1) !== TAG_CANCEL_LOW) return 0;
  return j + 2 - i;
}

function isAsciiLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Every character the loop below counts; most texts have none, and a regex says so quickly. */
const ANY_HIDDEN = /[\u180E\u200B-\u200D\u202A-\u202E\u2060\u2066-\u2069\u3164\uFEFF\uFFA0]|\uDB40[\uDC00-\uDC7F]/;

const NOTHING_HIDDEN: HiddenUnicode = Object.freeze({ tags: 0, zeroWidth: 0, bidi: 0, decodedTags: '' });

export function findHiddenUnicode(text: string): HiddenUnicode {
  if (!ANY_HIDDEN.test(text)) return NOTHING_HIDDEN;
  let tags = 0;
  let zeroWidth = 0;
  let bidi = 0;
  let decoded: number[] | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x180e) continue;
    if (c === BLACK_FLAG_HIGH) {
      const flag = flagSequenceLength(text, i);
      if (flag > 0) i += flag - 1;
    } else if (c === TAG_HIGH && isTagAt(text, i)) {
      tags++;
      const ascii = text.charCodeAt(i + 1) - 0xdc00;
      if (ascii >= 0x20 && ascii <= 0x7e) (decoded ??= []).push(ascii);
      i++;
    } else if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
      bidi++;
    } else if (c === 0x200c || c === 0x200d) {
      // Joiners are part of emoji sequences and of Indic and Arabic spelling; between two Latin
      // letters they only serve to break up a word.
      if (isAsciiLetterCode(text.charCodeAt(i - 1)) && isAsciiLetterCode(text.charCodeAt(i + 1))) zeroWidth++;
    } else if (c === 0x200b || c === 0x2060 || c === 0x180e || c === 0x3164 || c === 0xffa0 || (c === 0xfeff && i > 0)) {
      zeroWidth++;
    }
  }
  return { tags, zeroWidth, bidi, decodedTags: decoded === undefined ? '' : fromCodes(decoded) };
}

function fromCodes(codes: readonly number[]): string {
  // In slices: spreading a very long array into one call overflows the stack.
  let out = '';
  for (let i = 0; i < codes.length; i += 8192) out += String.fromCharCode(...codes.slice(i, i + 8192));
  return out;
}
