// The admin bearer token is read from its file by the configuration loader (never from the config
// itself, so the config can be logged and shared); this module says what it must be.
import { isIP } from 'node:net';

/** Shorter admin tokens are refused at start: they could be guessed. */
export const ADMIN_TOKEN_MIN_CHARS = 16;

/** True when only this machine can reach the address. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}
