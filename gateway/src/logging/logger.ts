// The gateway's pino logger. Redaction paths are one exported constant so a test can prove that
// credentials never reach a log line; prompt and answer text are never passed to the logger at all.
import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Paths censored in every log line. Request headers are not logged by our serializers, but any
 * object that carries credentials under these names is censored if it ever reaches the logger.
 */
export const REDACT_PATHS: readonly string[] = Object.freeze([
  'authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'api_key',
  'apiKey',
  'token',
  'access_token',
  'id_token',
  'secret',
  '*.authorization',
  '*.api_key',
  '*.apiKey',
  '*.token',
  '*.access_token',
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
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: options.base ?? {},
      redact: { paths: [...REDACT_PATHS], censor: '[Redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}
