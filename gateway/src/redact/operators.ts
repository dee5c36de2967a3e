// The redaction operators a policy can choose per entity type, and the irreversible ones (mask,
// keyed hash, remove) as pure functions of a value.

import { createHmac } from 'node:crypto';

export const OPERATORS = ['placeholder', 'mask', 'hash', 'remove'] as const;
export type Operator = (typeof OPERATORS)[number];

export function isOperator(value: unknown): value is Operator {
  return typeof value === 'string' && (OPERATORS as readonly string[]).includes(value);
}

const MASK_CHAR = '*';
/** Values with at least this many letters and digits keep their last KEEP_LAST visible ("****1111"). */
const MASK_KEEP_FROM = 8;
const KEEP_LAST = 4;
/** Hex digits of the HMAC shown: 64 bits, enough to tell values apart in one ledger. */
const HASH_HEX = 16;

function isAlphanumeric(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;
}

/** Letters and digits become "*", separators stay, so "4111 1111 1111 1111" reads "**** **** **** 1111". */
export function maskValue(value: string): string {
  let alnum = 0;
  for (let i = 0; i < value.length; i++) if (isAlphanumeric(value.charCodeAt(i))) alnum++;
  let keep = alnum >= MASK_KEEP_FROM ? KEEP_LAST : 0;
  const out: string[] = [];
  for (let i = value.length - 1; i >= 0; i--) {
    const ch = value[i] ?? '';
    if (!isAlphanumeric(value.charCodeAt(i))) {
      out.push(ch);
    } else if (keep > 0) {
      out.push(ch);
      keep--;
    } else {
      out.push(MASK_CHAR);
    }
  }
  return out.reverse().join('');
}

/** How values are compared: case and separators do not make a different value ("536-22-7788" is "536 22 7788"). */
export function valueKey(type: string, value: string): string {
  return `${type}\u0000${value.toLowerCase().replace(/[\s.\-()/]/g, '')}`;
}

/** `<TYPE#hex>`: the same value and key always give the same text, and the value cannot be read back. */
export function hashValue(type: string, value: string, key: Uint8Array): string {
  const digest = createHmac('sha256', key).update(valueKey(type, value)).digest('hex');
  return `<${type}#${digest.slice(0, HASH_HEX)}>`;
}
