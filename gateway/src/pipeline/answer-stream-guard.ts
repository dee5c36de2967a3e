// Guards a streamed answer: its text is classified as it arrives and events are held until the
// classifier has seen their text whole, which for prose is at once and for a value (a number, an
// address, a key) once it cannot grow any more (in `immediate` mode only a placeholder being
// restored waits), so the response policy can end the stream before a secret reaches the caller,
// and its `redact` and the prompt's placeholders (reversible mode) rewrite the text of the events
// it releases.
import type { AuditRecordV1 } from '@palisade/audit-core';
import { createStreamScanner, LABEL_ORDER, type Classifier, type Classification, type Entity } from '../classify/index.js';
import type { PolicyOutput } from '../policy/index.js';
import { createRestorer, hashValue, maskValue, operatorsFromPolicy, type Operator, type PlaceholderMap, type Restorer } from '../redact/index.js';
import { PlaceholderBook } from '../redact/placeholder-map.js';
import type { SseEvent } from '../providers/sse.js';
import type { StreamReader } from './api/types.js';
import { countPlaceholders } from './answer-policy.js';

/** The response policy's view, asked when new entities appear and once at the end. */
export type AnswerJudge = (classification: Classification, final: boolean) => { allow: boolean; output?: PolicyOutput };

export interface StreamGuardOptions {
  reader: StreamReader;
  classifier: Classifier;
  judge: AnswerJudge;
  release: 'after_scan' | 'immediate';
  holdBackChars: number;
  hashKey: Uint8Array;
  /** The prompt's placeholders, restored in the answer (reversible mode). */
  restoreMap?: PlaceholderMap;
}

interface Held {
  ev: SseEvent;
  parsed: unknown;
  /** Offsets of this event's text in the provider's answer. */
  start: number;
  end: number;
  /** End of this event's tool call arguments in the stream of all arguments. */
  toolEnd: number;
}

const NOTHING_FOUND: Classification = Object.freeze({ entities: [], labels: [], counts: {}, injection: { score: 0, detected: false, signals: [] } });

/** One classification of the answer's text and its tool call arguments together, for the decision. */
export function mergeClassifications(a: Classification, b: Classification): Classification {
  const counts: Classification['counts'] = { ...a.counts };
  for (const [type, c] of Object.entries(b.counts)) {
    const prior = counts[type];
    counts[type] = prior ? { count: prior.count + c.count, max_score: Math.max(prior.max_score, c.max_score) } : c;
  }
  const labels = new Set([...a.labels, ...b.labels]);
  return {
    entities: [...a.entities, ...b.entities],
    labels: LABEL_ORDER.filter((l) => labels.has(l)),
    counts,
    injection: {
      score: Math.max(a.injection.score, b.injection.score),
      detected: a.injection.detected || b.injection.detected,
      signals: [...new Set([...a.injection.signals, ...b.injection.signals])].sort(),
    },
  };
}

export type GuardStep = { blocked: false; events: SseEvent[] } | { blocked: true };

export interface AnswerStreamGuard {
  /**
   * Takes one provider event (already parsed), its text and its tool call arguments; returns the
   * events to send now. Arguments are classified with the text but never rewritten.
   */
  push(ev: SseEvent, parsed: unknown, text: string, toolText?: string): GuardStep;
  /** The answer ended: the last scan and decision; returns what is left to send. */
  end(): GuardStep;
  /** The API's final event, its whole-answer text rewritten when the API repeats it there. */
  finalEvent(ev: SseEvent): SseEvent;
  /** What redaction did to the answer, for the outcome record. */
  record(): NonNullable<AuditRecordV1['redaction']> | undefined;
  /** The answer's text as released to the caller. */
  readonly sentText: string;
}

export function createAnswerStreamGuard(o: StreamGuardOptions): AnswerStreamGuard {
  const scanner = createStreamScanner(o.classifier, { holdBack: o.holdBackChars, context: o.holdBackChars });
  const toolScanner = createStreamScanner(o.classifier, { holdBack: o.holdBackChars, context: o.holdBackChars });
  let textFound: Classification = NOTHING_FOUND;
  let toolFound: Classification | undefined;
  let toolPos = 0;
  let toolSettled = 0;
  const restorer: Restorer | undefined = o.restoreMap && o.restoreMap.entries.size > 0 ? createRestorer(o.restoreMap) : undefined;
  const held: Held[] = [];
  /** Entities found so far, in stream order; the current decision says which of them to redact. */
  const found: Entity[] = [];
  let operators: Record<string, Operator> = {};
  const redacted: Record<string, number> = {};
  /** The released text before placeholders were restored, to count them once the answer is whole. */
  let beforeRestore = '';
  let pos = 0;
  /** Offset up to which the scanner has settled the answer: text before it may be released. */
  let settled = 0;
  /** The provider's text so far: redacted values are read from it, and new placeholders must not occur in it. */
  let answer = '';
  let sent = '';
  /** Whether any released text differs from the provider's, so events repeating the whole answer must change too. */
  let rewritten = false;
  const book = new PlaceholderBook((p) => o.restoreMap?.entries.has(p) === true || answer.includes(p));

  function operatorFor(type: string): Operator | undefined {
    return operators[type] ?? operators['*'];
  }

  function adopt(output: PolicyOutput | undefined): void {
    // Types once redacted stay redacted: text released under an earlier decision cannot be recalled.
    operators = { ...operators, ...operatorsFromPolicy(output?.redact) };
  }

  function replacement(e: Entity, counted: boolean): string {
    const op = operatorFor(e.type);
    const value = answer.slice(e.start, e.end);
    if (counted) redacted[e.type] = (redacted[e.type] ?? 0) + 1;
    if (op === 'mask') return maskValue(value);
    if (op === 'hash') return hashValue(e.type, value, o.hashKey);
    if (op === 'placeholder') return book.placeholderFor(e.type, value);
    return '';
  }

  /**
   * The provider text of one event with redacted values replaced. A value's replacement goes to
   * the event it starts in; its characters in later events are dropped. `counted` false previews
   * the text without counting the values it redacts.
   */
  function rewrite(h: Held, text: string, counted = true): string {
    if (Object.keys(operators).length === 0) return text;
    let out = '';
    let at = h.start;
    for (const e of found) {
      if (e.end <= h.start || e.start >= h.end || operatorFor(e.type) === undefined) continue;
      if (e.start < at) {
        at = Math.max(at, Math.min(h.end, e.end));
        continue;
      }
      out += text.slice(at - h.start, e.start - h.start) + replacement(e, counted);
      at = Math.min(h.end, e.end);
    }
    return out + text.slice(at - h.start);
  }

  /**
   * Whether the text of `h`, the first held event, ends with what may be the start of a placeholder
   * and no later text is held to carry the rest once it is told from plain text.
   */
  function waitsForPlaceholder(h: Held): boolean {
    if (restorer === undefined || h.end === h.start) return false;
    if (held.some((x) => x !== h && x.end > x.start)) return false;
    return restorer.holds(rewrite(h, o.reader.text(h.ev, h.parsed), false));
  }

  function releaseUpTo(limit: number, final: boolean): SseEvent[] {
    const out: SseEvent[] = [];
    while (held.length > 0) {
      const h = held[0]!;
      const toolsHeld = o.release !== 'immediate' && h.toolEnd > toolSettled;
      if (!final && (h.end > limit || toolsHeld || waitsForPlaceholder(h))) break;
      held.shift();
      if (h.end === h.start) {
        out.push((rewritten && o.reader.withWholeText?.(h.ev, h.parsed, sent)) || h.ev);
        continue;
      }
      const original = o.reader.text(h.ev, h.parsed);
      let text = rewrite(h, original);
      if (restorer) {
        beforeRestore += text;
        text = restorer.push(text) + (final && held.every((x) => x.end === x.start) ? restorer.end() : '');
      }
      sent += text;
      if (text === original) out.push(h.ev);
      else {
        rewritten = true;
        out.push(o.reader.withText(h.ev, h.parsed, text));
      }
    }
    return out;
  }

  function addFound(entities: readonly Entity[]): void {
    if (entities.length === 0) return;
    found.push(...entities);
    found.sort((a, b) => a.start - b.start || b.end - a.end);
  }

  function judged(final: boolean): boolean {
    const verdict = o.judge(toolFound ? mergeClassifications(textFound, toolFound) : textFound, final);
    if (!verdict.allow) return false;
    adopt(verdict.output);
    return true;
  }

  return {
    push(ev, parsed, text, toolText = '') {
      if (toolText.length > 0) {
        toolPos += toolText.length;
        const update = toolScanner.push(toolText);
        toolFound = update.classification;
        toolSettled = update.settled;
        if (update.entities.length > 0 && !judged(false)) return { blocked: true };
      }
      held.push({ ev, parsed, start: pos, end: pos + text.length, toolEnd: toolPos });
      if (text.length === 0) return { blocked: false, events: releaseUpTo(o.release === 'immediate' ? pos : settled, false) };
      pos += text.length;
      answer += text;
      const update = scanner.push(text);
      textFound = update.classification;
      addFound(update.entities);
      if (update.entities.length > 0 && !judged(false)) return { blocked: true };
      settled = update.settled;
      return { blocked: false, events: releaseUpTo(o.release === 'immediate' ? pos : settled, false) };
    },
    end() {
      const update = scanner.end();
      textFound = update.classification;
      toolFound = toolScanner.end().classification;
      addFound(update.entities);
      if (!judged(true)) return { blocked: true };
      return { blocked: false, events: releaseUpTo(pos, true) };
    },
    finalEvent(ev) {
      if (!rewritten || !o.reader.isJson(ev) || o.reader.withWholeText === undefined) return ev;
      let parsed: unknown;
      try {
        parsed = JSON.parse(ev.data);
      } catch {
        return ev;
      }
      return o.reader.withWholeText(ev, parsed, sent) ?? ev;
    },
    record() {
      const record: NonNullable<AuditRecordV1['redaction']> = {};
      if (Object.keys(operators).length > 0) {
        record.operators = operators;
        record.redacted = redacted;
      }
      if (restorer) record.restored = countPlaceholders(beforeRestore, o.restoreMap);
      return Object.keys(record).length > 0 ? record : undefined;
    },
    get sentText() {
      return sent;
    },
  };
}
