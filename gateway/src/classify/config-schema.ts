// The `classify` section of the gateway configuration: thresholds, which built-in types to look
// for, and custom classes. A JSON Schema fragment (checked by the config loader with the rest of
// the file) and its TypeScript shape; `classifierOptionsFromConfig` turns it into ClassifierOptions.

import type { SchemaObject } from 'ajv';
import { LIMITS } from './custom-limits.js';
import type { ClassifierOptions } from './types.js';
import { VALIDATOR_NAMES } from './validators.js';

/** One regular expression of a custom class, in RE2 syntax (no backreferences or lookaround). */
export interface CustomPatternConfig {
  regex: string;
  /** Presidio's base score for a match of this pattern, before context and validation. Default 0.5. */
  score?: number;
  case_insensitive?: boolean;
}

/** A data class the policy team declares; policies see it exactly like a built-in entity type.
 * It needs `patterns`, `keywords` or both (checked when the classifier is built). */
export interface CustomClassConfig {
  /** The entity type reported, e.g. EMPLOYEE_ID. Upper case; must not be a built-in type name. */
  name: string;
  /** Labels raised when a match reaches the label threshold (PII, PHI, SECRET). Default none. */
  labels?: ('PII' | 'PHI' | 'SECRET')[];
  /** Part in the PHI rule: an identifier of a person, or health information. */
  phi?: 'identifier' | 'health';
  patterns?: CustomPatternConfig[];
  /** Literal words or phrases (never regular expressions), matched on word boundaries. */
  keywords?: string[];
  /** Score of a keyword match. Default 0.6. */
  keyword_score?: number;
  /** Keywords match case-sensitively. Default false. */
  keywords_case_sensitive?: boolean;
  /** A checksum every pattern match must pass (letters and digits only are checked): pass -> 1.0, fail -> dropped. */
  validator?: string;
  /** Single words; one of them among the five words before a match raises its score (+0.35, at least 0.4). */
  context?: string[];
  /** Only matches with a context word before them are reported. Default false. */
  context_required?: boolean;
}

export interface ClassifyConfig {
  /** Matches scoring below this are not reported at all. Default 0. */
  min_score?: number;
  /** A match raises its label (PII, PHI, SECRET) when its score reaches this. Default 0.5. */
  label_threshold?: number;
  /** PROMPT_INJECTION is reported when the injection score reaches this. Default 0.5. */
  injection_threshold?: number;
  /** Built-in entity types to look for; default all. */
  entity_types?: string[];
  custom_classes?: CustomClassConfig[];
}

const unit = { type: 'number', minimum: 0, maximum: 1 } as const;

export const customClassSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{1,63}$' },
    labels: { type: 'array', uniqueItems: true, items: { type: 'string', enum: ['PII', 'PHI', 'SECRET'] } },
    phi: { type: 'string', enum: ['identifier', 'health'] },
    patterns: {
      type: 'array',
      minItems: 1,
      maxItems: LIMITS.patternsPerClass,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['regex'],
        properties: {
          regex: { type: 'string', minLength: 1, maxLength: LIMITS.patternLength },
          score: unit,
          case_insensitive: { type: 'boolean' },
        },
      },
    },
    keywords: {
      type: 'array',
      minItems: 1,
      maxItems: LIMITS.keywordsPerClass,
      items: { type: 'string', minLength: 1, maxLength: LIMITS.keywordLength },
    },
    keyword_score: unit,
    keywords_case_sensitive: { type: 'boolean' },
    validator: { type: 'string', enum: VALIDATOR_NAMES },
    context: { type: 'array', maxItems: LIMITS.contextWords, items: { type: 'string', pattern: '^[A-Za-z0-9]{1,16}$' } },
    context_required: { type: 'boolean' },
  },
};

export const classifyConfigSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  properties: {
    min_score: unit,
    label_threshold: unit,
    injection_threshold: unit,
    entity_types: { type: 'array', uniqueItems: true, items: { type: 'string' } },
    custom_classes: { type: 'array', maxItems: LIMITS.classes, items: customClassSchema },
  },
};

export function classifierOptionsFromConfig(config: ClassifyConfig = {}): ClassifierOptions {
  const options: ClassifierOptions = {};
  if (config.min_score !== undefined) options.minScore = config.min_score;
  if (config.label_threshold !== undefined) options.labelThreshold = config.label_threshold;
  if (config.injection_threshold !== undefined) options.injectionThreshold = config.injection_threshold;
  if (config.entity_types !== undefined) options.entityTypes = config.entity_types;
  if (config.custom_classes !== undefined) options.custom = config.custom_classes;
  return options;
}
