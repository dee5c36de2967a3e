// Trains the injection model the gateway ships (gateway/src/classify/injection/injection-model.json):
// logistic regression over the hashed features of model-features.ts, on the TRAIN splits of the
// prompt datasets whose licences allow it (MIT, Apache-2.0) plus the project's own examples in
// test/corpus/injection-train.jsonl. Test splits are never read here; presidio_synth_v2 (CC BY-SA)
// and selfinstruct_user_oriented (test only, by request of its authors) are not used. The
// procedure itself is in injection-training.ts.
//
//   node --import tsx scripts/train-injection-model.ts [DATASETS_DIR] [--out FILE]
//
// Deterministic: the same inputs give the same weights byte for byte.

import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { FeatureSpace } from '../gateway/src/classify/injection/model-features.js';
import {
  augment,
  BITS,
  EMBEDDED_ATTACKS,
  EPOCHS,
  featurise,
  fold,
  FOLDS,
  L2,
  LONG_BENIGN,
  quantise,
  readTrainingRows,
  REPO,
  scoreRow,
  STRIDE,
  TARGET_BENIGN_RATE,
  train,
  trainOn,
  WINDOW,
  type Row,
} from './injection-training.js';

function main(): void {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      out: { type: 'string', default: join(REPO, 'gateway/src/classify/injection/injection-model.json') },
      bits: { type: 'string', default: String(BITS) },
      // Lists the training texts the cross-validated model gets wrong, to see what it misses.
      'report-misses': { type: 'boolean', default: false },
    },
  });
  const datasets = resolve(positionals[0] ?? join(REPO, '../shared/datasets'));
  const bits = Number(values.bits);
  const space: FeatureSpace = { bits };
  const { rows, sources } = readTrainingRows(datasets);
  const byRow = rows.map((row) => ({ row, examples: featurise(row, space) }));
  const size = 1 << bits;

  // Out-of-fold scores choose the threshold and report what to expect; the final model uses all rows.
  const oof: { y: number; p: number; row: Row }[] = [];
  for (let k = 0; k < FOLDS; k++) {
    const inFold = byRow.filter((r) => fold(r.row.id) !== k);
    const extra = augment(inFold.map((r) => r.row), k + 1).flatMap((row) => featurise(row, space));
    const model = train([...inFold.flatMap((r) => r.examples), ...extra], size);
    for (const r of byRow.filter((r) => fold(r.row.id) === k)) oof.push({ y: r.row.label === 'benign' ? 0 : 1, p: scoreRow(model, r.examples), row: r.row });
  }
  const benign = oof.filter((o) => o.y === 0).map((o) => o.p).sort((a, b) => b - a);
  const threshold = Math.max(0.5, benign[Math.floor(benign.length * TARGET_BENIGN_RATE)] ?? 0.5);
  const attacks = oof.filter((o) => o.y === 1);
  const recall = attacks.filter((o) => o.p >= threshold).length / attacks.length;
  const benignRate = benign.filter((p) => p >= threshold).length / benign.length;

  if (values['report-misses']) {
    for (const o of oof) {
      if ((o.y === 1) === o.p >= threshold) continue;
      process.stdout.write(`${o.y === 1 ? 'missed' : 'flagged'} ${o.p.toFixed(3)} ${o.row.id}: ${JSON.stringify(o.row.text.slice(0, 160))}\n`);
    }
  }

  const model = trainOn(rows, bits);
  const q = quantise(model);
  const file = {
    format: 'palisade-injection-model/1',
    description: 'Logistic regression over hashed character 4-grams and word 1/2-grams; see scripts/train-injection-model.ts.',
    bits,
    window: WINDOW,
    stride: STRIDE,
    threshold: Number(threshold.toFixed(4)),
    bias: q.bias,
    scale: q.scale,
    training: {
      sources,
      examples: rows.length,
      augmented: { long_benign: LONG_BENIGN, embedded_attacks: EMBEDDED_ATTACKS },
      epochs: EPOCHS,
      l2: L2,
      cross_validation: { folds: FOLDS, attack_recall_at_threshold: Number(recall.toFixed(4)), benign_rate_at_threshold: Number(benignRate.toFixed(4)) },
    },
    weights: q.weights,
  };
  writeFileSync(values.out ?? '', `${JSON.stringify(file, null, 1)}\n`);
  process.stdout.write(
    `trained on ${rows.length} texts (${sources.map((s) => `${s.file} ${s.rows}`).join(', ')})\n` +
      `${FOLDS}-fold cross-validation: threshold ${threshold.toFixed(3)}, attack recall ${(recall * 100).toFixed(1)}%, benign flagged ${(benignRate * 100).toFixed(1)}%\n` +
      `wrote ${values.out}\n`,
  );
}

main();
