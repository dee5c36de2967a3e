// Redacted copies of prompts and answers for the content store: every entity the classifier finds is replaced by its type.
import type { Classifier } from '../classify/index.js';

/** A function replacing each detected entity (SSN, card number, e-mail, key…) with `[TYPE]`. */
export function createRedactor(classifier: Pick<Classifier, 'classify'>): (text: string) => string {
  return (text) => {
    const entities = [...classifier.classify(text).entities].sort((a, b) => a.start - b.start || b.end - a.end);
    let out = '';
    let at = 0;
    for (const e of entities) {
      // Overlapping findings are covered by the first (widest) one.
      if (e.start < at) continue;
      out += `${text.slice(at, e.start)}[${e.type}]`;
      at = e.end;
    }
    return out + text.slice(at);
  };
}
