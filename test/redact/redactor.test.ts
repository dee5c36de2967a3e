// Redaction as the policy asks for it: numbered placeholders (same value, same number, per
// request), mask, keyed hash and remove, over the messages of one prompt.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClassifier } from '../../gateway/src/classify/index.js';
import { isGatewayError } from '../../gateway/src/errors.js';
import { createRedactor, operatorsFromPolicy, restore } from '../../gateway/src/redact/index.js';

const classifier = createClassifier();
const KEY = 'a-test-hmac-key-of-32-bytes-long!';

function redact(texts: string[], operators: Record<string, 'placeholder' | 'mask' | 'hash' | 'remove'>) {
  return createRedactor({ operators, hashKey: KEY }).redact(texts, classifier.classifyMany(texts));
}

test('placeholders are typed and numbered; the same value gets the same number across messages', () => {
  const texts = ['My SSN is 536-22-7788, email bob@example.com.', 'Again: 536 22 7788 and alice@example.org, bob@example.com.'];
  const result = redact(texts, { US_SSN: 'placeholder', EMAIL_ADDRESS: 'placeholder' });
  assert.deepEqual(result.texts, [
    'My SSN is <US_SSN_1>, email <EMAIL_ADDRESS_1>.',
    'Again: <US_SSN_1> and <EMAIL_ADDRESS_2>, <EMAIL_ADDRESS_1>.',
  ]);
  assert.deepEqual([...result.map.entries], [
    ['<US_SSN_1>', '536-22-7788'],
    ['<EMAIL_ADDRESS_1>', 'bob@example.com'],
    ['<EMAIL_ADDRESS_2>', 'alice@example.org'],
  ]);
  assert.deepEqual(result.redacted, { US_SSN: 2, EMAIL_ADDRESS: 3 });
});

test('two requests never share a map, even for the same values', () => {
  const redactor = createRedactor({ operators: { EMAIL_ADDRESS: 'placeholder' } });
  const first = redactor.redact(['bob@example.com'], classifier.classifyMany(['bob@example.com']));
  const second = redactor.redact(['carol@example.com'], classifier.classifyMany(['carol@example.com']));
  assert.deepEqual(first.texts, ['<EMAIL_ADDRESS_1>']);
  assert.deepEqual(second.texts, ['<EMAIL_ADDRESS_1>']);
  assert.equal(restore('<EMAIL_ADDRESS_1>', first.map), 'bob@example.com');
  assert.equal(restore('<EMAIL_ADDRESS_1>', second.map), 'carol@example.com');
});

test('a placeholder already written in the prompt is not reused for a value', () => {
  const texts = ['Template <US_SSN_1> stays; real one 536-22-7788'];
  const result = redact(texts, { US_SSN: 'placeholder' });
  assert.deepEqual(result.texts, ['Template <US_SSN_1> stays; real one <US_SSN_2>']);
});

test('mask keeps separators and the last four characters of longer values', () => {
  const result = redact(['card 4111 1111 1111 1111, ssn 536-22-7788'], { CREDIT_CARD: 'mask', US_SSN: 'mask' });
  assert.deepEqual(result.texts, ['card **** **** **** 1111, ssn ***-**-7788']);
  assert.equal(result.map.entries.size, 0);
});

test('hash gives the same keyed digest for the same value, a different one per key, and cannot be restored', () => {
  const a = redact(['536-22-7788 and 536 22 7788'], { US_SSN: 'hash' });
  const [first, second] = a.texts[0]?.split(' and ') ?? [];
  assert.match(first ?? '', /^<US_SSN#[0-9a-f]{16}>$/);
  assert.equal(first, second);
  const other = createRedactor({ operators: { US_SSN: 'hash' }, hashKey: 'another-key-of-sufficient-length' }).redact(['536-22-7788'], classifier.classifyMany(['536-22-7788']));
  assert.notEqual(other.texts[0], first);
  assert.equal(restore(a.texts[0] ?? '', a.map), a.texts[0]);
});

test('remove deletes the value; types without an operator stay; "*" covers the rest', () => {
  assert.deepEqual(redact(['ssn 536-22-7788 mail bob@example.com'], { US_SSN: 'remove' }).texts, ['ssn  mail bob@example.com']);
  const all = createRedactor({ operators: { '*': 'placeholder', EMAIL_ADDRESS: 'mask' } });
  const texts = ['ssn 536-22-7788 mail bob@example.com'];
  assert.deepEqual(all.redact(texts, classifier.classifyMany(texts)).texts, ['ssn <US_SSN_1> mail ***@******e.com']);
});

test('a single classify() result (no part index) redacts the one text', () => {
  const text = 'key AKIAIOSFODNN7EXAMPLE';
  const result = createRedactor({ operators: { SECRET_API_KEY: 'placeholder' } }).redact([text], classifier.classify(text));
  assert.deepEqual(result.texts, ['key <SECRET_API_KEY_1>']);
});

test('bad operators and missing or short hash keys are configuration errors', () => {
  const isConfig = (err: unknown): boolean => isGatewayError(err) && err.code === 'GW_ERR_CONFIG_INVALID';
  assert.throws(() => createRedactor({ operators: { US_SSN: 'shred' as 'mask' } }), isConfig);
  assert.throws(() => createRedactor({ operators: { US_SSN: 'hash' } }), isConfig);
  assert.throws(() => createRedactor({ operators: { US_SSN: 'hash' }, hashKey: 'short' }), isConfig);
});

test('the policy decision may give operators per type, or a list of types for placeholders', () => {
  assert.deepEqual(operatorsFromPolicy({ US_SSN: 'mask', '*': 'placeholder' }), { US_SSN: 'mask', '*': 'placeholder' });
  assert.deepEqual(operatorsFromPolicy(['EMAIL_ADDRESS', 'PERSON']), { EMAIL_ADDRESS: 'placeholder', PERSON: 'placeholder' });
  assert.deepEqual(operatorsFromPolicy(undefined), {});
  const isOutputError = (err: unknown): boolean => isGatewayError(err) && err.code === 'GW_ERR_POLICY_OUTPUT_INVALID';
  for (const bad of [{ US_SSN: 'shred' }, { 'us-ssn': 'mask' }, ['ok', 3], 'US_SSN', 42]) {
    assert.throws(() => operatorsFromPolicy(bad), isOutputError, JSON.stringify(bad));
  }
});
