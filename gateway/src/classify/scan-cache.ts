// Remembers what the recognizers found in texts seen before, so a request that repeats earlier
// texts (the conversation so far, the same tools and schemas on every call of an agent) pays only
// for what is new. Results are kept per classifier, so a classifier rebuilt with other classes
// starts empty; texts are keyed by their SHA-256, so no prompt text is held. The paced form reads
// long texts in slices and gives the event loop a turn whenever a slice's worth of text has been
// read, so a large request never holds up the others; a text read in slices is remembered under
// the hash of the whole text like any other.
import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { coreOf, newTally, type ClassifierCore, type Tally } from './classifier.js';
import { summariseInjection, type InjectionEvidence } from './injection/detect-injection.js';
import { createPace, ENTITY_BATCH, ENTITY_WORK, type Pace } from './pace.js';
import type { Found } from './recognizers/recognizer.js';
import { isLong, scanInSlices } from './sliced-scan.js';
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
/** `CachedClassify` that gives the event loop a turn between slices of work. */
export type PacedClassify = (texts: readonly string[]) => Promise<PartsClassification>;

/** Sums the scans of the texts of one call, in order. */
class Combined {
  readonly tally: Tally = newTally();
  readonly evidence: InjectionEvidence = new Map();
  private readonly alone: number[] = [];
  private readonly withEvidence: number[] = [];

  constructor(private readonly core: ClassifierCore) {}

  add(part: number, scan: Scan): void {
    this.addFound(part, scan.found, 0, scan.found.length);
    this.addEvidence(part, scan);
  }

  addFound(part: number, found: readonly Found[], from: number, to: number): void {
    for (let i = from; i < to; i++) this.core.add(this.tally, found[i] as Found, part, true);
  }

  addEvidence(part: number, scan: Scan): void {
    for (const [k, v] of scan.evidence) {
      const had = this.evidence.get(k);
      if (had === undefined || had.weight < v.weight) this.evidence.set(k, v);
    }
    if (scan.evidence.length > 0) {
      this.withEvidence.push(part);
      if (summariseInjection(new Map(scan.evidence), this.core.options.injectionThreshold).detected) this.alone.push(part);
    }
  }

  finish(): PartsClassification {
    const classification = this.core.finish(this.tally, this.evidence);
    const injectionParts = !classification.injection.detected ? [] : this.alone.length > 0 ? this.alone : this.withEvidence;
    return { ...classification, injectionParts };
  }
}

interface Memory {
  classify: CachedClassify;
  paced: PacedClassify;
}

function keyOf(text: string): string | undefined {
  return text.length <= MAX_CACHED_CHARS ? hash('sha256', text, 'base64') : undefined;
}

function createMemory(classifier: Classifier, options: ScanCacheOptions): Memory {
  const core = coreOf(classifier);
  if (!core) {
    // A classifier without a core gives no per-text evidence: every text is named.
    const classify: CachedClassify = (texts) => {
      const c = classifier.classifyMany(texts);
      return { ...c, injectionParts: c.injection.detected ? texts.map((_, i) => i) : [] };
    };
    return { classify, paced: (texts) => Promise.resolve(classify(texts)) };
  }
  const cache = new LRUCache<string, Scan>({ max: options.maxEntries });
  const remember = (key: string | undefined, found: readonly Found[], own: InjectionEvidence): Scan => {
    const scan: Scan = { found, evidence: [...own] };
    if (key !== undefined) cache.set(key, scan);
    return scan;
  };
  return {
    classify(texts) {
      const combined = new Combined(core);
      texts.forEach((text, part) => {
        const key = keyOf(text);
        let scan = key === undefined ? undefined : cache.get(key);
        if (!scan) {
          const own: InjectionEvidence = new Map();
          scan = remember(key, core.scan(text, own), own);
        }
        combined.add(part, scan);
      });
      return combined.finish();
    },
    async paced(texts) {
      const pace: Pace = createPace();
      const combined = new Combined(core);
      for (let part = 0; part < texts.length; part++) {
        const text = texts[part] as string;
        const key = keyOf(text);
        let scan = key === undefined ? undefined : cache.get(key);
        if (!scan) {
          const own: InjectionEvidence = new Map();
          if (isLong(text)) {
            scan = remember(key, await scanInSlices(core, text, own, pace), own);
          } else {
            scan = remember(key, core.scan(text, own), own);
            const turn = pace.spend(text.length);
            if (turn !== undefined) await turn;
          }
        }
        const found = scan.found;
        for (let from = 0; from < found.length; from += ENTITY_BATCH) {
          const to = Math.min(found.length, from + ENTITY_BATCH);
          combined.addFound(part, found, from, to);
          const turn = pace.spend((to - from) * ENTITY_WORK);
          if (turn !== undefined) await turn;
        }
        combined.addEvidence(part, scan);
      }
      return combined.finish();
    },
  };
}

/**
 * `classifyMany` with memory. Each text is scanned on its own; the evidence of several texts is
 * combined by keeping each signal's strongest weight, which never scores lower than one scan of
 * them all would.
 */
export function createCachedClassify(classifier: Classifier, options: ScanCacheOptions): CachedClassify {
  return createMemory(classifier, options).classify;
}

/** `createCachedClassify` in its paced form: long texts are read in slices, with turns of the event loop between them. */
export function createPacedClassify(classifier: Classifier, options: ScanCacheOptions): PacedClassify {
  return createMemory(classifier, options).paced;
}

const BY_CLASSIFIER = new WeakMap<Classifier, Memory>();

/** Texts remembered per classifier by default: a few hundred conversations' worth of messages and tools. */
const DEFAULT_ENTRIES = 4096;

function memoryOf(classifier: Classifier): Memory {
  let memory = BY_CLASSIFIER.get(classifier);
  if (!memory) BY_CLASSIFIER.set(classifier, (memory = createMemory(classifier, { maxEntries: DEFAULT_ENTRIES })));
  return memory;
}

/** The cached `classifyMany` of a classifier, made on first use and dropped with the classifier. */
export function cachedClassifyOf(classifier: Classifier): CachedClassify {
  return memoryOf(classifier).classify;
}

/** The paced form of `cachedClassifyOf`, sharing its memory. */
export function pacedClassifyOf(classifier: Classifier): PacedClassify {
  return memoryOf(classifier).paced;
}
