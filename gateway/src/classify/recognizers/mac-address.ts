// MAC_ADDRESS: six hex pairs joined by colons or dashes, or Cisco's three dotted groups of four;
// all-zero and broadcast (all-F) addresses are placeholders, not devices (as Presidio).

import type { Recognizer } from './recognizer.js';

const SCORE = 0.6;
/** One separator throughout (the backreference); the lookarounds refuse a seventh pair. */
const MAC = /(?<![0-9A-Fa-f:.-])(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![0-9A-Za-z_]|[:-][0-9A-Fa-f])/g;
/** Where a MAC address must show itself; starts with a separator, which the engine finds quickly. */
const HINT = /[:-][0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}[:-]|\.[0-9A-Fa-f]{4}\./;
const PLACEHOLDER = /^[0:.-]+$|^[fF:.-]+$/;

export const macAddressRecognizer: Recognizer = {
  types: ['MAC_ADDRESS'],
  applies: (profile) => HINT.test(profile.text),
  scan(text, out) {
    MAC.lastIndex = 0;
    for (let m = MAC.exec(text); m !== null; m = MAC.exec(text)) {
      if (PLACEHOLDER.test(m[0])) continue;
      out.push({ type: 'MAC_ADDRESS', start: m.index, end: m.index + m[0].length, score: SCORE });
    }
  },
};
