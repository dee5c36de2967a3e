// The small trained injection model: logistic regression over hashed character and word n-grams
// (model-features.ts), weights shipped as JSON beside this file and produced by
// scripts/train-injection-model.ts. One signal among the others, never the only word.

import { GatewayError } from '../../errors.js';
import modelFile from './injection-model.json' with { type: 'json' };
import type { ClassifyWork } from '../work.js';
import { forEachFeature, type FeatureSink, type FeatureSpace } from './model-features.js';

/** The stored model: weights are int8 (base64) times `scale`, to keep the file small. */
export interface InjectionModelFile {
  format: 'palisade-injection-model/1';
  bits: number;
  bias: number;
  scale: number;
  weights: string;
  /** Probability from which the model's evidence counts (chosen on training data only). */
  threshold: number;
  window: number;
  stride: number;
}

export interface InjectionModel {
  /** Probability in [0, 1] that the text is an injection or jailbreak; the highest over its windows. */
  score(normalised: string, work?: ClassifyWork): number;
  /** How many windows `score` reads in a text of `length` characters. */
  windowCount(length: number): number;
  /** The highest probability over windows [first, first + count) of those `score` reads: a long text scored a few windows at a time. */
  scoreWindows(normalised: string, first: number, count: number, work?: ClassifyWork): number;
  readonly threshold: number;
}

/** Sums the weights of a window's features, each bucket once: a new stamp per window marks the
 * buckets already counted without clearing the marks. */
class ScoringSink implements FeatureSink {
  sum = 0;
  count = 0;
  private stamp = 0;
  private readonly seen: Uint32Array;

  constructor(private readonly weights: Float32Array) {
    this.seen = new Uint32Array(weights.length);
  }

  reset(): void {
    this.sum = 0;
    this.count = 0;
    this.stamp = (this.stamp + 1) >>> 0;
    if (this.stamp === 0) {
      this.seen.fill(0);
      this.stamp = 1;
    }
  }

  add(bucket: number): void {
    if (this.seen[bucket] === this.stamp) return;
    this.seen[bucket] = this.stamp;
    this.sum += this.weights[bucket] ?? 0;
    this.count++;
  }
}

export function loadInjectionModel(file: InjectionModelFile): InjectionModel {
  const space: FeatureSpace = { bits: file.bits };
  const size = 1 << file.bits;
  const raw = Buffer.from(file.weights, 'base64');
  if (raw.length !== size) throw new GatewayError('GW_ERR_INTERNAL', { detail: `injection model: expected ${size} weights, found ${raw.length}.` });
  const weights = new Float32Array(size);
  for (let i = 0; i < size; i++) weights[i] = ((raw[i] ?? 0) << 24 >> 24) * file.scale;
  const sink = new ScoringSink(weights);

  function windowScore(text: string, from: number, to: number): number {
    sink.reset();
    forEachFeature(text, space, sink, from, to);
    if (sink.count === 0) return 0;
    const z = file.bias + sink.sum / Math.sqrt(sink.count);
    return 1 / (1 + Math.exp(-z));
  }

  function windowCount(length: number): number {
    return length <= file.window ? 1 : Math.ceil((length - file.window) / file.stride) + 1;
  }

  function scoreWindows(normalised: string, first: number, count: number, work?: ClassifyWork): number {
    const length = normalised.length;
    if (length <= file.window) {
      if (first > 0 || count < 1) return 0;
      if (work !== undefined) work.modelWindows++;
      return windowScore(normalised, 0, length);
    }
    let best = 0;
    const last = Math.min(windowCount(length), first + count);
    for (let k = first; k < last; k++) {
      const from = k * file.stride;
      if (work !== undefined) work.modelWindows++;
      best = Math.max(best, windowScore(normalised, from, Math.min(length, from + file.window)));
    }
    return best;
  }

  return {
    threshold: file.threshold,
    windowCount,
    scoreWindows,
    score(normalised: string, work?: ClassifyWork): number {
      return scoreWindows(normalised, 0, windowCount(normalised.length), work);
    },
  };
}

export const injectionModel: InjectionModel = loadInjectionModel(modelFile as InjectionModelFile);
