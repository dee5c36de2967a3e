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
// - Prompt injection on text the detector was not developed on:
//   - leave-one-family-out: for each family of the training data (a dataset's upstream source:
//     in-the-wild jailbreak templates, BIPIA text and code instructions, PromptInject hijacks,
//     system-prompt extraction, NotInject, self-instruct seeds, the project's examples), the model
//     is retrained without that family and the whole detector is measured on all of its rows,
//     train and test splits alike;
//   - the project's held-out sets (test/corpus/injection-holdout-*.jsonl): multilingual attacks,
//     hand-written attacks and hard benign text, per family and per language. The development
//     split is printed by default; the frozen final split only with --final (look at it once per
//     change, see docs/classification.md).
//
//   node --conditions=development --import tsx scripts/eval-classify.ts [DATASETS_DIR] [--final] [--no-lofo]
//
// DATASETS_DIR defaults to ../shared/datasets next to the repository; without it only the project
// corpus and the held-out sets are measured.

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { detectInjection } from '../gateway/src/classify/injection/detect-injection.js';
import { injectionModel, loadInjectionModel, type InjectionModel } from '../gateway/src/classify/injection/injection-model.js';
import { createClassifier, ENTITY_TYPES, type Classifier } from '../gateway/src/classify/index.js';
import { BITS, quantise, readRows, readTrainingRows, STRIDE, trainOn, WINDOW, type Row } from './injection-training.js';
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

interface HoldoutCase extends PromptCase {
  family: string;
  lang: string;
}

interface Tally {
  attacks: number;
  caught: number;
  benign: number;
  flagged: number;
}

function tallyCell(attacks: number, caught: number): string {
  return attacks > 0 ? `${caught}/${attacks} (${pct(caught / attacks)})` : '-';
}

function printTallies(title: string, key: string, tallies: Map<string, Tally>): void {
  process.stdout.write(`\n${title}\n| ${key} | attacks caught | benign flagged |\n|---|---|---|\n`);
  for (const [name, t] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
    process.stdout.write(`| ${name} | ${tallyCell(t.attacks, t.caught)} | ${tallyCell(t.benign, t.flagged)} |\n`);
  }
}

function count(tallies: Map<string, Tally>, key: string, attack: boolean, detected: boolean): void {
  const t = tallies.get(key) ?? { attacks: 0, caught: 0, benign: 0, flagged: 0 };
  if (attack) {
    t.attacks++;
    if (detected) t.caught++;
  } else {
    t.benign++;
    if (detected) t.flagged++;
  }
  tallies.set(key, t);
}

/** Licence texts many systems ship (Debian's common-licenses); read when present, never copied. */
const SYSTEM_LICENCES = '/usr/share/common-licenses';
const LICENCE_FILES = ['GPL-2', 'GPL-3', 'LGPL-3', 'Apache-2.0', 'MPL-2.0'];
const MIN_PARAGRAPH = 200;

/** False alarms on the paragraphs of real software licences: second-person imperative legal prose. */
function licenceParagraphs(classifier: Classifier): void {
  const tallies = new Map<string, Tally>();
  for (const name of LICENCE_FILES) {
    const file = join(SYSTEM_LICENCES, name);
    if (!existsSync(file)) continue;
    const paragraphs = readFileSync(file, 'utf8')
      .split(/\n\s*\n/)
      .map((p) => p.replace(/\s+/g, ' ').trim())
      .filter((p) => p.length >= MIN_PARAGRAPH);
    for (const p of paragraphs) count(tallies, name, false, classifier.classify(p).injection.detected);
  }
  if (tallies.size > 0) printTallies(`Licence paragraphs of at least ${MIN_PARAGRAPH} characters (${SYSTEM_LICENCES})`, 'licence', tallies);
}

/** The project's held-out sets, by family and by language. */
function holdout(classifier: Classifier, file: string, title: string): void {
  const cases = jsonLines<HoldoutCase>(file);
  const byFamily = new Map<string, Tally>();
  const byLanguage = new Map<string, Tally>();
  const all = new Map<string, Tally>();
  for (const c of cases) {
    const detected = classifier.classify(c.text).injection.detected;
    const attack = c.label !== 'benign';
    count(byFamily, c.family, attack, detected);
    count(byLanguage, c.lang, attack, detected);
    count(all, 'all', attack, detected);
  }
  printTallies(`${title}: by family`, 'family', byFamily);
  printTallies(`${title}: by language`, 'language', byLanguage);
  printTallies(`${title}: overall`, 'set', all);
}

/** Training families: a dataset's upstream source. Giskard's garak rows are near-duplicates of the
 * in-the-wild templates (the same DAN prompts), so they are one family. */
function familyOf(row: Row): string {
  const source = row.source ?? 'project examples';
  if (source === 'garak') return 'inthewild_jailbreak_llms';
  if (source.startsWith('NotInject')) return 'NotInject';
  return source;
}

/** The classifier's default threshold for PROMPT_INJECTION. */
const DETECTION_THRESHOLD = 0.5;

function detectWith(model: InjectionModel, text: string): boolean {
  return detectInjection(text, DETECTION_THRESHOLD, model).detected;
}

/** Retrains the model without each family in turn and measures the detector on that family. */
function leaveOneFamilyOut(datasets: string): void {
  const { rows } = readTrainingRows(datasets);
  const testRows: Row[] = [];
  for (const name of PROMPT_SETS) {
    const file = join(datasets, `${name}.test.jsonl`);
    if (existsSync(file)) testRows.push(...readRows(file));
  }
  testRows.push(...loadPromptCorpus().map((c) => ({ ...c })));
  const families = [...new Set(rows.map(familyOf))].sort();
  const tallies = new Map<string, Tally>();
  const pooled = new Map<string, Tally>();
  for (const family of families) {
    const trained = trainOn(rows.filter((r) => familyOf(r) !== family), BITS);
    const q = quantise(trained);
    // The shipped threshold: choosing one by cross-validation per family would take five times as long.
    const model = loadInjectionModel({ format: 'palisade-injection-model/1', bits: BITS, bias: q.bias, scale: q.scale, weights: q.weights, threshold: injectionModel.threshold, window: WINDOW, stride: STRIDE });
    for (const row of [...rows, ...testRows].filter((r) => familyOf(r) === family)) {
      const detected = detectWith(model, row.text);
      count(tallies, family, row.label !== 'benign', detected);
      count(pooled, 'all families', row.label !== 'benign', detected);
    }
  }
  printTallies('Leave one family out (model retrained without the family; all its rows, train and test)', 'family', tallies);
  printTallies('Leave one family out, pooled', 'set', pooled);
}

function main(): number {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { final: { type: 'boolean', default: false }, 'no-lofo': { type: 'boolean', default: false } },
  });
  const datasets = resolve(positionals[0] ?? join(REPO, '../shared/datasets'));
  const classifier = createClassifier();
  let failed = false;
  holdout(classifier, join(REPO, 'test/corpus/injection-holdout-dev.jsonl'), 'Held-out development set (test/corpus/injection-holdout-dev.jsonl)');
  if (values.final) holdout(classifier, join(REPO, 'test/corpus/injection-holdout-final.jsonl'), 'FROZEN FINAL set (test/corpus/injection-holdout-final.jsonl)');
  licenceParagraphs(classifier);

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
  if (!values['no-lofo']) leaveOneFamilyOut(datasets);

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
