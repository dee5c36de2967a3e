// The admin bearer token, read once at start from its file (never from the config itself, so the
// config can be logged and shared).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { GatewayError } from '../errors.js';

export function readAdminToken(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (cause) {
    throw new GatewayError('GW_ERR_CONFIG_INVALID', { cause, detail: `/server/admin_token_file: cannot read ${file}` });
  }
  if (token.length < 16) throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `/server/admin_token_file: the token in ${file} is shorter than 16 characters` });
  return token;
}

/** True when only this machine can reach the address. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}
