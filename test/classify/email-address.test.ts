// EMAIL_ADDRESS: what is and is not an address, and exact offsets.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifier, found, scoreOf } from './helpers.js';

test('finds email addresses with exact offsets', () => {
  const text = 'Write to john.doe+tag@example.com, or to ops@mail.corp.example.co.uk.';
  assert.deepEqual(found(text, 'EMAIL_ADDRESS'), ['john.doe+tag@example.com', 'ops@mail.corp.example.co.uk']);
});

test('an address with a well-known top-level domain scores 1, another plausible one 0.5', () => {
  assert.equal(scoreOf('mail me: a.b@example.org', 'EMAIL_ADDRESS'), 1);
  assert.equal(scoreOf('mail me: a.b@example.de', 'EMAIL_ADDRESS'), 1);
  assert.equal(scoreOf('mail me: a.b@example.consulting', 'EMAIL_ADDRESS'), 0.5);
});

test('offsets are JavaScript string indices, so a character outside the BMP counts twice', () => {
  const text = '😀 Ünïcode first: bob@example.com';
  const [entity] = classifier.classify(text).entities;
  assert.equal(entity?.start, 18);
  assert.equal(entity?.end, 33);
  assert.deepEqual(found(text, 'EMAIL_ADDRESS'), ['bob@example.com']);
});

test('sentence punctuation and surrounding quotes are not part of the address', () => {
  assert.deepEqual(found('"jane@example.com".', 'EMAIL_ADDRESS'), ['jane@example.com']);
  assert.deepEqual(found('<mailto:jane@example.com>', 'EMAIL_ADDRESS'), ['jane@example.com']);
});

test('things with an "@" that are not addresses', () => {
  for (const text of [
    'retina image logo@2x.png and icon@3x.webp',
    'npm install lodash@4.17.21 and @types/node',
    'a Python decorator: @property',
    'user@localhost has no domain',
    'ask @channel about it',
    'john@example. is cut off',
    'twin dots ..@example.com',
    'x@-bad-.com',
  ]) {
    assert.deepEqual(found(text, 'EMAIL_ADDRESS'), [], text);
  }
});

test('a local part longer than 64 characters is not an address', () => {
  assert.deepEqual(found(`${'a'.repeat(65)}@example.com`, 'EMAIL_ADDRESS'), []);
  assert.deepEqual(found(`${'a'.repeat(64)}@example.com`, 'EMAIL_ADDRESS'), [`${'a'.repeat(64)}@example.com`]);
});

test('addresses written back to back do not swallow each other', () => {
  assert.deepEqual(found('a@b.com@c.com', 'EMAIL_ADDRESS'), ['a@b.com']);
  assert.deepEqual(found('a@b.com,c@d.org', 'EMAIL_ADDRESS'), ['a@b.com', 'c@d.org']);
});
