// The PHI rule: an identifier of a person together with health information in one prompt.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClassifier } from '../../gateway/src/classify/index.js';
import { classifier } from './helpers.js';

test('an identifier with a health condition or diagnosis code is PHI', () => {
  for (const text of [
    'Patient john.doe@example.com was diagnosed with type 2 diabetes.',
    'SSN 536-22-7788, history of hypertension.',
    'Call 415-555-2671 about the asthma prescription.',
    'Dr. Ada Lovelace reviewed the chart: ICD-10 E11.9.',
  ]) {
    assert.ok(classifier.classify(text).labels.includes('PHI'), text);
  }
});

test('health-care identifiers are PHI by themselves', () => {
  assert.deepEqual(classifier.classify('MRN: 00482913').labels, ['PII', 'PHI']);
  assert.deepEqual(classifier.classify('Medicare MBI 1EG4-TE5-MK73').labels, ['PII', 'PHI']);
  assert.deepEqual(classifier.classify('Member ID XGH482917301').labels, ['PII', 'PHI']);
});

test('health information alone, or an identifier alone, is not PHI', () => {
  assert.deepEqual(classifier.classify('What are the early signs of type 2 diabetes?').labels, []);
  assert.deepEqual(classifier.classify('Email john.doe@example.com about the invoice.').labels, ['PII']);
  // Ages count only above 89 (Safe Harbor).
  assert.deepEqual(classifier.classify('A 45-year-old with hypertension.').labels, []);
  assert.deepEqual(classifier.classify('A 93-year-old with hypertension.').labels, ['PHI']);
});

test('the rule spans the messages of one prompt', () => {
  const result = classifier.classifyMany(['My email is john.doe@example.com', 'I was diagnosed with epilepsy last year.']);
  assert.ok(result.labels.includes('PHI'));
});

test('matches below the label threshold do not make PHI', () => {
  const strict = createClassifier({ labelThreshold: 0.99 });
  assert.deepEqual(strict.classify('SSN 536-22-7788, history of hypertension.').labels, []);
});
