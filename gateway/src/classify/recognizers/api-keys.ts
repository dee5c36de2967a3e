// SECRET_API_KEY: credentials of well-known providers, recognised by their documented prefixes
// (OpenAI sk-, Anthropic sk-ant-, AWS AKIA/ASIA, GitHub ghp_/github_pat_, Slack xox?-).

import type { Found, Recognizer } from './recognizer.js';

/** The prefix and shape leave little doubt, but nothing checks the key against its issuer. */
const SCORE = 0.9;

/**
 * One pass for every provider. The lookbehind lets a match start only where a token starts, so a
 * long run of token characters is read once, not once per position.
 */
const API_KEY = new RegExp(
  '(?<![A-Za-z0-9_-])(?:' +
    [
      // OpenAI (sk-, sk-proj-, sk-svcacct-, sk-admin-) and Anthropic (sk-ant-api03-…).
      'sk-[A-Za-z0-9_-]{20,}',
      // AWS access key ids: long-term (AKIA), temporary (ASIA) and the rarer service prefixes.
      '(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}',
      // GitHub classic tokens (personal, OAuth, user-to-server, server-to-server, refresh).
      'gh[pousr]_[A-Za-z0-9]{36,251}',
      'github_pat_[A-Za-z0-9_]{22,255}',
      // Slack bot, user, app-level and configuration tokens.
      'xox[abposre]-[A-Za-z0-9-]{10,250}',
      'xapp-[0-9]-[A-Za-z0-9-]{10,250}',
    ].join('|') +
    ')(?![A-Za-z0-9_-])',
  'g',
);

/**
 * Provider keys are random, so they mix character kinds; an identifier such as
 * "sk-learn-model-selection-guide-2024" does not. The bare "sk-" prefix is common in ordinary
 * words, so its keys must mix digits, upper and lower case; the other prefixes are distinctive
 * enough that a digit and a letter suffice.
 */
function looksRandom(token: string): boolean {
  const body = token.slice(prefixLength(token));
  let digit = false;
  let upper = false;
  let lower = false;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c >= 48 && c <= 57) digit = true;
    else if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
  }
  if (token.startsWith('sk-')) return digit && upper && lower;
  return digit && (upper || lower);
}

function prefixLength(token: string): number {
  if (token.startsWith('github_pat_')) return 11;
  if (token.startsWith('sk-')) return 3;
  return 4;
}

function scan(text: string, out: Found[]): void {
  API_KEY.lastIndex = 0;
  for (let m = API_KEY.exec(text); m !== null; m = API_KEY.exec(text)) {
    if (!looksRandom(m[0])) continue;
    out.push({ type: 'SECRET_API_KEY', start: m.index, end: m.index + m[0].length, score: SCORE });
  }
}

export const apiKeyRecognizer: Recognizer = {
  types: ['SECRET_API_KEY'],
  applies: () => true,
  scan,
};
