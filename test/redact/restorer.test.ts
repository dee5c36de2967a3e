// Restoring placeholders in answers: whole answers, longest placeholder first, and streamed
// answers split anywhere, including inside a placeholder.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClassifier } from '../../gateway/src/classify/index.js';
import { createRedactor, createRestorer, restore, type PlaceholderMap } from '../../gateway/src/redact/index.js';

const classifier = createClassifier();

/** A map with twelve people, so <PERSON_1> is a prefix of <PERSON_12> minus its ">". */
function mapWithMany(): PlaceholderMap {
  const names = ['Ada Lovelace', 'Maria Keller', 'John Smith', 'Sarah Jones', 'Mary Brown', 'James Wilson', 'Linda Moore', 'Robert Taylor', 'Susan Clark', 'David Lewis', 'Karen Hall', 'Thomas Young'];
  const texts = names.map((n) => `Dr. ${n} called.`);
  const result = createRedactor({ operators: { PERSON: 'placeholder' } }).redact(texts, classifier.classifyMany(texts));
  assert.equal(result.map.entries.size, 12);
  return result.map;
}

test('a whole answer is restored in one pass, longest placeholder first', () => {
  const map = mapWithMany();
  assert.equal(restore('<PERSON_12> met <PERSON_1> and <PERSON_2>.', map), 'Thomas Young met Ada Lovelace and Maria Keller.');
  assert.equal(restore('no placeholders <PERSON_99> here', map), 'no placeholders <PERSON_99> here');
});

test('a restored value is never read again as a placeholder', () => {
  const texts = ['mail <EMAIL_ADDRESS_1>@example.com and x@example.com'];
  const result = createRedactor({ operators: { EMAIL_ADDRESS: 'placeholder' } }).redact(texts, classifier.classifyMany(texts));
  const answer = result.texts[0] ?? '';
  assert.equal(restore(answer, result.map), texts[0]);
});

test('a streamed answer split at every position restores exactly as the whole answer', () => {
  const map = mapWithMany();
  const answer = 'Dear <PERSON_12>, <PERSON_1> asked <PERSON_1> to call <PERSON_11> <PERSON_2>. <PERS and <PERSON_';
  const whole = restore(answer, map);
  for (let cut = 0; cut <= answer.length; cut++) {
    const restorer = createRestorer(map);
    const out = restorer.push(answer.slice(0, cut)) + restorer.push(answer.slice(cut)) + restorer.end();
    assert.equal(out, whole, `cut at ${cut}`);
  }
  for (const size of [1, 2, 3, 5]) {
    const restorer = createRestorer(map);
    let out = '';
    for (let i = 0; i < answer.length; i += size) out += restorer.push(answer.slice(i, i + size));
    assert.equal(out + restorer.end(), whole, `chunks of ${size}`);
  }
});

test('the restorer holds back only a possible placeholder start, and nothing without placeholders', () => {
  const map = mapWithMany();
  const restorer = createRestorer(map);
  assert.equal(restorer.push('Hello <PER'), 'Hello ');
  assert.equal(restorer.push('SON_1> and <b>bold</b> <'), 'Ada Lovelace and <b>bold</b> ');
  assert.equal(restorer.end(), '<');
  const empty = createRestorer({ entries: new Map() });
  assert.equal(empty.push('<PERSON_1>'), '<PERSON_1>');
  assert.throws(() => {
    const r = createRestorer(map);
    r.end();
    r.push('x');
  }, /after end/);
});
