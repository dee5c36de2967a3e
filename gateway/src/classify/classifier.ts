// The classifier: runs the recognizers a text can match, settles overlaps, and sums up entities,
// labels (with the PHI rule) and injection evidence for one text or for all the messages of one prompt.

import { ENTITY_INFO, LABEL_ORDER, isEntityType, type DataLabel, type EntityInfo } from './entity-types.js';
import { collectInjectionEvidence, summariseInjection, type InjectionEvidence } from './injection/detect-injection.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { resolveOverlaps } from './overlaps.js';
import { ALL_RECOGNIZERS } from './recognizers/all-recognizers.js';
import type { Found, Recognizer } from './recognizers/recognizer.js';
import { profileText, type TextProfile } from './text-profile.js';
import type { Classification, Classifier, ClassifierOptions, Entity } from './types.js';
import { newWork, type ClassifyWork } from './work.js';

const NO_INFO: EntityInfo = { labels: [] };

/** Running totals of a classification, so a stream can add entities as they come. */
export interface Tally {
  entities: Entity[];
  counts: Classification['counts'];
  labels: Set<DataLabel>;
  identifier: boolean;
  health: boolean;
}

/** What the stream scanner needs beyond the public interface: the raw parts of one scan. */
export interface ClassifierCore {
  readonly options: ResolvedOptions;
  /** Entities of one text (overlaps settled) and the injection evidence it adds. */
  scan(text: string, evidence: InjectionEvidence, work?: ClassifyWork): Found[];
  /** What the recognizers find in a text or in one window of a long text, overlaps not yet settled. */
  find(profile: TextProfile): Found[];
  /** Settles overlaps among the matches of one whole text (`sorted`: already in `byStart` order); returns them ordered by start. */
  settle(found: Found[], sorted?: boolean): Found[];
  /** Adds one entity to the totals; `keep` false counts it without keeping it in the list. */
  add(tally: Tally, found: Found, part: number | undefined, keep: boolean): Entity;
  /** The classification of the totals and the injection evidence. */
  finish(tally: Tally, evidence: InjectionEvidence): Classification;
}

export function newTally(): Tally {
  return { entities: [], counts: {}, labels: new Set(), identifier: false, health: false };
}

const CORES = new WeakMap<Classifier, ClassifierCore>();

/** The core behind a classifier made by `createClassifier`, for the stream scanner. */
export function coreOf(classifier: Classifier): ClassifierCore | undefined {
  return CORES.get(classifier);
}

function createCore(options: ResolvedOptions): ClassifierCore {
  const recognizers: readonly Recognizer[] = [
    ...ALL_RECOGNIZERS.filter((r) => r.types.some((t) => isEntityType(t) && options.entityTypes.has(t))),
    ...options.custom.recognizers,
  ];
  const infoOf = (type: string): EntityInfo => (isEntityType(type) ? ENTITY_INFO[type] : options.custom.info.get(type)) ?? NO_INFO;
  const wanted = (type: string): boolean => (isEntityType(type) ? options.entityTypes.has(type) : options.custom.info.has(type));
  const labelled = (f: Found): boolean => f.score >= options.labelThreshold;
  // Matches that raise a label outrank those that do not; secrets outrank everything.
  const rankOf = (f: Found): number => {
    if (!labelled(f)) return 0;
    const labels = infoOf(f.type).labels;
    return labels.includes('SECRET') ? 2 : labels.length > 0 ? 1 : 0;
  };

  function find(profile: TextProfile): Found[] {
    const found: Found[] = [];
    for (const recognizer of recognizers) {
      if (recognizer.applies(profile)) recognizer.scan(profile.text, found, profile);
    }
    return found.filter((f) => wanted(f.type) && f.score > 0 && f.score >= options.minScore);
  }

  function settle(found: Found[], sorted = false): Found[] {
    return resolveOverlaps(found, rankOf, sorted);
  }

  function scan(text: string, evidence: InjectionEvidence, work?: ClassifyWork): Found[] {
    const profile = profileText(text, work);
    const kept = find(profile);
    collectInjectionEvidence(profile, evidence);
    return settle(kept);
  }

  function add(tally: Tally, f: Found, part: number | undefined, keep: boolean): Entity {
    const entity: Entity = { type: f.type, start: f.start, end: f.end, score: f.score };
    if (part !== undefined) entity.part = part;
    if (keep) tally.entities.push(entity);
    const count = (tally.counts[f.type] ??= { count: 0, max_score: 0 });
    count.count++;
    if (f.score > count.max_score) count.max_score = f.score;
    if (labelled(f)) {
      const info = infoOf(f.type);
      for (const label of info.labels) tally.labels.add(label);
      const role = f.phi ?? info.phi;
      if (role === 'identifier' || role === 'health-identifier') tally.identifier = true;
      if (role === 'health' || role === 'health-identifier') tally.health = true;
    }
    return entity;
  }

  function finish(tally: Tally, evidence: InjectionEvidence): Classification {
    const labels = new Set(tally.labels);
    // The PHI rule: an identifier of a person together with health information in one prompt.
    if (tally.identifier && tally.health) labels.add('PHI');
    const injection = summariseInjection(evidence, options.injectionThreshold);
    if (injection.detected) labels.add('PROMPT_INJECTION');
    return { entities: tally.entities, labels: LABEL_ORDER.filter((l) => labels.has(l)), counts: tally.counts, injection };
  }

  return { options, scan, find, settle, add, finish };
}

export function createClassifier(options?: ClassifierOptions): Classifier {
  const core = createCore(resolveOptions(options));
  const classifier: Classifier = {
    classify(text: string): Classification {
      const evidence: InjectionEvidence = new Map();
      const tally = newTally();
      for (const f of core.scan(text, evidence)) core.add(tally, f, undefined, true);
      return core.finish(tally, evidence);
    },
    classifyMany(texts: readonly string[]): Classification {
      const evidence: InjectionEvidence = new Map();
      const tally = newTally();
      texts.forEach((text, part) => {
        for (const f of core.scan(text, evidence)) core.add(tally, f, part, true);
      });
      return core.finish(tally, evidence);
    },
  };
  CORES.set(classifier, core);
  return classifier;
}

/**
 * Classifies `texts` as `classifyMany` does and also reports the work it took, for tests and
 * diagnostics that hold hostile input to the classifier's bounds.
 */
export function classifyWithWork(classifier: Classifier, texts: readonly string[]): { classification: Classification; work: ClassifyWork } {
  const core = CORES.get(classifier);
  if (core === undefined) throw new TypeError('classifyWithWork needs a classifier made by createClassifier.');
  const work = newWork();
  const evidence: InjectionEvidence = new Map();
  const tally = newTally();
  texts.forEach((text, part) => {
    for (const f of core.scan(text, evidence, work)) core.add(tally, f, part, true);
  });
  return { classification: core.finish(tally, evidence), work };
}
