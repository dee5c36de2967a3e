// RFC 9562 UUIDv7 with an injected clock and randomness, so record ids are time-ordered and testable.
import { AuditCoreError } from './errors.js';

/**
 * A UUIDv7 string: 48-bit Unix milliseconds, version 7, 74 random bits, RFC variant.
 * `now` is milliseconds since the epoch; `random(n)` returns n random bytes.
 */
export function newUuidV7(now: number, random: (n: number) => Uint8Array): string {
  if (!Number.isSafeInteger(now) || now < 0 || now >= 2 ** 48) {
    throw new AuditCoreError('CORE_ERR_INVALID_ARGUMENT', { detail: `Timestamp ${now} does not fit UUIDv7's 48 bits.` });
  }
  const rand = random(10);
  if (rand.length < 10) throw new AuditCoreError('CORE_ERR_INVALID_ARGUMENT', { detail: 'UUIDv7 needs 10 random bytes.' });
  const b = Buffer.alloc(16);
  b.writeUIntBE(now, 0, 6);
  b.set(rand.subarray(0, 10), 6);
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The millisecond timestamp inside a UUIDv7. */
export function uuidV7Time(uuid: string): number {
  return Number.parseInt(uuid.replace(/-/g, '').slice(0, 12), 16);
}
