// Classifies a streamed answer as it arrives, with bounded memory: the text is scanned in windows
// that keep some already-scanned context before them (context words, the start of a split value)
// and report only entities that end before the tail where a value may still be open, so a value
// split across chunks is found once it is whole. `end()` scans the tail. The same engine as for
// prompts decides.

import { GatewayError } from '../errors.js';
import { coreOf, newTally, type ClassifierCore, type Tally } from './classifier.js';
import type { InjectionEvidence } from './injection/detect-injection.js';
import type { Found } from './recognizers/recognizer.js';
import { pendingFrom } from './stream-boundary.js';
import type { Classification, Classifier, Entity } from './types.js';

export interface StreamScannerOptions {
  /**
   * Most characters at the end held back, since a value there may still grow. Default 256. With
   * `release: 'values'` only the tail where a value may still be open is held, up to this many.
   */
  holdBack?: number;
  /**
   * `values` (the default): text settles up to the last place where no value may still be open,
   * so prose settles at once. `fixed`: always `holdBack` characters behind. Custom classes, whose
   * patterns may match any span, always use `fixed`.
   */
  release?: 'values' | 'fixed';
  /** Already-scanned characters kept before new text, for context words and split values. Default 256. */
  context?: number;
  /** New characters gathered before the next scan (tokens arrive a few characters at a time). Default 128. */
  scanEvery?: number;
  /** Longest text kept while a value (a long private key) is still open. Default 16384. */
  maxRetained?: number;
  /** Entities kept in `classification.entities`; counts and labels cover all of them. Default 1000. */
  maxEntities?: number;
}

export interface StreamUpdate {
  /** Entities reported by this call; offsets count from the start of the whole stream. */
  entities: Entity[];
  /** Everything found so far (its entity list capped at `maxEntities`). */
  classification: Classification;
  /** Stream offset before which every entity has been reported: text there can be released. */
  settled: number;
}

export interface StreamScanner {
  push(delta: string): StreamUpdate;
  /** Scans what is left; the scanner takes no more text afterwards. */
  end(): StreamUpdate;
}

const DEFAULTS = { holdBack: 256, context: 256, scanEvery: 128, maxRetained: 16384, maxEntities: 1000 };

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `stream scanner: ${name} must be a whole number >= 0.` });
  return value;
}

export function createStreamScanner(classifier: Classifier, options: StreamScannerOptions = {}): StreamScanner {
  const core: ClassifierCore | undefined = coreOf(classifier);
  if (core === undefined) throw new GatewayError('GW_ERR_INTERNAL', { detail: 'stream scanner: the classifier must come from createClassifier.' });
  const holdBack = positive('holdBack', options.holdBack, DEFAULTS.holdBack);
  const context = positive('context', options.context, DEFAULTS.context);
  const scanEvery = Math.max(1, positive('scanEvery', options.scanEvery, DEFAULTS.scanEvery));
  const maxRetained = Math.max(holdBack + context + scanEvery, positive('maxRetained', options.maxRetained, DEFAULTS.maxRetained));
  const maxEntities = positive('maxEntities', options.maxEntities, DEFAULTS.maxEntities);
  const fixed = options.release === 'fixed' || core.options.custom.recognizers.length > 0;

  const evidence: InjectionEvidence = new Map();
  const tally: Tally = newTally();
  /** The retained text and the stream offset of its first character. */
  let text = '';
  let base = 0;
  /** Reported entities that may still be in the window (stream offsets), so none is counted twice. */
  let reported: { start: number; end: number }[] = [];
  /** Stream offset up to which earlier scans have settled everything; what ends before it was seen. */
  let settledTo = 0;
  let unscanned = 0;
  let ended = false;

  function alreadyReported(start: number, end: number): boolean {
    return reported.some((r) => r.start < end && start < r.end);
  }

  function report(found: Found, out: Entity[]): void {
    const absolute: Found = { ...found, start: found.start + base, end: found.end + base };
    if (alreadyReported(absolute.start, absolute.end)) return;
    reported.push({ start: absolute.start, end: absolute.end });
    out.push(core!.add(tally, absolute, undefined, tally.entities.length < maxEntities));
  }

  function scan(final: boolean): Entity[] {
    unscanned = 0;
    const out: Entity[] = [];
    if (text.length === 0) return out;
    const found = core!.scan(text, evidence);
    const settled = final ? text.length : settleable();
    let openFrom = settled;
    for (const f of found) {
      // Inside the context kept from earlier scans: reported then, or a piece of a value cut off
      // at the window's start.
      if (f.end + base <= settledTo) continue;
      // A value reaching the end of the text so far may grow with the next chunk.
      if (f.end <= settled && (final || f.end < text.length)) report(f, out);
      else openFrom = Math.min(openFrom, f.start);
    }
    settledTo = Math.max(settledTo, base + Math.min(settled, openFrom));
    // Keep context before the first unsettled character, and any value still open, within bounds.
    let keepFrom = Math.max(0, Math.min(settled, openFrom) - context);
    if (text.length - keepFrom > maxRetained) {
      keepFrom = text.length - maxRetained;
      // An open value longer than the bound is reported as it stands rather than lost.
      for (const f of found) if (f.start < keepFrom && f.end > settled) report(f, out);
    }
    if (keepFrom > 0) {
      text = text.slice(keepFrom);
      base += keepFrom;
      reported = reported.filter((r) => r.end > base);
    }
    return out;
  }

  /** Offset in the window up to which text may settle once scanned. */
  function settleable(): number {
    const floor = Math.max(0, text.length - holdBack);
    return fixed ? floor : pendingFrom(text, floor);
  }

  function update(entities: Entity[]): StreamUpdate {
    return { entities, classification: core!.finish(tally, evidence), settled: ended ? base + text.length : settledTo };
  }

  return {
    push(delta: string): StreamUpdate {
      if (ended) throw new GatewayError('GW_ERR_INTERNAL', { detail: 'stream scanner: push after end.' });
      text += delta;
      unscanned += delta.length;
      // Scanning at once when new text could settle releases prose as it comes; otherwise text is
      // gathered, since scanning every few characters costs more than it tells.
      if (unscanned < scanEvery && text.length <= maxRetained && (fixed || base + settleable() <= settledTo)) return update([]);
      return update(scan(false));
    },
    end(): StreamUpdate {
      if (ended) return update([]);
      ended = true;
      return update(scan(true));
    },
  };
}
