// Remembers what the recognizers found in texts seen before, so a request that repeats earlier
// texts (the conversation so far, the same tools and schemas on every call of an agent) pays only
// for what is new. Results are kept per classifier, so a classifier rebuilt with other classes
// starts empty; texts are keyed by their SHA-256, so no prompt text is held.
import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { coreOf, newTally } from './classifier.js';
import { summariseInjection, type InjectionEvidence } from './injection/detect-injection.js';
import type { Found } from './recognizers/recognizer.js';
import type { Classification, Classifier } from './types.js';

/** Texts longer than this are scanned every time: they are rarely repeated and costly to keep. */
const MAX_CACHED_CHARS = 64 * 1024;

interface Scan {
  found: readonly Found[];
  evidence: readonly (readonly [string, { signal: string; weight: number }])[];
}

export interface ScanCacheOptions {
  /** Texts remembered per classifier. */
  maxEntries: number;
}

export interface PartsClassification extends Classification {
  /**
   * Indices of the texts the injection evidence came from: those that carry an injection on their
   * own or, when only the texts together reach the threshold, every text with evidence.
   */
  injectionParts: number[];
}

export type CachedClassify = (texts: readonly string[]) => PartsClassification;

/**
 * `classifyMany` with memory. Each text is scanned on its own; the evidence of several texts is
 * combined by keeping each signal's strongest weight, which never scores lower than one scan of
 * them all would.
 */
export function createCachedClassify(classifier: Classifier, options: ScanCacheOptions): CachedClassify {
  const core = coreOf(classifier);
  if (!core) {
    // A classifier without a core gives no per-text evidence: every text is named.
    return (texts) => {
      const c = classifier.classifyMany(texts);
      return { ...c, injectionParts: c.injection.detected ? texts.map((_, i) => i) : [] };
    };
  }
  const cache = new LRUCache<string, Scan>({ max: options.maxEntries });
  return (texts) => {
    const tally = newTally();
    const evidence: InjectionEvidence = new Map();
    const alone: number[] = [];
    const withEvidence: number[] = [];
    texts.forEach((text, part) => {
      const key = text.length <= MAX_CACHED_CHARS ? hash('sha256', text, 'base64') : undefined;
      let scan = key === undefined ? undefined : cache.get(key);
      if (!scan) {
        const own: InjectionEvidence = new Map();
        scan = { found: core.scan(text, own), evidence: [...own] };
        if (key !== undefined) cache.set(key, scan);
      }
      for (const f of scan.found) core.add(tally, f, part, true);
      for (const [k, v] of scan.evidence) {
        const had = evidence.get(k);
        if (had === undefined || had.weight < v.weight) evidence.set(k, v);
      }
      if (scan.evidence.length > 0) {
        withEvidence.push(part);
        if (summariseInjection(new Map(scan.evidence), core.options.injectionThreshold).detected) alone.push(part);
      }
    });
    const classification = core.finish(tally, evidence);
    const injectionParts = !classification.injection.detected ? [] : alone.length > 0 ? alone : withEvidence;
    return { ...classification, injectionParts };
  };
}

const BY_CLASSIFIER = new WeakMap<Classifier, CachedClassify>();

/** Texts remembered per classifier by default: a few hundred conversations' worth of messages and tools. */
const DEFAULT_ENTRIES = 4096;

/** The cached `classifyMany` of a classifier, made on first use and dropped with the classifier. */
export function cachedClassifyOf(classifier: Classifier): CachedClassify {
  let classify = BY_CLASSIFIER.get(classifier);
  if (!classify) BY_CLASSIFIER.set(classifier, (classify = createCachedClassify(classifier, { maxEntries: DEFAULT_ENTRIES })));
  return classify;
}
