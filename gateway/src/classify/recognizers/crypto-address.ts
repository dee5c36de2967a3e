// CRYPTO: Bitcoin addresses, as Presidio: legacy and script addresses (1…, 3…) confirmed by
// Base58Check, and segwit addresses (bc1…) confirmed by the bech32 or bech32m checksum.

import { base58CheckValid, bech32Valid } from '../validators.js';
import type { Recognizer } from './recognizer.js';

const SCORE_VALIDATED = 1;
const BASE58_ADDRESS = /\b[13][1-9A-HJ-NP-Za-km-z]{25,34}\b/g;
const BECH32_ADDRESS = /\b(?:bc1[02-9ac-hj-np-z]{11,71}|BC1[02-9AC-HJ-NP-Z]{11,71})\b/g;

export const cryptoAddressRecognizer: Recognizer = {
  types: ['CRYPTO'],
  // Every address is a run of 26 or more word characters.
  applies: (profile) => profile.longWord,
  scan(text, out) {
    BASE58_ADDRESS.lastIndex = 0;
    for (let m = BASE58_ADDRESS.exec(text); m !== null; m = BASE58_ADDRESS.exec(text)) {
      if (base58CheckValid(m[0])) out.push({ type: 'CRYPTO', start: m.index, end: m.index + m[0].length, score: SCORE_VALIDATED });
    }
    if (text.indexOf('bc1') < 0 && text.indexOf('BC1') < 0) return;
    BECH32_ADDRESS.lastIndex = 0;
    for (let m = BECH32_ADDRESS.exec(text); m !== null; m = BECH32_ADDRESS.exec(text)) {
      if (bech32Valid(m[0])) out.push({ type: 'CRYPTO', start: m.index, end: m.index + m[0].length, score: SCORE_VALIDATED });
    }
  },
};
