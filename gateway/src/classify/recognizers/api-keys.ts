// SECRET_API_KEY: credentials of well-known providers, recognised by their documented prefixes
// (OpenAI sk-, Anthropic sk-ant-, AWS AKIA/ASIA, GitHub ghp_/github_pat_, GitLab glpat-, Slack
// xox?- and webhook URLs, Google AIza, Stripe sk_live_/rk_live_, npm npm_, Hugging Face hf_,
// SendGrid SG., Azure storage account keys).

import type { TextProfile } from '../text-profile.js';
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
      // Google API keys, GitLab personal access tokens, npm and Hugging Face access tokens.
      'AIza[0-9A-Za-z_-]{35}',
      'glpat-[0-9A-Za-z_-]{20,50}',
      'npm_[A-Za-z0-9]{36}',
      'hf_[A-Za-z0-9]{34,40}',
      // Stripe secret and restricted keys (publishable pk_ keys are public by design).
      '(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,247}',
      // SendGrid: SG.<22>.<43>.
      'SG\\.[0-9A-Za-z_-]{22}\\.[0-9A-Za-z_-]{43}',
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
  // Hugging Face tokens are letters, so mixed case stands in for a digit.
  if (token.startsWith('hf_')) return upper && lower;
  return digit && (upper || lower);
}

function prefixLength(token: string): number {
  if (token.startsWith('github_pat_')) return 11;
  if (token.startsWith('sk-') || token.startsWith('hf_') || token.startsWith('SG.')) return 3;
  if (token.startsWith('glpat-')) return 6;
  if (token.startsWith('sk_') || token.startsWith('rk_')) return token.indexOf('_', 3) + 1;
  return 4;
}

/** Slack incoming-webhook URLs carry their secret in the path. */
const SLACK_WEBHOOK = /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/[A-Za-z0-9]{20,32}/g;
/** Azure storage connection strings: the account key is 64 random bytes in base64. */
const AZURE_ACCOUNT_KEY = /AccountKey=([A-Za-z0-9+/]{86}==)/g;

function scan(text: string, out: Found[], profile: TextProfile): void {
  API_KEY.lastIndex = 0;
  // Every key holds 15 or more token characters in a row; most prompts hold none.
  for (let m = profile.longToken ? API_KEY.exec(text) : null; m !== null; m = API_KEY.exec(text)) {
    if (!looksRandom(m[0])) continue;
    out.push({ type: 'SECRET_API_KEY', start: m.index, end: m.index + m[0].length, score: SCORE });
  }
  if (text.indexOf('hooks.slack.com') >= 0) {
    SLACK_WEBHOOK.lastIndex = 0;
    for (let m = SLACK_WEBHOOK.exec(text); m !== null; m = SLACK_WEBHOOK.exec(text)) {
      out.push({ type: 'SECRET_API_KEY', start: m.index, end: m.index + m[0].length, score: SCORE });
    }
  }
  if (text.indexOf('AccountKey=') >= 0) {
    AZURE_ACCOUNT_KEY.lastIndex = 0;
    for (let m = AZURE_ACCOUNT_KEY.exec(text); m !== null; m = AZURE_ACCOUNT_KEY.exec(text)) {
      const start = m.index + 'AccountKey='.length;
      out.push({ type: 'SECRET_API_KEY', start, end: m.index + m[0].length, score: SCORE });
    }
  }
}

export const apiKeyRecognizer: Recognizer = {
  types: ['SECRET_API_KEY'],
  applies: () => true,
  scan,
};
