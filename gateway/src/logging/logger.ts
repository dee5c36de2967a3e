// The gateway's pino logger. Redaction paths are one exported constant so a test can prove that
// credentials never reach a log line; prompt and answer text are never passed to the logger at all.
import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Headers that carry credentials: the application's (Authorization, Anthropic's x-api-key, Azure's
 * api-key, Google's x-goog-api-key), cookies both ways, a proxy's credentials, and the end user's
 * token in the default `identity.user_token_header`.
 */
const SECRET_HEADERS: readonly string[] = Object.freeze([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'x-goog-api-key',
  'cookie',
  'set-cookie',
  'x-palisade-user-token',
]);

/** Where a header set may sit in a logged object: at the top, in a request or answer, or one level down. */
const HEADER_HOLDERS = ['headers', 'req.headers', 'res.headers', 'request.headers', 'response.headers', '*.headers'];

/** `a.b` where the name allows it, else `a["b-c"]` (pino's path syntax). */
function member(holder: string, name: string): string {
  const key = /^[a-z_$][a-z0-9_$]*$/i.test(name) ? `.${name}` : `["${name}"]`;
  return holder === '' ? key.replace(/^\./, '') : `${holder}${key}`;
}

function headerPaths(names: readonly string[]): string[] {
  return HEADER_HOLDERS.flatMap((holder) => names.map((name) => member(holder, name)));
}

/**
 * Paths censored in every log line. Request headers are not logged by our serializers, but any
 * object that carries credentials or prompt text under these names is censored if it ever
 * reaches the logger.
 */
export const REDACT_PATHS: readonly string[] = Object.freeze([
  ...SECRET_HEADERS.map((name) => member('', name)),
  ...headerPaths(SECRET_HEADERS),
  'api_key',
  'apiKey',
  'token',
  'access_token',
  'id_token',
  'refresh_token',
  'client_secret',
  'password',
  'secret',
  '*.authorization',
  '*.api_key',
  '*.apiKey',
  '*.token',
  '*.access_token',
  '*.id_token',
  '*.refresh_token',
  '*.client_secret',
  '*.password',
  '*.secret',
  'messages',
  '*.messages',
  'prompt',
  '*.prompt',
  'content',
  '*.content',
]);

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Where lines go; stdout when omitted. Tests pass a stream to read the lines back. */
  destination?: DestinationStream;
  base?: Record<string, string>;
  /** Further credential headers, such as a configured user token header that is not the default. */
  secretHeaders?: readonly string[];
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: options.base ?? {},
      redact: { paths: [...new Set([...REDACT_PATHS, ...headerPaths((options.secretHeaders ?? []).map((h) => h.toLowerCase()))])], censor: '[Redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}
