// `make eval`: measures the classifier on labelled data and prints where it lands.
//
//   node --conditions=development --import tsx scripts/eval-classify.ts [DATASETS_DIR]
//
// - PII: per-type precision, recall and F1 on presidio_synth_v2's TEST split (evaluation only; its
//   identities are CC BY-SA) and on the project corpus (test/corpus/pii.jsonl). A prediction counts
//   when its type matches and the spans overlap by half their union; scores below 0.4 are not counts.
// - Prompt injection: detection rate per TEST split of the prompt datasets and on the project's
//   examples; the gate is recall >= 0.90 on the attack sets with <= 5% of the benign sets flagged.
// - Gates (both enforced: the run exits 1 below either): checksum-validated types >= 0.95
//   precision and recall on the project corpus; injection recall >= 0.90 on the attack test splits
//   with <= 5% of the benign test splits flagged (when the datasets folder is present).
//
// DATASETS_DIR defaults to ../shared/datasets next to the repository; without it only the project
// corpus is measured.

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createClassifier, ENTITY_TYPES, type Classifier } from '../gateway/src/classify/index.js';
import { loadPiiCorpus, loadPromptCorpus, type PiiCase, type PromptCase } from '../test/corpus/load-corpus.js';
import { finishScores, scoreDocument, type TypeScore } from '../test/corpus/score-spans.js';

const REPO = resolve(import.meta.dirname, '..');
const MIN_SCORE = 0.4;
const CHECKSUM_TYPES = ['CREDIT_CARD', 'IBAN_CODE', 'CRYPTO', 'US_NPI', 'MEDICAL_LICENSE', 'ABA_ROUTING_NUMBER', 'UK_NHS', 'CA_SIN', 'VIN', 'IMEI'];
const CHECKSUM_GATE = 0.95;
const INJECTION_RECALL_GATE = 0.9;
const INJECTION_BENIGN_GATE = 0.05;
/** The injection gate fails the run: the classifier meets it (docs/classification.md), so it must not regress. */
const INJECTION_GATE_ENFORCED = true;
const PROMPT_SETS = ['notinject', 'bipia_attacks', 'giskard_prompt_injections', 'garak_attacks', 'selfinstruct_seed', 'selfinstruct_user_oriented'];

interface PresidioRow {
  id: string;
  text: string;
  spans: { type: string; start: number; end: number }[];
}

function jsonLines<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function piiTable(classifier: Classifier, cases: readonly PiiCase[]): Map<string, TypeScore> {
  const totals = new Map<string, { tp: number; fp: number; fn: number }>();
  const gold = new Set(cases.flatMap((c) => c.spans.map((s) => s.type)));
  // Only types the classifier can name and the data labels are scored.
  const types = new Set(ENTITY_TYPES.filter((t) => gold.has(t)));
  for (const c of cases) scoreDocument(c.spans, classifier.classify(c.text).entities.filter((e) => e.score >= MIN_SCORE), types, totals);
  return finishScores(totals);
}

function printPii(title: string, scores: Map<string, TypeScore>, notDetected: readonly string[]): void {
  process.stdout.write(`\n${title}\n| type | precision | recall | F1 | TP | FP | FN |\n|---|---|---|---|---|---|---|\n`);
  for (const [type, s] of scores) {
    process.stdout.write(`| ${type} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} | ${s.f1.toFixed(3)} | ${s.tp} | ${s.fp} | ${s.fn} |\n`);
  }
  if (notDetected.length > 0) process.stdout.write(`Labelled in the data, no recognizer by design: ${notDetected.join(', ')}\n`);
}

interface PromptResult {
  name: string;
  attacks: number;
  caught: number;
  benign: number;
  flagged: number;
}

function promptResult(classifier: Classifier, name: string, rows: readonly Pick<PromptCase, 'text' | 'label'>[]): PromptResult {
  const r: PromptResult = { name, attacks: 0, caught: 0, benign: 0, flagged: 0 };
  for (const row of rows) {
    const detected = classifier.classify(row.text).injection.detected;
    if (row.label === 'benign') {
      r.benign++;
      if (detected) r.flagged++;
    } else {
      r.attacks++;
      if (detected) r.caught++;
    }
  }
  return r;
}

function printPrompts(results: readonly PromptResult[]): void {
  process.stdout.write('\n| set | attacks caught | benign flagged |\n|---|---|---|\n');
  for (const r of results) {
    process.stdout.write(
      `| ${r.name} | ${r.attacks > 0 ? `${r.caught}/${r.attacks} (${pct(r.caught / r.attacks)})` : '-'} | ${r.benign > 0 ? `${r.flagged}/${r.benign} (${pct(r.flagged / r.benign)})` : '-'} |\n`,
    );
  }
}

function main(): number {
  const datasets = resolve(process.argv[2] ?? join(REPO, '../shared/datasets'));
  const classifier = createClassifier();
  let failed = false;

  // Project corpus: always available, and gated.
  const corpus = piiTable(classifier, loadPiiCorpus());
  printPii('Project corpus (test/corpus/pii.jsonl), PII', corpus, []);
  for (const type of CHECKSUM_TYPES) {
    const s = corpus.get(type);
    if (s === undefined || s.precision < CHECKSUM_GATE || s.recall < CHECKSUM_GATE) {
      process.stdout.write(`GATE FAILED: ${type} precision/recall below ${CHECKSUM_GATE} on the project corpus\n`);
      failed = true;
    }
  }
  if (!failed) process.stdout.write(`Gate met: checksum-validated types >= ${CHECKSUM_GATE} precision and recall on the project corpus.\n`);
  const projectPrompts = promptResult(classifier, 'project examples (test/corpus/injection-eval.jsonl)', loadPromptCorpus());

  if (!existsSync(datasets)) {
    printPrompts([projectPrompts]);
    process.stdout.write(`\nDatasets folder ${datasets} not found: dataset evaluation skipped.\n`);
    return failed ? 1 : 0;
  }

  const presidioFile = join(datasets, 'presidio_synth_v2.test.jsonl');
  if (existsSync(presidioFile)) {
    const rows = jsonLines<PresidioRow>(presidioFile);
    const scores = piiTable(classifier, rows);
    const gold = [...new Set(rows.flatMap((r) => r.spans.map((s) => s.type)))].filter((t) => !scores.has(t)).sort();
    printPii(`presidio_synth_v2 test split (${rows.length} sentences; evaluation only, CC BY-SA identities)`, scores, gold);
  }

  const results: PromptResult[] = [];
  for (const name of PROMPT_SETS) {
    const file = join(datasets, `${name}.test.jsonl`);
    if (existsSync(file)) results.push(promptResult(classifier, name, jsonLines<PromptCase>(file)));
  }
  const pooled = results.reduce((a, r) => ({ ...a, attacks: a.attacks + r.attacks, caught: a.caught + r.caught, benign: a.benign + r.benign, flagged: a.flagged + r.flagged }), {
    name: 'all test splits',
    attacks: 0,
    caught: 0,
    benign: 0,
    flagged: 0,
  });
  const withoutBipia = results.filter((r) => r.name !== 'bipia_attacks');
  const indirectFree = withoutBipia.reduce((a, r) => ({ ...a, attacks: a.attacks + r.attacks, caught: a.caught + r.caught }), { ...pooled, name: 'all test splits except bipia_attacks', attacks: 0, caught: 0 });
  printPrompts([...results, pooled, indirectFree, projectPrompts]);

  const recall = pooled.caught / Math.max(1, pooled.attacks);
  const benignRate = pooled.flagged / Math.max(1, pooled.benign);
  const met = recall >= INJECTION_RECALL_GATE && benignRate <= INJECTION_BENIGN_GATE;
  if (met) {
    process.stdout.write(`\nInjection gate met: recall ${pct(recall)} >= ${pct(INJECTION_RECALL_GATE)}, benign flagged ${pct(benignRate)} <= ${pct(INJECTION_BENIGN_GATE)}.\n`);
  } else {
    const shortfall = [
      recall < INJECTION_RECALL_GATE ? `recall ${pct(recall)} is ${pct(INJECTION_RECALL_GATE - recall)} short of ${pct(INJECTION_RECALL_GATE)} (${Math.ceil(INJECTION_RECALL_GATE * pooled.attacks) - pooled.caught} more attacks to catch)` : '',
      benignRate > INJECTION_BENIGN_GATE ? `benign flagged ${pct(benignRate)} is over ${pct(INJECTION_BENIGN_GATE)}` : '',
    ].filter((s) => s !== '');
    process.stdout.write(`\nINJECTION GATE NOT MET${INJECTION_GATE_ENFORCED ? '' : ' (reported, not enforced)'}: ${shortfall.join('; ')}.\n`);
    if (INJECTION_GATE_ENFORCED) failed = true;
  }
  return failed ? 1 : 0;
}

process.exitCode = main();
