// The `classify` section of the gateway configuration: thresholds, which built-in types to look
// for, and custom classes. Types are derived from the schema, which the config loader checks with
// the rest of the file and docs/configuration.md is generated from; `classifierOptionsFromConfig`
// turns it into ClassifierOptions.
import { Type, type Static } from '@sinclair/typebox';
import { LIMITS } from './custom-limits.js';
import type { ClassifierOptions } from './types.js';
import { VALIDATOR_NAMES } from './validators.js';

const unit = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
/** A string out of a fixed set, as the JSON Schema `enum` keyword, so that errors name the allowed values. */
const oneOf = <const T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description !== undefined ? { description } : {}) });

export const CustomPatternSchema = Type.Object(
  {
    regex: Type.String({ minLength: 1, maxLength: LIMITS.patternLength, description: 'the expression; one that does not compile stops the start with its path' }),
    score: Type.Optional(unit('base score of a match, before context and validation (when absent: `0.5`)')),
    case_insensitive: Type.Optional(Type.Boolean({ description: 'match without regard to case' })),
  },
  { additionalProperties: false },
);
/** One regular expression of a custom class, in RE2 syntax (no backreferences or lookaround). */
export type CustomPatternConfig = Static<typeof CustomPatternSchema>;

export const CustomClassSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Z][A-Z0-9_]{1,63}$', description: 'the entity type reported, e.g. `EMPLOYEE_ID`; must not be a built-in type name' }),
    labels: Type.Optional(Type.Array(oneOf(['PII', 'PHI', 'SECRET'] as const), { uniqueItems: true, description: 'labels raised when a match reaches the label threshold (when absent: none)' })),
    phi: Type.Optional(oneOf(['identifier', 'health'] as const, 'part in the PHI rule: an identifier of a person, or health information')),
    patterns: Type.Optional(
      Type.Array(CustomPatternSchema, {
        minItems: 1,
        maxItems: LIMITS.patternsPerClass,
        description: 'regular expressions in RE2 syntax (no backreferences or lookaround); a class needs `patterns`, `keywords` or both',
      }),
    ),
    keywords: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: LIMITS.keywordLength }), {
        minItems: 1,
        maxItems: LIMITS.keywordsPerClass,
        description: 'literal words or phrases (never regular expressions), matched on word boundaries',
      }),
    ),
    keyword_score: Type.Optional(unit('score of a keyword match (when absent: `0.6`)')),
    keywords_case_sensitive: Type.Optional(Type.Boolean({ description: 'keywords match case-sensitively (when absent: `false`)' })),
    validator: Type.Optional(oneOf(VALIDATOR_NAMES, 'a checksum every pattern match must pass: pass scores 1.0, fail drops the match')),
    context: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z0-9]{1,16}$' }), {
        maxItems: LIMITS.contextWords,
        description: 'single words; one of them among the five words before a match raises its score',
      }),
    ),
    context_required: Type.Optional(Type.Boolean({ description: 'only matches with a context word before them are reported (when absent: `false`)' })),
  },
  { additionalProperties: false },
);
/** A data class the policy team declares; policies see it exactly like a built-in entity type. */
export type CustomClassConfig = Static<typeof CustomClassSchema>;

export const ClassifySchema = Type.Object(
  {
    min_score: Type.Optional(unit('matches scoring below this are not reported (when absent: `0`)')),
    label_threshold: Type.Optional(unit('a match raises its label (`PII`, `PHI`, `SECRET`) at this score (when absent: `0.5`)')),
    injection_threshold: Type.Optional(unit('`PROMPT_INJECTION` is reported at this injection score (when absent: `0.5`)')),
    entity_types: Type.Optional(Type.Array(Type.String(), { uniqueItems: true, description: 'built-in entity types to look for (when absent: all)' })),
    custom_classes: Type.Optional(
      Type.Array(CustomClassSchema, {
        maxItems: LIMITS.classes,
        description: 'data classes of your own; policies see them exactly like built-in entity types; see [classification.md](classification.md)',
      }),
    ),
  },
  { additionalProperties: false, default: {} },
);
export type ClassifyConfig = Static<typeof ClassifySchema>;

export function classifierOptionsFromConfig(config: ClassifyConfig = {}): ClassifierOptions {
  const options: ClassifierOptions = {};
  if (config.min_score !== undefined) options.minScore = config.min_score;
  if (config.label_threshold !== undefined) options.labelThreshold = config.label_threshold;
  if (config.injection_threshold !== undefined) options.injectionThreshold = config.injection_threshold;
  if (config.entity_types !== undefined) options.entityTypes = config.entity_types;
  if (config.custom_classes !== undefined) options.custom = config.custom_classes;
  return options;
}
