// The caller's say over the gateway's retries: `x-palisade-max-retries: N` lowers the number of
// times the gateway tries a target again (never raises it), so an SDK that retries by itself
// does not multiply its retries by the gateway's. The header is the gateway's own and is never
// forwarded to a provider.
import { GatewayError } from '../errors.js';

export const MAX_RETRIES_HEADER = 'x-palisade-max-retries';

export interface CallerRetries {
  /** Retries the caller allows per target, or undefined when it did not say. */
  maxRetries?: number;
  /** The caller's headers without the gateway's own. */
  headers?: Readonly<Record<string, string>>;
}

export function readCallerRetries(headers: Readonly<Record<string, string>> | undefined): CallerRetries {
  if (headers === undefined || !(MAX_RETRIES_HEADER in headers)) return headers === undefined ? {} : { headers };
  const { [MAX_RETRIES_HEADER]: raw, ...rest } = headers;
  const text = (raw ?? '').trim();
  // Digits only: "1e3", "0x1" or "-1" are mistakes, not numbers to guess at.
  if (!/^\d{1,3}$/.test(text)) {
    throw new GatewayError('GW_ERR_PARAM_OUT_OF_RANGE', { detail: `The ${MAX_RETRIES_HEADER} header must be a whole number from 0 to 999.` });
  }
  return { maxRetries: Number(text), headers: rest };
}
