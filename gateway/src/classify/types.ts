// Public shapes of the classify stage: what a classification reports and how a classifier is configured.

import type { CustomClassConfig } from './config-schema.js';

/** One detected value. Offsets are JavaScript string indices (UTF-16 code units), end exclusive. */
export interface Entity {
  type: string;
  start: number;
  end: number;
  score: number;
  /** Index of the text the offsets refer to; set by `classifyMany`. */
  part?: number;
}

export interface InjectionResult {
  /** Combined evidence in [0, 1]. */
  score: number;
  detected: boolean;
  /** Names of the signals that fired, in a stable order. */
  signals: string[];
}

export interface Classification {
  entities: Entity[];
  /** Data classes present ("PII", "PHI", "SECRET", "PROMPT_INJECTION"), in that order. */
  labels: string[];
  counts: Record<string, { count: number; max_score: number }>;
  injection: InjectionResult;
}

export interface Classifier {
  classify(text: string): Classification;
  /** Classifies the messages of one prompt together; entity offsets refer to `texts[entity.part]`. */
  classifyMany(texts: readonly string[]): Classification;
}

export interface ClassifierOptions {
  /** Built-in entity types to look for; defaults to every type this version knows. Custom classes are always on. */
  entityTypes?: readonly string[];
  /** Entities scoring below this are not reported at all. Default 0 (every match with a score). */
  minScore?: number;
  /** An entity raises its data-class label (PII, SECRET) when its score reaches this. Default 0.5. */
  labelThreshold?: number;
  /** PROMPT_INJECTION is reported when the injection score reaches this. Default 0.5. */
  injectionThreshold?: number;
  /** Classes declared by the policy team; reported under their own names like built-in types. */
  custom?: readonly CustomClassConfig[];
}
