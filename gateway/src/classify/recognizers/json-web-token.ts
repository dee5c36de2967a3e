// JWT: three base64url parts whose first part decodes to a JSON header naming an algorithm.

import type { Found, Recognizer } from './recognizer.js';

const SCORE = 1;
/** Real headers are a few hundred bytes; anything longer is not worth decoding. */
const MAX_HEADER = 2048;

/** `eyJ` is `{"` in base64url. The empty third part allows unsigned (`alg: none`) tokens. */
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;

function hasJsonHeader(token: string): boolean {
  const dot = token.indexOf('.');
  if (dot > MAX_HEADER) return false;
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    // Not JSON: some other base64url string that happens to start with "eyJ".
    return false;
  }
}

function scan(text: string, out: Found[]): void {
  JWT.lastIndex = 0;
  for (let m = JWT.exec(text); m !== null; m = JWT.exec(text)) {
    if (hasJsonHeader(m[0])) out.push({ type: 'JWT', start: m.index, end: m.index + m[0].length, score: SCORE });
  }
}

export const jsonWebTokenRecognizer: Recognizer = {
  types: ['JWT'],
  applies: (profile) => profile.dot,
  scan,
};
