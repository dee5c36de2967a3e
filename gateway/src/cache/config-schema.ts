// The `cache` section of the gateway configuration: the response cache. Types are derived from
// the schema; docs/configuration.md is generated from it.
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../config/schema-kit.js';

export const CacheSchema = Type.Object(
  {
    backend: StringEnum(['memory', 'redis', 'off'], { default: 'memory', description: 'where answers are kept, or `off`' }),
    max_bytes: Type.Integer({ minimum: 0, default: 64 * 1024 * 1024, description: 'upper bound of the in-memory cache, in bytes of stored answers' }),
    max_entry_bytes: Type.Integer({ minimum: 1, default: 1024 * 1024, description: 'larger answers are not stored' }),
    ttl_s: Type.Integer({ minimum: 1, default: 3600, description: 'how long an answer is kept' }),
    max_temperature: Type.Number({
      minimum: 0,
      maximum: 2,
      default: 0,
      description: 'only requests at or below this temperature are answered from the cache (an absent temperature counts as 1)',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type CacheConfig = Static<typeof CacheSchema>;
