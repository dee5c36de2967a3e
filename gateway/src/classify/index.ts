// The classify stage: finds personal data, secrets and prompt-injection signals in prompt text.

export { classifyWithWork, createClassifier } from './classifier.js';
export { classifierOptionsFromConfig, classifyConfigSchema, customClassSchema, type ClassifyConfig, type CustomClassConfig, type CustomPatternConfig } from './config-schema.js';
export { ENTITY_INFO, ENTITY_LABELS, ENTITY_TYPES, LABEL_ORDER, type DataLabel, type EntityInfo, type EntityType, type PhiRole } from './entity-types.js';
export type { Classification, Classifier, ClassifierOptions, Entity, InjectionResult } from './types.js';
export { createStreamScanner, type StreamScanner, type StreamScannerOptions, type StreamUpdate } from './stream-scanner.js';
export type { ClassifyWork } from './work.js';
export { createClassifierSource, type ClassifierSource } from './classifier-source.js';
export { cachedClassifyOf, createCachedClassify, type CachedClassify, type PartsClassification } from './scan-cache.js';
