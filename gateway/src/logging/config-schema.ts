// The `log` section of the gateway configuration. Types are derived from the schema;
// docs/configuration.md is generated from it.
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../config/schema-kit.js';

export const LogSchema = Type.Object(
  {
    level: StringEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info', description: 'the least severe level written' }),
  },
  { additionalProperties: false, default: {} },
);
export type LogConfig = Static<typeof LogSchema>;
