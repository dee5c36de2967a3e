// Redacted copies of prompts and answers for the content store: every entity the classifier finds
// becomes a numbered placeholder of its type (`<US_SSN_1>`), by the same engine that redacts
// prompts, numbered across all the texts of one part so equal values keep one placeholder.
import type { Classifier } from '../classify/index.js';
import { createRedactor } from '../redact/index.js';

const EVERY_TYPE = createRedactor({ operators: { '*': 'placeholder' } });

export function createContentRedactor(classifier: Pick<Classifier, 'classifyMany'>): (texts: readonly string[]) => string[] {
  return (texts) => EVERY_TYPE.redact(texts, classifier.classifyMany(texts)).texts;
}
