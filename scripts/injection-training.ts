// The training procedure of the injection model, shared by scripts/train-injection-model.ts (which
// writes the weights the gateway ships) and scripts/eval-classify.ts (which retrains without one
// family of attacks at a time to measure recall on attacks the model never saw).

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { forEachFeature, type FeatureSpace } from '../gateway/src/classify/injection/model-features.js';
import { normalisePrompt, undoObfuscation } from '../gateway/src/classify/injection/normalise-prompt.js';

export const REPO = resolve(import.meta.dirname, '..');
export const BITS = 14;
export const WINDOW = 2048;
export const STRIDE = 1024;
/** Windows used per training text: long jailbreaks are several windows, all labelled alike. */
const MAX_WINDOWS = 4;
export const EPOCHS = 40;
export const LEARNING_RATE = 0.05;
export const L2 = 1e-4;
export const FOLDS = 5;
/**
 * Augmentation from the training rows themselves: long benign documents made of several benign
 * texts (real prompts paste whole documents, which a model trained on short benign rows would
 * take for long jailbreaks), and such documents with one attack hidden inside (indirect injection).
 */
export const LONG_BENIGN = 300;
export const EMBEDDED_ATTACKS = 150;
/** The model's evidence starts where out-of-fold benign texts score above it at most this often. */
export const TARGET_BENIGN_RATE = 0.04;

/** Train splits read, with the licence each must carry. */
export const SOURCES = [
  { name: 'notinject', licence: /MIT License/ },
  { name: 'bipia_attacks', licence: /MIT License/ },
  { name: 'giskard_prompt_injections', licence: /MIT License/ },
  { name: 'garak_attacks', licence: /Apache License/ },
  { name: 'selfinstruct_seed', licence: /Apache License/ },
] as const;
export const PROJECT_EXAMPLES = join(REPO, 'test/corpus/injection-train.jsonl');

export interface Row {
  id: string;
  text: string;
  label: 'benign' | 'injection' | 'jailbreak';
  /** The upstream subset a dataset row comes from (its family). */
  source?: string;
}

export interface Example {
  id: string;
  y: 0 | 1;
  /** Feature buckets, each once, and the value every one of them carries (unit length). */
  buckets: Int32Array;
  value: number;
  weight: number;
}

export function readRows(file: string): Row[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Row);
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The text as the gateway hands it to the model. */
export function modelText(text: string): string {
  const ascii = !/[^\x00-\x7F]/.test(text);
  const normalised = normalisePrompt(text, ascii);
  return undoObfuscation(normalised) ?? normalised;
}

export function windowsOf(text: string): [number, number][] {
  if (text.length <= WINDOW) return [[0, text.length]];
  const out: [number, number][] = [];
  for (let from = 0; from < text.length && out.length < MAX_WINDOWS; from += STRIDE) {
    const to = Math.min(text.length, from + WINDOW);
    out.push([from, to]);
    if (to === text.length) break;
  }
  return out;
}

export function featurise(row: Row, space: FeatureSpace): Example[] {
  const text = modelText(row.text);
  const windows = windowsOf(text);
  return windows.map(([from, to]) => {
    const set = new Set<number>();
    forEachFeature(text, space, { add: (b) => set.add(b) }, from, to);
    const buckets = Int32Array.from([...set].sort((a, b) => a - b));
    return { id: row.id, y: row.label === 'benign' ? 0 : 1, buckets, value: 1 / Math.sqrt(Math.max(1, buckets.length)), weight: 1 / windows.length };
  });
}

/** Seeded xorshift, so shuffles are the same on every run. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

export interface Model {
  w: Float64Array;
  b: number;
}

export function predict(model: Model, ex: Example): number {
  let z = model.b;
  for (const i of ex.buckets) z += (model.w[i] ?? 0) * ex.value;
  return 1 / (1 + Math.exp(-z));
}

/** Logistic regression with L2, trained by Adam over shuffled examples; classes weighted equally. */
export function train(examples: readonly Example[], size: number): Model {
  const positives = examples.reduce((s, e) => s + (e.y === 1 ? e.weight : 0), 0);
  const negatives = examples.reduce((s, e) => s + (e.y === 0 ? e.weight : 0), 0);
  const classWeight = [examples.length / (2 * Math.max(negatives, 1)), examples.length / (2 * Math.max(positives, 1))];
  const model: Model = { w: new Float64Array(size), b: 0 };
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  let mb = 0;
  let vb = 0;
  const beta1 = 0.9;
  const beta2 = 0.999;
  let t = 0;
  const order = examples.map((_, i) => i);
  const random = rng(20240611);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
    }
    for (const index of order) {
      const ex = examples[index];
      if (ex === undefined) continue;
      t++;
      const g = (predict(model, ex) - ex.y) * ex.weight * (classWeight[ex.y] ?? 1);
      const c1 = 1 - beta1 ** t;
      const c2 = 1 - beta2 ** t;
      for (const k of ex.buckets) {
        const grad = g * ex.value + L2 * (model.w[k] ?? 0);
        m[k] = beta1 * (m[k] ?? 0) + (1 - beta1) * grad;
        v[k] = beta2 * (v[k] ?? 0) + (1 - beta2) * grad * grad;
        model.w[k] = (model.w[k] ?? 0) - (LEARNING_RATE * ((m[k] ?? 0) / c1)) / (Math.sqrt((v[k] ?? 0) / c2) + 1e-8);
      }
      mb = beta1 * mb + (1 - beta1) * g;
      vb = beta2 * vb + (1 - beta2) * g * g;
      model.b -= (LEARNING_RATE * (mb / c1)) / (Math.sqrt(vb / c2) + 1e-8);
    }
  }
  return model;
}

/** Highest probability over a text's windows, as the gateway scores it. */
export function scoreRow(model: Model, examples: readonly Example[]): number {
  return Math.max(...examples.map((e) => predict(model, e)));
}

export function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('nothing to pick from');
  return item;
}

/** Synthetic rows built from `rows` only, so cross-validation folds never see each other's texts. */
export function augment(rows: readonly Row[], seed: number): Row[] {
  const random = rng(seed);
  const benign = rows.filter((r) => r.label === 'benign');
  const attacks = rows.filter((r) => r.label !== 'benign' && r.text.length < 1500);
  const document = (parts: number): string[] => Array.from({ length: parts }, () => pick(benign, random).text);
  const out: Row[] = [];
  for (let i = 0; i < LONG_BENIGN; i++) {
    out.push({ id: `augmented-benign-${seed}-${i}`, label: 'benign', text: document(6 + Math.floor(random() * 15)).join('\n\n') });
  }
  for (let i = 0; i < EMBEDDED_ATTACKS; i++) {
    const parts = document(2 + Math.floor(random() * 6));
    parts.splice(Math.floor(random() * (parts.length + 1)), 0, pick(attacks, random).text);
    out.push({ id: `augmented-attack-${seed}-${i}`, label: 'injection', text: parts.join('\n\n') });
  }
  return out;
}

export function fold(id: string): number {
  return parseInt(createHash('sha256').update(id).digest('hex').slice(0, 8), 16) % FOLDS;
}

export function quantise(model: Model): { scale: number; weights: string; bias: number } {
  let max = 0;
  for (const w of model.w) max = Math.max(max, Math.abs(w));
  const scale = max / 127 || 1;
  const bytes = Buffer.alloc(model.w.length);
  model.w.forEach((w, i) => bytes.writeInt8(Math.max(-127, Math.min(127, Math.round(w / scale))), i));
  return { scale: Number(scale.toPrecision(8)), weights: bytes.toString('base64'), bias: Number(model.b.toPrecision(8)) };
}


export interface SourceFile {
  file: string;
  sha256: string;
  rows: number;
  licence: string;
}

/** The train splits whose licences allow training committed weights, plus the project's examples. */
export function readTrainingRows(datasets: string): { rows: Row[]; sources: SourceFile[] } {
  const rows: Row[] = [];
  const sources: SourceFile[] = [];
  for (const source of SOURCES) {
    const file = join(datasets, `${source.name}.train.jsonl`);
    const licenceFile = join(datasets, `${source.name}.LICENSE.txt`);
    if (!existsSync(file) || !existsSync(licenceFile)) throw new Error(`missing ${file} or its licence file`);
    const licence = readFileSync(licenceFile, 'utf8');
    // Refuse to train on data whose licence is not the one recorded for it. (BIPIA's licence file
    // also quotes CC BY-SA terms for third-party contexts; those contexts are not in the file.)
    if (!source.licence.test(licence)) throw new Error(`${source.name}: licence is not ${source.licence.source}`);
    const read = readRows(file);
    rows.push(...read);
    sources.push({ file: `${source.name}.train.jsonl`, sha256: sha256(file), rows: read.length, licence: source.licence.source });
  }
  const project = readRows(PROJECT_EXAMPLES);
  rows.push(...project);
  sources.push({ file: 'test/corpus/injection-train.jsonl', sha256: sha256(PROJECT_EXAMPLES), rows: project.length, licence: 'Apache-2.0 (this project)' });
  return { rows, sources };
}

/** Trains on `rows` and the documents augmented from them, as the shipped model is trained. */
export function trainOn(rows: readonly Row[], bits: number, seed = 0): Model {
  const space: FeatureSpace = { bits };
  const examples = [...rows.flatMap((row) => featurise(row, space)), ...augment(rows, seed).flatMap((row) => featurise(row, space))];
  return train(examples, 1 << bits);
}
