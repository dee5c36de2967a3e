// The classifier: runs the recognizers a text can match, settles overlaps, and sums up entities,
// labels and injection evidence for one text or for all the messages of one prompt.

import { ENTITY_LABELS, LABEL_ORDER, type DataLabel } from './entity-types.js';
import { collectInjectionEvidence, summariseInjection, type InjectionEvidence } from './injection/detect-injection.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { resolveOverlaps } from './overlaps.js';
import { apiKeyRecognizer } from './recognizers/api-keys.js';
import { creditCardRecognizer } from './recognizers/credit-card.js';
import { emailAddressRecognizer } from './recognizers/email-address.js';
import { ipAddressRecognizer } from './recognizers/ip-address.js';
import { jsonWebTokenRecognizer } from './recognizers/json-web-token.js';
import { phoneNumberRecognizer } from './recognizers/phone-number.js';
import { privateKeyRecognizer } from './recognizers/private-key.js';
import type { Found, Recognizer } from './recognizers/recognizer.js';
import { usSsnRecognizer } from './recognizers/us-ssn.js';
import { profileText } from './text-profile.js';
import type { Classification, Classifier, ClassifierOptions, Entity } from './types.js';

/** Order matters only for ties between equal spans with equal scores: earlier wins. */
const ALL_RECOGNIZERS: readonly Recognizer[] = [
  privateKeyRecognizer,
  jsonWebTokenRecognizer,
  apiKeyRecognizer,
  emailAddressRecognizer,
  creditCardRecognizer,
  usSsnRecognizer,
  phoneNumberRecognizer,
  ipAddressRecognizer,
];

interface PartResult {
  entities: Found[];
}

function scanPart(text: string, recognizers: readonly Recognizer[], options: ResolvedOptions, evidence: InjectionEvidence): PartResult {
  const profile = profileText(text);
  const found: Found[] = [];
  for (const recognizer of recognizers) {
    if (recognizer.applies(profile)) recognizer.scan(text, found);
  }
  const wanted = found.filter((f) => options.entityTypes.has(f.type) && f.score > 0 && f.score >= options.minScore);
  collectInjectionEvidence(text, !profile.nonAscii, evidence);
  return { entities: resolveOverlaps(wanted) };
}

function summarise(parts: readonly PartResult[], withPart: boolean, options: ResolvedOptions, evidence: InjectionEvidence): Classification {
  const entities: Entity[] = [];
  const counts: Classification['counts'] = {};
  const labels = new Set<DataLabel>();
  parts.forEach((part, index) => {
    for (const f of part.entities) {
      const entity: Entity = { type: f.type, start: f.start, end: f.end, score: f.score };
      if (withPart) entity.part = index;
      entities.push(entity);
      const count = (counts[f.type] ??= { count: 0, max_score: 0 });
      count.count++;
      if (f.score > count.max_score) count.max_score = f.score;
      if (f.score >= options.labelThreshold) labels.add(ENTITY_LABELS[f.type]);
    }
  });
  const injection = summariseInjection(evidence, options.injectionThreshold);
  if (injection.detected) labels.add('PROMPT_INJECTION');
  return { entities, labels: LABEL_ORDER.filter((l) => labels.has(l)), counts, injection };
}

export function createClassifier(options?: ClassifierOptions): Classifier {
  const resolved = resolveOptions(options);
  const recognizers = ALL_RECOGNIZERS.filter((r) => r.types.some((t) => resolved.entityTypes.has(t)));
  return {
    classify(text: string): Classification {
      const evidence: InjectionEvidence = new Map();
      return summarise([scanPart(text, recognizers, resolved, evidence)], false, resolved, evidence);
    },
    classifyMany(texts: readonly string[]): Classification {
      const evidence: InjectionEvidence = new Map();
      const parts = texts.map((text) => scanPart(text, recognizers, resolved, evidence));
      return summarise(parts, true, resolved, evidence);
    },
  };
}
