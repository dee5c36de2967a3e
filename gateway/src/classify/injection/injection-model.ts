// The small trained injection model: logistic regression over hashed character and word n-grams
// (model-features.ts), weights shipped as JSON beside this file and produced by
// scripts/train-injection-model.ts. One signal among the others, never the only word.

import modelFile from './injection-model.json' with { type: 'json' };
import { forEachFeature, type FeatureSpace } from './model-features.js';

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
  score(normalised: string): number;
  readonly threshold: number;
}

export function loadInjectionModel(file: InjectionModelFile): InjectionModel {
  const space: FeatureSpace = { bits: file.bits };
  const size = 1 << file.bits;
  const raw = Buffer.from(file.weights, 'base64');
  if (raw.length !== size) throw new Error(`injection model: expected ${size} weights, found ${raw.length}`);
  const weights = new Float32Array(size);
  for (let i = 0; i < size; i++) weights[i] = ((raw[i] ?? 0) << 24 >> 24) * file.scale;
  // Marks of the buckets already counted in the current window; a new stamp per window avoids clearing.
  const seen = new Uint32Array(size);
  let stamp = 0;

  function windowScore(text: string, from: number, to: number): number {
    stamp = (stamp + 1) >>> 0;
    if (stamp === 0) {
      seen.fill(0);
      stamp = 1;
    }
    let sum = 0;
    let count = 0;
    forEachFeature(
      text,
      space,
      (bucket) => {
        if (seen[bucket] === stamp) return;
        seen[bucket] = stamp;
        sum += weights[bucket] ?? 0;
        count++;
      },
      from,
      to,
    );
    if (count === 0) return 0;
    const z = file.bias + sum / Math.sqrt(count);
    return 1 / (1 + Math.exp(-z));
  }

  return {
    threshold: file.threshold,
    score(normalised: string): number {
      if (normalised.length <= file.window) return windowScore(normalised, 0, normalised.length);
      let best = 0;
      for (let from = 0; from < normalised.length; from += file.stride) {
        const to = Math.min(normalised.length, from + file.window);
        best = Math.max(best, windowScore(normalised, from, to));
        if (to === normalised.length) break;
      }
      return best;
    },
  };
}

export const injectionModel: InjectionModel = loadInjectionModel(modelFile as InjectionModelFile);
