// Prompt-injection detection: gathers evidence from phrase rules and hidden characters, and turns
// it into a score by noisy-OR (each piece of evidence is an independent chance of an attack).

import type { InjectionResult } from '../types.js';
import { findHiddenUnicode } from './hidden-unicode.js';
import { INJECTION_RULES, type InjectionRule } from './injection-rules.js';
import { normalisePrompt } from './normalise-prompt.js';

/** Evidence by key (a rule or a kind of hidden character), each with its signal and weight. */
export type InjectionEvidence = Map<string, { signal: string; weight: number }>;

/** Order of signals in a result, so equal inputs give equal outputs. */
const SIGNAL_ORDER = [
  'instruction_override',
  'persona_override',
  'jailbreak',
  'system_prompt_exfiltration',
  'chat_template_tokens',
  'hidden_unicode',
];

/** Tag characters have no use in prompts besides hiding text from people. */
const WEIGHT_TAGS = 0.9;
/** Bidi controls appear in some right-to-left text, so alone they do not make an attack. */
const WEIGHT_BIDI = 0.4;
/** One or two zero-width characters come with text copied from web pages; more break up words. */
const WEIGHT_FEW_ZERO_WIDTH = 0.15;
const WEIGHT_MANY_ZERO_WIDTH = 0.4;
const MANY_ZERO_WIDTH = 3;

const NEGATION_BEFORE = /(?:\bnot|\bnever|n't)\s{1,3}$/;
const NEGATION_LOOKBACK = 12;

interface CompiledRule {
  key: string;
  rule: InjectionRule;
  regex: RegExp;
  triggers: readonly string[];
}

/**
 * Trigger words, reduced so none is a prefix of another: an alternation reports one word per
 * position, so "rule" would hide "rules" there.
 */
function reduceToPrefixes(words: readonly string[]): Map<string, string> {
  const sorted = [...new Set(words)].sort((a, b) => a.length - b.length);
  const to = new Map<string, string>();
  for (const word of sorted) {
    const prefix = sorted.find((other) => other.length < word.length && word.startsWith(other));
    to.set(word, prefix === undefined ? word : (to.get(prefix) ?? prefix));
  }
  return to;
}

const TRIGGER_OF = reduceToPrefixes(INJECTION_RULES.flatMap((r) => r.anyOf));

const COMPILED: readonly CompiledRule[] = INJECTION_RULES.map((rule, i) => ({
  key: `rule:${i}`,
  rule,
  regex: new RegExp(rule.pattern.source, rule.unlessNegated ? 'g' : ''),
  triggers: rule.anyOf.map((w) => TRIGGER_OF.get(w) ?? w),
}));

/** One pass that finds every trigger word, instead of one `includes` per word and rule. */
const TRIGGERS = new RegExp(
  [...new Set(TRIGGER_OF.values())].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
  'g',
);

function triggersIn(text: string): Set<string> {
  const found = new Set<string>();
  TRIGGERS.lastIndex = 0;
  for (let m = TRIGGERS.exec(text); m !== null; m = TRIGGERS.exec(text)) {
    found.add(m[0]);
    // Step one character, not past the word: a trigger may start inside another ("developer mode").
    TRIGGERS.lastIndex = m.index + 1;
  }
  return found;
}

function matches(compiled: CompiledRule, text: string): boolean {
  const { regex, rule } = compiled;
  if (!rule.unlessNegated) return regex.test(text);
  regex.lastIndex = 0;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    const before = text.slice(Math.max(0, m.index - NEGATION_LOOKBACK), m.index);
    if (!NEGATION_BEFORE.test(before)) return true;
  }
  return false;
}

function applyRules(normalised: string, original: string, evidence: InjectionEvidence): void {
  const triggers = triggersIn(normalised);
  if (triggers.size === 0) return;
  for (const compiled of COMPILED) {
    if (evidence.has(compiled.key) || !compiled.triggers.some((t) => triggers.has(t))) continue;
    if (matches(compiled, compiled.rule.caseSensitive ? original : normalised)) {
      evidence.set(compiled.key, { signal: compiled.rule.signal, weight: compiled.rule.weight });
    }
  }
}

function addMax(evidence: InjectionEvidence, key: string, signal: string, weight: number): void {
  const had = evidence.get(key);
  if (had === undefined || had.weight < weight) evidence.set(key, { signal, weight });
}

/** Adds what `text` shows to `evidence` (shared across the messages of one prompt). */
export function collectInjectionEvidence(text: string, ascii: boolean, evidence: InjectionEvidence): void {
  if (!ascii) {
    const hidden = findHiddenUnicode(text);
    if (hidden.tags > 0) addMax(evidence, 'hidden:tags', 'hidden_unicode', WEIGHT_TAGS);
    if (hidden.bidi > 0) addMax(evidence, 'hidden:bidi', 'hidden_unicode', WEIGHT_BIDI);
    if (hidden.zeroWidth > 0) {
      const weight = hidden.zeroWidth >= MANY_ZERO_WIDTH ? WEIGHT_MANY_ZERO_WIDTH : WEIGHT_FEW_ZERO_WIDTH;
      addMax(evidence, 'hidden:zero-width', 'hidden_unicode', weight);
    }
    // Text smuggled in tag characters is read like any other text.
    if (hidden.decodedTags.length > 0) applyRules(hidden.decodedTags.toLowerCase(), hidden.decodedTags, evidence);
  }
  applyRules(normalisePrompt(text, ascii), text, evidence);
}

export function summariseInjection(evidence: InjectionEvidence, threshold: number): InjectionResult {
  let clear = 1;
  const fired = new Set<string>();
  for (const { signal, weight } of evidence.values()) {
    clear *= 1 - weight;
    fired.add(signal);
  }
  const score = Math.round((1 - clear) * 1000) / 1000;
  return {
    score,
    detected: score >= threshold,
    signals: [...SIGNAL_ORDER.filter((s) => fired.has(s)), ...[...fired].filter((s) => !SIGNAL_ORDER.includes(s)).sort()],
  };
}
