// `classifyMany` with turns of the event loop: long texts are read in slices and the work is
// counted as it goes, so classifying a long answer (or any long text) never holds up the requests
// beside it. A few kilobytes are classified at once, without a turn.

import { coreOf, newTally } from './classifier.js';
import type { InjectionEvidence } from './injection/detect-injection.js';
import { createPace, ENTITY_BATCH, ENTITY_WORK, takeTurn } from './pace.js';
import type { Found } from './recognizers/recognizer.js';
import { isLong, scanInSlices } from './sliced-scan.js';
import type { Classification, Classifier } from './types.js';

/** What `classifier.classifyMany(texts)` gives, with turns of the event loop between pieces of work. */
export async function classifyManyInTurns(classifier: Classifier, texts: readonly string[]): Promise<Classification> {
  const core = coreOf(classifier);
  if (!core) return classifier.classifyMany(texts);
  const pace = createPace();
  const evidence: InjectionEvidence = new Map();
  const tally = newTally();
  for (let part = 0; part < texts.length; part++) {
    const text = texts[part] as string;
    let found: Found[];
    if (isLong(text)) {
      found = await scanInSlices(core, text, evidence, pace);
    } else {
      found = core.scan(text, evidence);
      await takeTurn(pace, text.length);
    }
    for (let from = 0; from < found.length; from += ENTITY_BATCH) {
      const to = Math.min(found.length, from + ENTITY_BATCH);
      for (let i = from; i < to; i++) core.add(tally, found[i] as Found, part, true);
      await takeTurn(pace, (to - from) * ENTITY_WORK);
    }
  }
  return core.finish(tally, evidence);
}
