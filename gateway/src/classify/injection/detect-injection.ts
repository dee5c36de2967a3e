// Prompt-injection detection: gathers evidence from phrase rules (on the text as written, with
// look-alike letters, spacing and leetspeak undone, and inside decoded payloads and tag-smuggled
// text), hidden characters and the trained model, and turns it into a score by noisy-OR (each
// piece of evidence is an independent chance of an attack).

import type { TextProfile } from '../text-profile.js';
import type { InjectionResult } from '../types.js';
import { findEncodedPayloads, MAX_DEPTH, REVERSED_WORDS, ROT13_WORDS } from './decode-payloads.js';
import { findHiddenUnicode } from './hidden-unicode.js';
import { injectionModel } from './injection-model.js';
import { INJECTION_RULES, type InjectionRule } from './injection-rules.js';
import { normalisePrompt, undoObfuscation } from './normalise-prompt.js';

/** Evidence by key (a rule or a kind of hidden character), each with its signal and weight. */
export type InjectionEvidence = Map<string, { signal: string; weight: number }>;

/** Order of signals in a result, so equal inputs give equal outputs. */
const SIGNAL_ORDER = [
  'instruction_override',
  'persona_override',
  'role_play',
  'jailbreak',
  'system_prompt_exfiltration',
  'data_exfiltration',
  'response_manipulation',
  'malicious_code',
  'chat_template_tokens',
  'hidden_unicode',
  'obfuscation',
  'encoded_payload',
  'model',
];

/** Tag characters have no use in prompts besides hiding text from people. */
const WEIGHT_TAGS = 0.9;
/** Bidi controls appear in some right-to-left text, so alone they do not make an attack. */
const WEIGHT_BIDI = 0.4;
/** One or two zero-width characters come with text copied from web pages; more break up words. */
const WEIGHT_FEW_ZERO_WIDTH = 0.15;
const WEIGHT_MANY_ZERO_WIDTH = 0.4;
const MANY_ZERO_WIDTH = 3;

/** A phrase that only shows once look-alike letters, spacing or leetspeak are undone. */
const WEIGHT_OBFUSCATION = 0.35;
/** A phrase found inside base64, hex, percent-encoding, rot13 or reversed text. */
const WEIGHT_ENCODED = 0.4;
/** The model's evidence: at its threshold (chosen on training data) it is enough on its own, at
 * 0.5; it grows to WEIGHT_MODEL_MAX at certainty, and below the threshold, down to
 * MODEL_SUPPORT_BAND under it, it is weaker evidence that needs another signal beside it. */
const WEIGHT_MODEL_AT_THRESHOLD = 0.5;
const WEIGHT_MODEL_MAX = 0.85;
const WEIGHT_MODEL_SUPPORT = 0.3;
const MODEL_SUPPORT_BAND = 0.25;
/**
 * Injections and jailbreaks address the model ("you", "your", "AI", "assistant"). The model also
 * scores long prose high (most long texts it learnt from were jailbreaks), so in a text that
 * addresses no one its evidence stays just below what detects on its own.
 */
const ADDRESSES_THE_MODEL = /\b(?:you|your|yours|yourself|you're|youre|ai|chatgpt|gpt|assistant|chatbot|bot|llm|model)\b/;
const WEIGHT_MODEL_UNADDRESSED = 0.45;

function modelWeight(p: number, threshold: number): number {
  let weight: number;
  if (p >= threshold) {
    weight = WEIGHT_MODEL_AT_THRESHOLD + ((WEIGHT_MODEL_MAX - WEIGHT_MODEL_AT_THRESHOLD) * (p - threshold)) / (1 - threshold || 1);
  } else if (p >= threshold - MODEL_SUPPORT_BAND) {
    weight = (WEIGHT_MODEL_SUPPORT * (p - (threshold - MODEL_SUPPORT_BAND))) / MODEL_SUPPORT_BAND;
  } else {
    return 0;
  }
  return Math.round(weight * 1000) / 1000;
}

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

const TRIGGER_OF = reduceToPrefixes([...INJECTION_RULES.flatMap((r) => r.anyOf), ...ROT13_WORDS, ...REVERSED_WORDS]);

const COMPILED: readonly CompiledRule[] = INJECTION_RULES.map((rule, i) => ({
  key: `rule:${i}`,
  rule,
  regex: new RegExp(rule.pattern.source, rule.unlessNegated ? 'g' : ''),
  triggers: rule.anyOf.map((w) => TRIGGER_OF.get(w) ?? w),
}));

const ROT13_TRIGGERS = ROT13_WORDS.map((w) => TRIGGER_OF.get(w) ?? w);
const REVERSED_TRIGGERS = REVERSED_WORDS.map((w) => TRIGGER_OF.get(w) ?? w);

const ALL_TRIGGERS = [...new Set(TRIGGER_OF.values())];
/** Triggers that begin with a letter are looked for at word starts only, in one pass; the engine
 * runs `\b(?:…)` several times faster than the same alternation tried at every position. */
const WORD_TRIGGERS = new RegExp(
  `\\b(?:${ALL_TRIGGERS.filter((w) => /^[a-z]/.test(w)).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`,
  'g',
);
/** The few triggers made of signs ("<|", "[inst]", "![") are found with indexOf. */
const SIGN_TRIGGERS = ALL_TRIGGERS.filter((w) => !/^[a-z]/.test(w));

function triggersIn(text: string): Set<string> {
  const found = new Set<string>();
  WORD_TRIGGERS.lastIndex = 0;
  for (let m = WORD_TRIGGERS.exec(text); m !== null; m = WORD_TRIGGERS.exec(text)) {
    found.add(m[0]);
    // Step one character, not past the word: a trigger may start inside another ("developer mode").
    WORD_TRIGGERS.lastIndex = m.index + 1;
  }
  for (const sign of SIGN_TRIGGERS) if (text.indexOf(sign) >= 0) found.add(sign);
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

/** Adds the rules that fire on `normalised`, keyed as in the evidence; returns the triggers seen. */
function applyRules(normalised: string, original: string, evidence: InjectionEvidence): ReadonlySet<string> {
  const triggers = triggersIn(normalised);
  if (triggers.size === 0) return triggers;
  for (const compiled of COMPILED) {
    if (evidence.has(compiled.key) || !compiled.triggers.some((t) => triggers.has(t))) continue;
    if (matches(compiled, compiled.rule.caseSensitive ? original : normalised)) {
      evidence.set(compiled.key, { signal: compiled.rule.signal, weight: compiled.rule.weight });
    }
  }
  return triggers;
}

function addMax(evidence: InjectionEvidence, key: string, signal: string, weight: number): void {
  const had = evidence.get(key);
  if (had === undefined || had.weight < weight) evidence.set(key, { signal, weight });
}

/** Runs the rules on a derived text (decoded, de-obfuscated); true when it shows a rule `evidence` lacked. */
function applyRulesToDerived(derived: string, evidence: InjectionEvidence): boolean {
  const found: InjectionEvidence = new Map();
  applyRules(derived, derived, found);
  return copyNew(found, evidence);
}

function copyNew(found: InjectionEvidence, evidence: InjectionEvidence): boolean {
  let added = false;
  for (const [key, value] of found) {
    if (evidence.has(key)) continue;
    evidence.set(key, value);
    added = true;
  }
  return added;
}

/** Decodes payloads in `text`, reads them, and decodes what they contain in turn, up to MAX_DEPTH. */
function readEncoded(text: string, lower: string, triggers: ReadonlySet<string>, depth: number, budget: { chars: number; payloads: number; depth: number }, evidence: InjectionEvidence): void {
  const hints = { rot13: ROT13_TRIGGERS.some((t) => triggers.has(t)), reversed: REVERSED_TRIGGERS.some((t) => triggers.has(t)) };
  for (const payload of findEncodedPayloads(text, lower, hints, budget)) {
    budget.depth = Math.max(budget.depth, depth + 1);
    const decodedLower = payload.text.toLowerCase();
    const found: InjectionEvidence = new Map();
    const inner = applyRules(decodedLower, decodedLower, found);
    if (copyNew(found, evidence)) addMax(evidence, 'encoded', 'encoded_payload', WEIGHT_ENCODED);
    if (depth + 1 < MAX_DEPTH) readEncoded(payload.text, decodedLower, inner, depth + 1, budget, evidence);
  }
}

/** Adds what one text shows to `evidence` (shared across the messages of one prompt). */
export function collectInjectionEvidence(profile: TextProfile, evidence: InjectionEvidence): void {
  const text = profile.text;
  const lower = profile.lower;
  let normalised = lower;
  if (profile.nonAscii) {
    const hidden = findHiddenUnicode(text);
    if (hidden.tags > 0) addMax(evidence, 'hidden:tags', 'hidden_unicode', WEIGHT_TAGS);
    if (hidden.bidi > 0) addMax(evidence, 'hidden:bidi', 'hidden_unicode', WEIGHT_BIDI);
    if (hidden.zeroWidth > 0) {
      const weight = hidden.zeroWidth >= MANY_ZERO_WIDTH ? WEIGHT_MANY_ZERO_WIDTH : WEIGHT_FEW_ZERO_WIDTH;
      addMax(evidence, 'hidden:zero-width', 'hidden_unicode', weight);
    }
    // Text smuggled in tag characters is read like any other text.
    if (hidden.decodedTags.length > 0) applyRulesToDerived(hidden.decodedTags.toLowerCase(), evidence);
    normalised = normalisePrompt(text, false);
  }
  const triggers = applyRules(lower, text, evidence);
  // What only shows after folding look-alikes and removing invisible characters was hidden on purpose.
  if (normalised !== lower && applyRulesToDerived(normalised, evidence)) addMax(evidence, 'obfuscation', 'obfuscation', WEIGHT_OBFUSCATION);
  // NFKC can turn other characters into digits, so only an ASCII text without digits has none.
  const undone = undoObfuscation(normalised, profile.digit || profile.nonAscii);
  if (undone !== null && applyRulesToDerived(undone, evidence)) addMax(evidence, 'obfuscation', 'obfuscation', WEIGHT_OBFUSCATION);
  const budget = { chars: 0, payloads: 0, depth: 0 };
  readEncoded(text, lower, triggers, 0, budget, evidence);
  const work = profile.work;
  work.decodedPayloads += budget.payloads;
  work.decodedChars += budget.chars;
  work.decodeDepth = Math.max(work.decodeDepth, budget.depth);

  const probability = injectionModel.score(undone ?? normalised, work);
  let weight = modelWeight(probability, injectionModel.threshold);
  if (weight > WEIGHT_MODEL_UNADDRESSED && !ADDRESSES_THE_MODEL.test(undone ?? normalised)) weight = WEIGHT_MODEL_UNADDRESSED;
  if (weight > 0) addMax(evidence, 'model', 'model', weight);
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
