// Shared helpers for the classify tests: read results the way a policy author would.

import { createClassifier, type Classification } from '../../gateway/src/classify/index.js';

export const classifier = createClassifier();

/** The values found for `type`, cut from the text with the reported offsets. */
export function found(text: string, type: string, result: Classification = classifier.classify(text)): string[] {
  return result.entities.filter((e) => e.type === type).map((e) => text.slice(e.start, e.end));
}

/** The score of the single entity of `type`, failing the test when there is not exactly one. */
export function scoreOf(text: string, type: string): number {
  const matches = classifier.classify(text).entities.filter((e) => e.type === type);
  if (matches.length !== 1) throw new Error(`expected one ${type}, found ${matches.length} in ${JSON.stringify(text)}`);
  return matches[0]!.score;
}
