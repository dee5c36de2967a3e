// Accuracy gate on the project's own corpus: checksum-validated types must reach 0.95 precision
// and recall, hard negatives included; the prompt-injection examples must keep recall >= 0.9
// with at most 5% of the benign ones flagged.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClassifier, ENTITY_TYPES } from '../../gateway/src/classify/index.js';
import { loadPiiCorpus, loadPromptCorpus, unmark } from './load-corpus.js';
import { finishScores, scoreDocument } from './score-spans.js';

const classifier = createClassifier();
/** Reported at this score or above counts as detected (Presidio's floor for a match with context). */
const MIN_SCORE = 0.4;
const CHECKSUM_TYPES = ['CREDIT_CARD', 'IBAN_CODE', 'CRYPTO', 'US_NPI', 'MEDICAL_LICENSE', 'ABA_ROUTING_NUMBER', 'UK_NHS', 'CA_SIN', 'VIN', 'IMEI'];
const GATE = 0.95;

test('the corpus loader turns marks into exact spans', () => {
  assert.deepEqual(unmark('a [[US_SSN:536-22-7788]] b [[EMAIL_ADDRESS:x@y.io]]'), {
    text: 'a 536-22-7788 b x@y.io',
    spans: [
      { type: 'US_SSN', start: 2, end: 13 },
      { type: 'EMAIL_ADDRESS', start: 16, end: 22 },
    ],
  });
});

test(`checksum-validated types reach ${GATE} precision and recall on the corpus`, () => {
  const cases = loadPiiCorpus();
  assert.ok(cases.length > 400);
  const totals = new Map<string, { tp: number; fp: number; fn: number }>();
  for (const c of cases) {
    const predicted = classifier.classify(c.text).entities.filter((e) => e.score >= MIN_SCORE);
    scoreDocument(c.spans, predicted, new Set(ENTITY_TYPES), totals);
  }
  const scores = finishScores(totals);
  for (const type of CHECKSUM_TYPES) {
    const s = scores.get(type);
    assert.ok(s !== undefined && s.tp >= 20, `${type} has at least 20 examples`);
    assert.ok(s.precision >= GATE, `${type} precision ${s.precision.toFixed(3)} (${s.fp} false positives)`);
    assert.ok(s.recall >= GATE, `${type} recall ${s.recall.toFixed(3)} (${s.fn} missed)`);
  }
});

test('the prompt-injection examples: recall >= 0.9 on attacks, <= 5% of benign prompts flagged', () => {
  const cases = loadPromptCorpus();
  const attacks = cases.filter((c) => c.label !== 'benign');
  const benign = cases.filter((c) => c.label === 'benign');
  const caught = attacks.filter((c) => classifier.classify(c.text).injection.detected);
  const flagged = benign.filter((c) => classifier.classify(c.text).injection.detected);
  assert.ok(caught.length / attacks.length >= 0.9, `missed: ${attacks.filter((c) => !caught.includes(c)).map((c) => c.id).join(', ')}`);
  assert.ok(flagged.length / benign.length <= 0.05, `flagged: ${flagged.map((c) => c.id).join(', ')}`);
});
