// The classify stage: finds personal data, secrets and prompt-injection signals in prompt text.

export { createClassifier } from './classifier.js';
export { ENTITY_LABELS, ENTITY_TYPES, LABEL_ORDER, type DataLabel, type EntityType } from './entity-types.js';
export type { Classification, Classifier, ClassifierOptions, Entity, InjectionResult } from './types.js';
