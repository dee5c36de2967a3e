// Checksums and check digits that confirm pattern matches (Presidio: pass -> score 1.0, fail ->
// dropped). Each takes the value with separators already removed and never throws.

import { createHash } from 'node:crypto';

/** Luhn (mod 10) over a string of ASCII digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** True when every character is the same (0000…, 1111…), which checksums often let through. */
export function isOneRepeatedChar(value: string): boolean {
  for (let i = 1; i < value.length; i++) if (value.charCodeAt(i) !== value.charCodeAt(0)) return false;
  return true;
}

/** Keeps ASCII letters and digits only (drops spaces, dashes, dots). */
export function alphanumericOnly(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) out += value[i];
  }
  return out;
}

/**
 * ISO 7064 MOD 97-10 as IBANs use it: move the first four characters to the end, read letters as
 * 10-35, and the whole number must leave remainder 1 modulo 97. Computed digit by digit, so any
 * length works without big integers.
 */
export function mod97Valid(value: string): boolean {
  if (value.length < 5) return false;
  const rearranged = value.slice(4) + value.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i) | 0x20;
    if (c >= 48 && c <= 57) {
      remainder = (remainder * 10 + (c - 48)) % 97;
    } else if (c >= 97 && c <= 122) {
      remainder = (remainder * 100 + (c - 87)) % 97;
    } else {
      return false;
    }
  }
  return remainder === 1;
}

function digitAt(value: string, i: number): number {
  return value.charCodeAt(i) - 48;
}

function allDigits(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const d = digitAt(value, i);
    if (d < 0 || d > 9) return false;
  }
  return true;
}

/** ABA routing transit number: weights 3, 7, 1 repeated over the nine digits, sum divisible by 10. */
export function abaRoutingValid(digits: string): boolean {
  if (digits.length !== 9 || !allDigits(digits) || isOneRepeatedChar(digits)) return false;
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += digitAt(digits, i) * (weights[i] ?? 0);
  return sum % 10 === 0;
}

/** NHS number: weights 10 down to 2 over the first nine digits; 11 - (sum mod 11) is the tenth (11 -> 0, 10 -> invalid). */
export function ukNhsValid(digits: string): boolean {
  if (digits.length !== 10 || !allDigits(digits) || isOneRepeatedChar(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += digitAt(digits, i) * (10 - i);
  let check = 11 - (sum % 11);
  if (check === 11) check = 0;
  return check !== 10 && check === digitAt(digits, 9);
}

/** US National Provider Identifier: Luhn over "80840" followed by the ten digits (CMS). */
export function usNpiValid(digits: string): boolean {
  if (digits.length !== 10 || !allDigits(digits) || isOneRepeatedChar(digits.slice(1))) return false;
  const first = digits.charCodeAt(0);
  return (first === 49 || first === 50) && luhnValid(`80840${digits}`);
}

/**
 * DEA registration number: two letters and seven digits; (d1 + d3 + d5) + 2 * (d2 + d4 + d6) ends
 * in d7. The first letter is the registrant type, the second the registrant's surname initial or 9.
 */
export function deaValid(value: string): boolean {
  if (value.length !== 9) return false;
  const digits = value.slice(2);
  if (!allDigits(digits)) return false;
  const d = (i: number): number => digitAt(digits, i);
  const sum = d(0) + d(2) + d(4) + 2 * (d(1) + d(3) + d(5));
  return sum % 10 === d(6);
}

const VIN_VALUES: Readonly<Record<string, number>> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
  S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
};
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/** North American VIN check digit (49 CFR 565): weighted sum mod 11 in position 9, 10 written X. */
export function vinValid(vin: string): boolean {
  if (vin.length !== 17) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const ch = vin[i] ?? '';
    const c = vin.charCodeAt(i);
    const value = c >= 48 && c <= 57 ? c - 48 : VIN_VALUES[ch];
    if (value === undefined) return false;
    sum += value * (VIN_WEIGHTS[i] ?? 0);
  }
  const check = sum % 11;
  const written = vin[8];
  return check === 10 ? written === 'X' : written === String(check);
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BASE58_INDEX = new Map([...BASE58].map((ch, i) => [ch.charCodeAt(0), i]));

/** Decodes base58 (Bitcoin alphabet); null when a character is outside it. Inputs are short (< 120). */
function base58Decode(value: string): Uint8Array | null {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    let carry = BASE58_INDEX.get(value.charCodeAt(i));
    if (carry === undefined) return null;
    for (let j = 0; j < bytes.length; j++) {
      carry += (bytes[j] ?? 0) * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (let i = 0; i < value.length && value[i] === '1'; i++) bytes.push(0);
  return Uint8Array.from(bytes.reverse());
}

/** Base58Check: the last four bytes are the first four of SHA-256(SHA-256(payload)). */
export function base58CheckValid(value: string): boolean {
  if (value.length < 6 || value.length > 120) return false;
  const bytes = base58Decode(value);
  if (bytes === null || bytes.length < 5) return false;
  const payload = bytes.subarray(0, bytes.length - 4);
  const first = createHash('sha256').update(payload).digest();
  const second = createHash('sha256').update(first).digest();
  for (let i = 0; i < 4; i++) if (second[i] !== bytes[bytes.length - 4 + i]) return false;
  return true;
}

const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
/** BIP-173 (bech32) and BIP-350 (bech32m) checksum constants. */
const BECH32_CONST = 1;
const BECH32M_CONST = 0x2bc830a3;

function bech32Polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= BECH32_GENERATOR[i] ?? 0;
  }
  return chk >>> 0;
}

/** Bech32 or bech32m checksum of a whole address such as "bc1q…" (one case only, at most 90 chars). */
export function bech32Valid(address: string): boolean {
  if (address.length < 8 || address.length > 90) return false;
  if (address !== address.toLowerCase() && address !== address.toUpperCase()) return false;
  const lower = address.toLowerCase();
  const sep = lower.lastIndexOf('1');
  if (sep < 1 || sep + 7 > lower.length) return false;
  const hrp = lower.slice(0, sep);
  const values: number[] = [];
  for (let i = 0; i < hrp.length; i++) values.push(hrp.charCodeAt(i) >> 5);
  values.push(0);
  for (let i = 0; i < hrp.length; i++) values.push(hrp.charCodeAt(i) & 31);
  for (let i = sep + 1; i < lower.length; i++) {
    const v = BECH32_CHARSET.indexOf(lower[i] ?? '');
    if (v < 0) return false;
    values.push(v);
  }
  const mod = bech32Polymod(values);
  return mod === BECH32_CONST || mod === BECH32M_CONST;
}

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/** Verhoeff dihedral check digit (used by India's Aadhaar, among others). */
export function verhoeffValid(digits: string): boolean {
  if (digits.length < 2 || !allDigits(digits)) return false;
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digitAt(digits, digits.length - 1 - i);
    c = VERHOEFF_D[c]?.[VERHOEFF_P[i % 8]?.[d] ?? 0] ?? 0;
  }
  return c === 0;
}

/** Validators custom classes may name in configuration; each gets the match with separators removed. */
export const NAMED_VALIDATORS: Readonly<Record<string, (value: string) => boolean>> = {
  luhn: (v) => allDigits(v) && !isOneRepeatedChar(v) && luhnValid(v),
  mod97: (v) => mod97Valid(v),
  aba_routing: abaRoutingValid,
  uk_nhs: ukNhsValid,
  us_npi: usNpiValid,
  dea: (v) => deaValid(v.toUpperCase()),
  vin: (v) => vinValid(v.toUpperCase()),
  base58check: base58CheckValid,
  bech32: bech32Valid,
  verhoeff: verhoeffValid,
};

export const VALIDATOR_NAMES = Object.keys(NAMED_VALIDATORS);
