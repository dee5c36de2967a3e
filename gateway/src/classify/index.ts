// The classify stage: finds personal data, secrets and prompt-injection signals in prompt text.

export { classifyWithWork, createClassifier } from './classifier.js';
export { classifierOptionsFromConfig, ClassifySchema, CustomClassSchema, type ClassifyConfig, type CustomClassConfig, type CustomPatternConfig } from './config-schema.js';
export { ENTITY_INFO, ENTITY_LABELS, ENTITY_TYPES, LABEL_ORDER, type DataLabel, type EntityInfo, type EntityType, type PhiRole } from './entity-types.js';
export type { Classification, Classifier, ClassifierOptions, Entity, InjectionResult } from './types.js';
export { createStreamScanner, type StreamScanner, type StreamScannerOptions, type StreamUpdate } from './stream-scanner.js';
export type { ClassifyWork } from './work.js';
export { createClassifierSource, type ClassifierSource } from './classifier-source.js';
export { cachedClassifyOf, createCachedClassify, createPacedClassify, pacedClassifyOf, type CachedClassify, type PacedClassify, type PartsClassification } from './scan-cache.js';
export { createPace, ENTITY_BATCH, ENTITY_WORK, takeTurn, type Pace } from './pace.js';
export { classifyManyInTurns } from './classify-in-turns.js';
