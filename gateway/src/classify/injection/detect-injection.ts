// Prompt-injection detection: gathers evidence from phrase rules (on the text as written, with
// look-alike letters, spacing and leetspeak undone, and inside decoded payloads and tag-smuggled
// text), hidden characters and the trained model, and turns it into a score by noisy-OR (each
// piece of evidence is an independent chance of an attack).

import { profileText, type TextProfile } from '../text-profile.js';
import type { ClassifyWork } from '../work.js';
import type { InjectionResult } from '../types.js';
import { findEncodedPayloads, MAX_DEPTH, REVERSED_WORDS, ROT13_WORDS } from './decode-payloads.js';
import { findHiddenUnicode, type HiddenUnicode } from './hidden-unicode.js';
import { injectionModel, type InjectionModel } from './injection-model.js';
import { INJECTION_RULES, type InjectionRule } from './injection-rules.js';
import { findIntentCues, foldForCues, type IntentCue } from './intent-cues.js';
import { DocumentKind } from './document-kind.js';
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
  'prompt_extraction',
  'data_exfiltration',
  'response_manipulation',
  'malicious_code',
  'chat_template_tokens',
  'fake_system_message',
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

/** Signals that say what the text wants from the model; without a strong one, the model's evidence
 * on formal prose, code or questions about attacks stays below what detects on its own. */
const INTENT_SIGNALS = new Set(['instruction_override', 'system_prompt_exfiltration', 'persona_override', 'role_play', 'fake_system_message', 'chat_template_tokens']);

/** A chat message object opened right after closing the one the text sits in: `"}, {"role": "system"`. */
const ROLE_BREAKOUT = /["'}\]]\s{0,8}[}\]]\s{0,8},?\s{0,8}\{\s{0,8}["']?role["']?\s{0,4}:\s{0,4}["'](?:system|developer|assistant)["']/;
const WEIGHT_ROLE_BREAKOUT = 0.7;
/** A prompt that opens by closing a JSON string and its object: text meant to escape a template. */
const OPENS_BY_CLOSING = /^\s{0,8}["']\s{0,8}[}\]]\s{0,8}[}\]]/;
const WEIGHT_OPENS_BY_CLOSING = 0.35;
/** A JSON string closed, then a key that sets the model's orders: `"}], "system": "…"`. */
const KEY_BREAKOUT = /["'][}\]]{1,3}\s{0,8},\s{0,8}["'](?:system|instructions?|developer|system_prompt)["']\s{0,4}:/;
/** The document the text sits in closed, then a tag of orders opened: `</document><instructions>`. */
const TAG_BREAKOUT =
  /<\/(?:document|context|data|input|email|user|user_input|text|article|webpage|page|search_results?|tool_output|content|message)>\s{0,16}<(?:instructions?|system|admin|developer|prompt|system_prompt|assistant)\b/;
const WEIGHT_BREAKOUT = 0.7;

function hasIntent(evidence: InjectionEvidence, minWeight = 0): boolean {
  for (const { signal, weight } of evidence.values()) if (INTENT_SIGNALS.has(signal) && weight >= minWeight) return true;
  return false;
}

/**
 * Questions about attacks ("what does 'ignore previous instructions' mean?", "how do I protect my
 * bot from…") quote the phrases they ask about. In such a text a phrase found only inside quotes
 * keeps under a third of its weight, and the model alone does not detect.
 */
const ASKS_ABOUT =
  /\bwhat does ["'“‘][^"'”’\n]{1,100}["'”’] mean\b|\bwhat (?:is|are) (?:a |an )?(?:prompt injections?|jailbreaks?|injection attacks?)\b|\bhow (?:do|can|should|would) (?:i|we) (?:protect|defend|prevent|detect|stop|block|test)\b/;
const QUOTED = /"[^"\n]{1,300}"|“[^”\n]{1,300}”|(?<![a-z])'[^'\n]{1,300}'(?![a-z])|‘[^’\n]{1,300}’|«[^»\n]{1,300}»|「[^」\n]{1,300}」/g;
const DISCUSSED_FACTOR = 0.3;
/** Intent rules and cues in formal prose or code keep half their weight: enough beside another
 * signal, not alone. Signals that never name software chores (template tokens, hidden text,
 * malicious code) keep theirs. */
const DAMPED_IN_DOCUMENTS = new Set(['instruction_override', 'system_prompt_exfiltration', 'persona_override', 'role_play']);
const DOCUMENT_FACTOR = 0.5;
/** What the model says about formal prose and questions about attacks: its n-grams are those of the
 * attacks such texts quote or resemble, so it only tips a case other evidence has nearly made. */
const WEIGHT_MODEL_IN_DOCUMENTS = 0.1;

/** Damps the rules of `found` that match only inside quotes of `lower`; `lower` holds some. */
function dampQuoted(lower: string, found: InjectionEvidence): void {
  const unquoted = lower.replace(QUOTED, ' " ');
  if (unquoted === lower) return;
  const outside: InjectionEvidence = new Map();
  applyRules(unquoted, unquoted, outside);
  for (const [key, value] of found) {
    if (!outside.has(key)) found.set(key, { signal: value.signal, weight: Math.round(value.weight * DISCUSSED_FACTOR * 1000) / 1000 });
  }
}

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

export type DecodeBudget = { chars: number; payloads: number; depth: number };

/** Whether words of the rules show spelled in rot13 or backwards, so such text is worth decoding. */
export interface EncodingHints {
  rot13: boolean;
  reversed: boolean;
}

export function hintsOf(triggers: ReadonlySet<string>): EncodingHints {
  return { rot13: ROT13_TRIGGERS.some((t) => triggers.has(t)), reversed: REVERSED_TRIGGERS.some((t) => triggers.has(t)) };
}

/** Decodes payloads in `text`, reads them, and decodes what they contain in turn, up to MAX_DEPTH. */
function readEncoded(
  text: string,
  lower: string,
  triggers: ReadonlySet<string>,
  depth: number,
  budget: DecodeBudget,
  evidence: InjectionEvidence,
  hints: EncodingHints = hintsOf(triggers),
): void {
  for (const payload of findEncodedPayloads(text, lower, hints, budget)) {
    budget.depth = Math.max(budget.depth, depth + 1);
    const decodedLower = payload.text.toLowerCase();
    const found: InjectionEvidence = new Map();
    const inner = applyRules(decodedLower, decodedLower, found);
    if (copyNew(found, evidence)) addMax(evidence, 'encoded', 'encoded_payload', WEIGHT_ENCODED);
    if (depth + 1 < MAX_DEPTH) readEncoded(payload.text, decodedLower, inner, depth + 1, budget, evidence);
  }
}

/**
 * Adds the phrase rules of one text (`found`) and its intent cues to `evidence`. `cuesOutside`
 * holds the cues still found with quoted passages removed (null when the text is no question
 * about attacks).
 */
function addIntentEvidence(found: InjectionEvidence, cues: readonly IntentCue[], cuesOutside: ReadonlySet<string> | null, kind: DocumentKind, evidence: InjectionEvidence): void {
  // Rules and cues of one signal read the same intent: the stronger reading counts, not both.
  const ruleWeight = new Map<string, number>();
  for (const { signal, weight } of found.values()) ruleWeight.set(signal, Math.max(ruleWeight.get(signal) ?? 0, weight));
  const cueWins = new Set<string>();
  for (const cue of cues) {
    if ((ruleWeight.get(cue.signal) ?? 0) >= cue.weight) continue;
    cueWins.add(cue.signal);
    let weight = cuesOutside === null || cuesOutside.has(cue.key) ? cue.weight : cue.weight * DISCUSSED_FACTOR;
    if (kind.document) weight *= DOCUMENT_FACTOR;
    addMax(evidence, cue.key, cue.signal, Math.round(weight * 1000) / 1000);
  }
  // A phrase about instructions in a specification, a policy or a code comment is more often about
  // software; damped rules of one signal count once (the strongest), as phrasings of one chore.
  const damp = found.size > 0 && [...found.values()].some((e) => DAMPED_IN_DOCUMENTS.has(e.signal)) && kind.document;
  const strongest = new Map<string, number>();
  if (damp) for (const { signal, weight } of found.values()) strongest.set(signal, Math.max(strongest.get(signal) ?? 0, weight));
  for (const [key, { signal, weight }] of found) {
    if (cueWins.has(signal)) continue;
    if (!damp || !DAMPED_IN_DOCUMENTS.has(signal)) addMax(evidence, key, signal, weight);
    else if (strongest.get(signal) === weight) {
      strongest.delete(signal);
      addMax(evidence, key, signal, Math.round(weight * DOCUMENT_FACTOR * 1000) / 1000);
    }
  }
}

export function newDecodeBudget(): DecodeBudget {
  return { chars: 0, payloads: 0, depth: 0 };
}

/** Adds the evidence of hidden characters, and of text spelled in tag characters, to `evidence`. */
export function addHiddenUnicode(hidden: HiddenUnicode, evidence: InjectionEvidence): void {
  if (hidden.tags > 0) addMax(evidence, 'hidden:tags', 'hidden_unicode', WEIGHT_TAGS);
  if (hidden.bidi > 0) addMax(evidence, 'hidden:bidi', 'hidden_unicode', WEIGHT_BIDI);
  if (hidden.zeroWidth > 0) {
    const weight = hidden.zeroWidth >= MANY_ZERO_WIDTH ? WEIGHT_MANY_ZERO_WIDTH : WEIGHT_FEW_ZERO_WIDTH;
    addMax(evidence, 'hidden:zero-width', 'hidden_unicode', weight);
  }
  // Text smuggled in tag characters is read like any other text. Its rules count at full weight
  // even where the text also says them openly in a damped way.
  if (hidden.decodedTags.length > 0) {
    const found: InjectionEvidence = new Map();
    applyRules(hidden.decodedTags.toLowerCase(), hidden.decodedTags.toLowerCase(), found);
    for (const [key, { signal, weight }] of found) addMax(evidence, key, signal, weight);
  }
}

/** What the later steps of reading a text need from its first: the forms of the text and what they showed. */
export interface PlainReading {
  text: string;
  lower: string;
  /** NFKC with look-alikes folded, lower case: `lower` for ASCII text. */
  normalised: string;
  /** `normalised` with spaced-out letters and leetspeak undone, or null when there was none. */
  undone: string | null;
  triggers: ReadonlySet<string>;
  /** The text asks about attacks in so many words. */
  asks: boolean;
}

/**
 * Adds the phrase rules, intent cues and template break-outs of a text (or of one window of a long
 * text) to `evidence`. `kind` is that of the whole text; `atStart` says the text opens the prompt.
 */
export function readPlain(profile: TextProfile, evidence: InjectionEvidence, kind: DocumentKind, atStart: boolean): PlainReading {
  const text = profile.text;
  const lower = profile.lower;
  const normalised = profile.nonAscii ? normalisePrompt(text, false) : lower;
  const { cues, defence } = findIntentCues(foldForCues(normalised, !profile.nonAscii));
  const asks = ASKS_ABOUT.test(lower);
  const discussion = asks || (defence && lower.includes('?'));
  const found: InjectionEvidence = new Map();
  const triggers = applyRules(lower, text, found);
  if (discussion && found.size > 0) dampQuoted(lower, found);
  const cuesOutside = discussion && cues.length > 0 ? new Set(findIntentCues(foldForCues(normalised.replace(QUOTED, ' " '), !profile.nonAscii)).cues.map((c) => c.key)) : null;
  addIntentEvidence(found, cues, cuesOutside, kind, evidence);
  // Break-outs close a JSON object or array, or an element; prose has neither sign.
  if (lower.includes('}') || lower.includes(']')) {
    if (ROLE_BREAKOUT.test(lower)) addMax(evidence, 'breakout:role', 'fake_system_message', WEIGHT_ROLE_BREAKOUT);
    if (atStart && OPENS_BY_CLOSING.test(lower)) addMax(evidence, 'breakout:opening', 'fake_system_message', WEIGHT_OPENS_BY_CLOSING);
    if (KEY_BREAKOUT.test(lower)) addMax(evidence, 'breakout:key', 'fake_system_message', WEIGHT_BREAKOUT);
  }
  if (lower.includes('</') && TAG_BREAKOUT.test(lower)) addMax(evidence, 'breakout:tag', 'fake_system_message', WEIGHT_BREAKOUT);
  // NFKC can turn other characters into digits, so only an ASCII text without digits has none.
  const undone = undoObfuscation(normalised, profile.digit || profile.nonAscii);
  return { text, lower, normalised, undone, triggers, asks };
}

/**
 * What only shows once look-alikes are folded, invisible characters removed, or spacing and
 * leetspeak undone, was hidden on purpose. Read after the plain evidence of the whole text is in.
 */
export function addObfuscated(derived: Pick<PlainReading, 'normalised' | 'lower' | 'undone'>, evidence: InjectionEvidence): void {
  if (derived.normalised !== derived.lower && applyRulesToDerived(derived.normalised, evidence)) addMax(evidence, 'obfuscation', 'obfuscation', WEIGHT_OBFUSCATION);
  if (derived.undone !== null && applyRulesToDerived(derived.undone, evidence)) addMax(evidence, 'obfuscation', 'obfuscation', WEIGHT_OBFUSCATION);
}

/** Reads the encoded payloads of a text within `budget`, and counts them in `work`. Read last, before the model. */
export function addEncoded(text: string, lower: string, triggers: ReadonlySet<string>, hints: EncodingHints, budget: DecodeBudget, work: ClassifyWork, evidence: InjectionEvidence): void {
  const before = { payloads: budget.payloads, chars: budget.chars };
  readEncoded(text, lower, triggers, 0, budget, evidence, hints);
  work.decodedPayloads += budget.payloads - before.payloads;
  work.decodedChars += budget.chars - before.chars;
  work.decodeDepth = Math.max(work.decodeDepth, budget.depth);
}

/** Adds what one text shows to `evidence` (shared across the messages of one prompt). */
export function collectInjectionEvidence(profile: TextProfile, evidence: InjectionEvidence, model: InjectionModel = injectionModel): void {
  if (profile.nonAscii) addHiddenUnicode(findHiddenUnicode(profile.text), evidence);
  const kind = new DocumentKind(profile.text, profile.lower);
  const reading = readPlain(profile, evidence, kind, true);
  addObfuscated(reading, evidence);
  addEncoded(reading.text, reading.lower, reading.triggers, hintsOf(reading.triggers), newDecodeBudget(), profile.work, evidence);
  const read = reading.undone ?? reading.normalised;
  addModelEvidence(model.score(read, profile.work), model.threshold, () => ADDRESSES_THE_MODEL.test(read), reading.asks, kind, evidence);
}

/**
 * The text the model reads for `profile`'s text: normalised, with obfuscation undone. Reading the
 * slices of a long text one by one gives, joined, what reading it whole gives.
 */
export function modelText(profile: TextProfile): string {
  const normalised = profile.nonAscii ? normalisePrompt(profile.text, false) : profile.lower;
  return undoObfuscation(normalised, profile.digit || profile.nonAscii) ?? normalised;
}

/** Whether the model's text addresses the model ("you", "assistant"). */
export function addressesTheModel(read: string): boolean {
  return ADDRESSES_THE_MODEL.test(read);
}

/**
 * Adds the model's evidence, last, once the rest of a text's evidence is in. `addresses` says
 * whether the text addresses the model, asked only when it matters.
 */
export function addModelEvidence(probability: number, threshold: number, addresses: () => boolean, asks: boolean, kind: DocumentKind, evidence: InjectionEvidence): void {
  let weight = modelWeight(probability, threshold);
  if (weight > WEIGHT_MODEL_UNADDRESSED && !addresses()) weight = WEIGHT_MODEL_UNADDRESSED;
  // Formal prose, and questions about attacks in so many words (jailbreaks say "detect" and
  // "prevent" too), but not code: instructions to slip code into an answer come with code, and the
  // model knows them. Below WEIGHT_MODEL_SUPPORT the model detects nothing alone, so the check is
  // only worth its cost beside other evidence.
  const mayTip = weight > WEIGHT_MODEL_SUPPORT || (weight > WEIGHT_MODEL_IN_DOCUMENTS && evidence.size > 0);
  if (mayTip && !hasIntent(evidence, WEIGHT_MODEL_AT_THRESHOLD) && (asks || kind.formal)) weight = WEIGHT_MODEL_IN_DOCUMENTS;
  if (weight > 0) addMax(evidence, 'model', 'model', weight);
}

export function summariseInjection(evidence: InjectionEvidence, threshold: number): InjectionResult {
  let clear = 1;
  const fired = new Set<string>();
  for (const { signal, weight } of evidence.values()) {
    clear *= 1 - weight;
    fired.add(signal);
  }
  // System-prompt theft has a name of its own, so a policy can refuse it while allowing role-play.
  if (fired.has('system_prompt_exfiltration')) fired.add('prompt_extraction');
  const score = Math.round((1 - clear) * 1000) / 1000;
  return {
    score,
    detected: score >= threshold,
    signals: [...SIGNAL_ORDER.filter((s) => fired.has(s)), ...[...fired].filter((s) => !SIGNAL_ORDER.includes(s)).sort()],
  };
}

/** The injection verdict on one text alone (no entity recognizers): for measurement and evaluation. */
export function detectInjection(text: string, threshold: number, model: InjectionModel = injectionModel): InjectionResult {
  const evidence: InjectionEvidence = new Map();
  collectInjectionEvidence(profileText(text), evidence, model);
  return summariseInjection(evidence, threshold);
}
