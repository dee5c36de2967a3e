// Headers sent with every trace export, read from a file so collector credentials stay out of the
// config file and out of logs: one `Name: value` per line, blank lines and `#` comments ignored.
import { readFileSync } from 'node:fs';
import { GatewayError } from '../errors.js';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function readOtlpHeaders(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new GatewayError('GW_ERR_CONFIG_INVALID', { cause, detail: `telemetry.otlp.headers_file: cannot read ${path}` });
  }
  const headers: Record<string, string> = {};
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    // The line itself may hold a credential: only its number is reported.
    if (!HEADER_NAME.test(name)) throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `telemetry.otlp.headers_file: line ${i + 1} is not "Name: value"` });
    headers[name.toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}
