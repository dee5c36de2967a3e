// Custom classes from configuration, compiled once: regular expressions run in re2js (linear
// time whatever the pattern or the text; no backtracking engine ever sees a user pattern), keyword
// lists become one literal alternation, and a named validator or context words score matches the
// way built-in recognizers are scored.

import { schemaAjv } from '@palisade/audit-core';
import type { ErrorObject } from 'ajv';
import { RE2JS } from 're2js';
import { GatewayError } from '../errors.js';
import type { CustomClassConfig } from './config-schema.js';
import { CustomClassSchema } from './config-schema.js';
import { boostForContext, hasContextBefore } from './context-words.js';
import { LIMITS } from './custom-limits.js';
import { isEntityType, type EntityInfo } from './entity-types.js';
import type { Found, Recognizer } from './recognizers/recognizer.js';
import { NAMED_VALIDATORS, alphanumericOnly } from './validators.js';

const DEFAULT_PATTERN_SCORE = 0.5;
const DEFAULT_KEYWORD_SCORE = 0.6;
const SCORE_VALIDATED = 1;

const validateClass = schemaAjv('all-errors').compile<CustomClassConfig>(CustomClassSchema);

export interface CompiledCustom {
  recognizers: Recognizer[];
  info: Map<string, EntityInfo>;
}

function invalid(detail: string, cause?: unknown): GatewayError {
  return new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `classify: ${detail}`, cause });
}

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ');
}

interface CompiledPattern {
  re: RE2JS;
  score: number;
}

/** Compiles one pattern in RE2 syntax, refusing what RE2 refuses, large programs and empty matches. */
function compilePattern(cls: string, regex: string, caseInsensitive: boolean): RE2JS {
  let re: RE2JS;
  try {
    re = RE2JS.compile(regex, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (err) {
    // RE2 syntax has no backreferences or lookaround; its message names the construct.
    throw invalid(`custom class ${cls}: pattern ${JSON.stringify(regex)} is not valid RE2 syntax (${err instanceof Error ? err.message : String(err)}).`, err);
  }
  const size = re.matcher('').programSize();
  if (size > LIMITS.programSize) {
    throw invalid(`custom class ${cls}: pattern ${JSON.stringify(regex)} compiles to ${size} instructions; at most ${LIMITS.programSize} are allowed.`);
  }
  if (re.matches('')) throw invalid(`custom class ${cls}: pattern ${JSON.stringify(regex)} matches the empty string.`);
  return re;
}

function escapeLiteral(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isWordCharAt(word: string, i: number): boolean {
  return /\w/.test(word.charAt(i));
}

/** One alternation of escaped literals, longest first; word boundaries only where the keyword
 * starts or ends with a word character ("C++" cannot end on one). Literals cannot backtrack. */
function keywordRegex(keywords: readonly string[], caseSensitive: boolean): RegExp {
  const alternatives = [...new Set(keywords)]
    .sort((a, b) => b.length - a.length)
    .map((k) => `${isWordCharAt(k, 0) ? '\\b' : ''}${escapeLiteral(k)}${isWordCharAt(k, k.length - 1) ? '\\b' : ''}`);
  return new RegExp(alternatives.join('|'), caseSensitive ? 'g' : 'gi');
}

function compileClass(cls: CustomClassConfig): Recognizer {
  const patterns: CompiledPattern[] = (cls.patterns ?? []).map((p) => ({
    re: compilePattern(cls.name, p.regex, p.case_insensitive === true),
    score: p.score ?? DEFAULT_PATTERN_SCORE,
  }));
  const keywords = cls.keywords !== undefined ? keywordRegex(cls.keywords, cls.keywords_case_sensitive === true) : undefined;
  const keywordScore = cls.keyword_score ?? DEFAULT_KEYWORD_SCORE;
  const validate = cls.validator === undefined ? undefined : NAMED_VALIDATORS[cls.validator];
  const context = cls.context === undefined ? undefined : new Set(cls.context.map((w) => w.toLowerCase()));
  const required = cls.context_required === true;

  function emit(text: string, out: Found[], start: number, end: number, base: number): void {
    let score = base;
    if (context !== undefined) {
      if (hasContextBefore(text, start, context)) score = boostForContext(score);
      else if (required) return;
    }
    // The policy team asked for this class: it wins ties with a built-in reading of the same span.
    out.push({ type: cls.name, start, end, score, preferred: true });
  }

  return {
    types: [cls.name],
    applies: () => true,
    scan(text, out) {
      for (const { re, score } of patterns) {
        // The DFA answers "any match at all?" much faster than the matcher finds positions.
        if (!re.test(text)) continue;
        const m = re.matcher(text);
        while (m.find()) {
          const start = m.start();
          const end = m.end();
          // A pattern such as \b can match nothing at some places; an empty match is no entity.
          if (end <= start) continue;
          if (validate !== undefined) {
            if (!validate(alphanumericOnly(text.slice(start, end)))) continue;
            emit(text, out, start, end, SCORE_VALIDATED);
          } else {
            emit(text, out, start, end, score);
          }
        }
      }
      if (keywords !== undefined) {
        keywords.lastIndex = 0;
        for (let m = keywords.exec(text); m !== null; m = keywords.exec(text)) {
          emit(text, out, m.index, m.index + m[0].length, keywordScore);
        }
      }
    },
  };
}

/** Checks and compiles the configured classes; throws GW_ERR_CONFIG_INVALID naming the problem. */
export function compileCustomClasses(classes: readonly CustomClassConfig[] | undefined): CompiledCustom {
  const recognizers: Recognizer[] = [];
  const info = new Map<string, EntityInfo>();
  if (classes === undefined) return { recognizers, info };
  if (!Array.isArray(classes) || classes.length > LIMITS.classes) throw invalid(`custom must be an array of at most ${LIMITS.classes} classes.`);
  for (const [i, cls] of classes.entries()) {
    if (!validateClass(cls)) throw invalid(`custom class #${i + 1}: ${describe(validateClass.errors)}.`);
    if (isEntityType(cls.name)) throw invalid(`custom class ${cls.name} has the name of a built-in type.`);
    if (info.has(cls.name)) throw invalid(`custom class ${cls.name} is declared twice.`);
    if (cls.patterns === undefined && cls.keywords === undefined) throw invalid(`custom class ${cls.name} needs patterns or keywords.`);
    if (cls.context_required === true && (cls.context === undefined || cls.context.length === 0)) {
      throw invalid(`custom class ${cls.name} requires context but lists no context words.`);
    }
    recognizers.push(compileClass(cls));
    info.set(cls.name, { labels: cls.labels ?? [], ...(cls.phi !== undefined ? { phi: cls.phi } : {}) });
  }
  return { recognizers, info };
}
