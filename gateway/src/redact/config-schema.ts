// The `redaction` section of the gateway configuration. Types are derived from the schema;
// docs/configuration.md is generated from it.
import { Type, type Static } from '@sinclair/typebox';

export const RedactionSchema = Type.Object(
  {
    restore: Type.Boolean({
      default: false,
      description: 'reversible mode: placeholders the request decision put into the prompt (`<US_SSN_1>`) are replaced by their values in the answer, whole or streamed',
    }),
    hash_key_file: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'HMAC key (at least 16 bytes) of the `hash` operator; without it each process draws a random key, so hashed values compare only within one process',
      }),
    ),
  },
  { additionalProperties: false, default: {} },
);
export type RedactionConfig = Static<typeof RedactionSchema>;
