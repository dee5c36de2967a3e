// PRIVATE_KEY: PEM and OpenSSH/PGP armoured private key blocks, from the BEGIN line to the END line
// (or to the end of the key body when the block was cut off).

import type { Found, Recognizer } from './recognizer.js';

const SCORE_COMPLETE = 1;
/** A block without its END line is still key material, only less certainly all of it. */
const SCORE_TRUNCATED = 0.9;

const BEGIN_MARK = '-----BEGIN ';
const END_MARK = '-----END ';
/** "RSA ", "EC ", "DSA ", "OPENSSH ", "ENCRYPTED ", "PGP … BLOCK" and the plain PKCS #8 form. */
const BEGIN_LINE = /-----BEGIN ((?:[A-Z0-9]+ ){0,3})PRIVATE KEY( BLOCK)?-----/y;

function isBase64Char(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61;
}

/** "Proc-Type: 4,ENCRYPTED" and "DEK-Info: …" lines of legacy encrypted PEM. */
const PEM_HEADER_LINE = /^[A-Za-z][A-Za-z-]{0,30}: [^\n]{0,200}$/;
/** A shorter line made of letters only ("thanks") is more likely prose than the tail of a key. */
const MIN_LETTERS_ONLY_LINE = 16;

function isBodyLine(line: string): boolean {
  if (PEM_HEADER_LINE.test(line)) return true;
  let lettersOnly = true;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (!isBase64Char(c)) return false;
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) lettersOnly = false;
  }
  return !lettersOnly || line.length >= MIN_LETTERS_ONLY_LINE;
}

/** End of a key body cut short: the last of the lines that read as key body. */
function truncatedBodyEnd(text: string, from: number): number {
  let end = from;
  let lineStart = from;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    if (line.length > 0) {
      if (!isBodyLine(line)) break;
      end = lineStart + line.length;
    }
    lineStart = lineEnd + 1;
  }
  return end;
}

function scan(text: string, out: Found[]): void {
  let from = 0;
  // Position of the next END line at or after `from`; kept between blocks so that many BEGIN lines
  // without END lines do not each search the rest of the text.
  let nextEnd = -2;
  for (;;) {
    const begin = text.indexOf(BEGIN_MARK, from);
    if (begin < 0) return;
    BEGIN_LINE.lastIndex = begin;
    const header = BEGIN_LINE.exec(text);
    if (header === null) {
      from = begin + BEGIN_MARK.length;
      continue;
    }
    const bodyStart = begin + header[0].length;
    if (nextEnd !== -1 && nextEnd < bodyStart) nextEnd = text.indexOf(END_MARK, bodyStart);
    const endLine = `${END_MARK}${header[1] ?? ''}PRIVATE KEY${header[2] ?? ''}-----`;
    let end: number;
    let score: number;
    if (nextEnd >= 0 && text.startsWith(endLine, nextEnd)) {
      end = nextEnd + endLine.length;
      score = SCORE_COMPLETE;
    } else {
      end = truncatedBodyEnd(text, bodyStart);
      score = SCORE_TRUNCATED;
    }
    out.push({ type: 'PRIVATE_KEY', start: begin, end, score });
    from = Math.max(end, bodyStart);
  }
}

export const privateKeyRecognizer: Recognizer = {
  types: ['PRIVATE_KEY'],
  applies: (profile) => profile.fence,
  scan,
};
