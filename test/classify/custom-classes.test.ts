// Custom classes from configuration: RE2 patterns, keyword lists, named validators, context words,
// and refusal of patterns that could be slow or that the engine cannot run in linear time.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import {
  classifierOptionsFromConfig,
  ClassifySchema,
  createClassifier,
  type ClassifyConfig,
  type CustomClassConfig,
} from '../../gateway/src/classify/index.js';
import { isGatewayError } from '../../gateway/src/errors.js';
import { found } from './helpers.js';

const EMPLOYEE: CustomClassConfig = { name: 'EMPLOYEE_ID', labels: ['PII'], patterns: [{ regex: 'EMP-[0-9]{6}', score: 0.7 }] };

function refused(custom: CustomClassConfig[], message: RegExp): void {
  assert.throws(
    () => createClassifier({ custom }),
    (err: unknown) => isGatewayError(err) && err.code === 'GW_ERR_CONFIG_INVALID' && message.test(err.message),
    JSON.stringify(custom),
  );
}

test('a pattern class is reported under its name, with its score, and raises its labels', () => {
  const classifier = createClassifier({ custom: [EMPLOYEE] });
  const text = 'Ticket from EMP-004211 and 😀 EMP-123456.';
  const result = classifier.classify(text);
  assert.deepEqual(found(text, 'EMPLOYEE_ID', result), ['EMP-004211', 'EMP-123456']);
  assert.deepEqual(result.counts['EMPLOYEE_ID'], { count: 2, max_score: 0.7 });
  assert.deepEqual(result.labels, ['PII']);
});

test('keywords match whole words, case-insensitively unless asked, and literally', () => {
  const classifier = createClassifier({
    custom: [
      { name: 'PROJECT_CODENAME', labels: ['SECRET'], keywords: ['Bluebird', 'Project X', 'C++ core'] },
      { name: 'EXACT_WORD', keywords: ['Orca'], keywords_case_sensitive: true },
    ],
  });
  const text = 'bluebird and PROJECT X ship; Bluebirds is not it; the C++ core team; orca vs Orca; a.b*c';
  const result = classifier.classify(text);
  assert.deepEqual(found(text, 'PROJECT_CODENAME', result), ['bluebird', 'PROJECT X', 'C++ core']);
  assert.deepEqual(found(text, 'EXACT_WORD', result), ['Orca']);
  assert.deepEqual(result.labels, ['SECRET']);
});

test('a named validator confirms matches (score 1) and drops the rest', () => {
  const classifier = createClassifier({ custom: [{ name: 'LOYALTY_CARD', patterns: [{ regex: '\\b[0-9]{4} [0-9]{4} [0-9]{4}\\b' }], validator: 'luhn' }] });
  const text = 'cards 4000 0000 0002 and 4000 0000 0003';
  const result = classifier.classify(text);
  assert.deepEqual(found(text, 'LOYALTY_CARD', result), ['4000 0000 0002']);
  assert.equal(result.entities[0]?.score, 1);
});

test('context words raise a score the Presidio way, and can be required', () => {
  const custom: CustomClassConfig[] = [
    { name: 'CASE_NUMBER', patterns: [{ regex: '\\b[0-9]{7}\\b', score: 0.2 }], context: ['case', 'claim'] },
    { name: 'BADGE', patterns: [{ regex: '\\bB[0-9]{5}\\b' }], context: ['badge'], context_required: true },
  ];
  const classifier = createClassifier({ custom });
  assert.equal(classifier.classify('claim 1234567').entities[0]?.score, 0.55);
  assert.equal(classifier.classify('ref 1234567').entities[0]?.score, 0.2);
  assert.deepEqual(found('badge B12345', 'BADGE', classifier.classify('badge B12345')), ['B12345']);
  assert.deepEqual(classifier.classify('room B12345').entities, []);
});

test('custom classes take part in the PHI rule when declared so', () => {
  const classifier = createClassifier({ custom: [{ name: 'WARD_BED', phi: 'identifier', labels: ['PII'], patterns: [{ regex: 'WARD-[0-9]{2}-BED-[0-9]{2}' }] }] });
  assert.deepEqual(classifier.classify('WARD-04-BED-12 has pneumonia').labels, ['PII', 'PHI']);
});

test('patterns RE2 cannot run in linear time, large programs, long or empty-matching patterns are refused', () => {
  refused([{ name: 'BACKREF', patterns: [{ regex: '(a+)\\1' }] }], /not valid RE2 syntax/);
  refused([{ name: 'LOOKAHEAD', patterns: [{ regex: 'foo(?=bar)' }] }], /not valid RE2 syntax/);
  refused([{ name: 'HUGE', patterns: [{ regex: '[a-z]{600}[0-9]{600}' }] }], /instructions/);
  refused([{ name: 'EMPTY', patterns: [{ regex: 'x*' }] }], /matches the empty string/);
  refused([{ name: 'LONG', patterns: [{ regex: 'a'.repeat(501) }] }], /must NOT have more than 500 characters/);
  refused([{ name: 'US_SSN', patterns: [{ regex: 'x' }] }], /built-in type/);
  refused([EMPLOYEE, EMPLOYEE], /declared twice/);
  refused([{ name: 'lower_case', patterns: [{ regex: 'x' }] }], /pattern/);
  refused([{ name: 'NOTHING' }], /needs patterns or keywords/);
  refused([{ name: 'BAD_VALIDATOR', patterns: [{ regex: 'x' }], validator: 'md5' }], /allowed values/);
  refused([{ name: 'NO_CONTEXT', patterns: [{ regex: 'x' }], context_required: true }], /lists no context words/);
});

test('a pathological pattern runs in linear time on a hostile input', { timeout: 60_000 }, () => {
  const classifier = createClassifier({ custom: [{ name: 'NESTED', patterns: [{ regex: '(a|a)*b' }, { regex: '(x+x+)+y' }] }] });
  const result = classifier.classify(`${'a'.repeat(200_000)}${'x'.repeat(200_000)}`);
  assert.equal(result.counts['NESTED'], undefined);
});

test('the configuration section validates with the exported schema and maps onto options', () => {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  const validate = ajv.compile<ClassifyConfig>(ClassifySchema);
  const config = { label_threshold: 0.6, min_score: 0.1, injection_threshold: 0.7, entity_types: ['US_SSN', 'EMAIL_ADDRESS'], custom_classes: [EMPLOYEE] };
  assert.equal(validate(config), true, JSON.stringify(validate.errors));
  assert.equal(validate({ custom_classes: [{ name: 'X1', patterns: [{ regex: 'x', flags: 'g' }] }] }), false);
  const options = classifierOptionsFromConfig(config);
  assert.deepEqual(options, { minScore: 0.1, labelThreshold: 0.6, injectionThreshold: 0.7, entityTypes: ['US_SSN', 'EMAIL_ADDRESS'], custom: [EMPLOYEE] });
  const classifier = createClassifier(options);
  assert.deepEqual(Object.keys(classifier.classify('EMP-123456 536-22-7788 4111 1111 1111 1111').counts).sort(), ['EMPLOYEE_ID', 'US_SSN']);
});
