// PHONE_NUMBER: NANP and international layouts, low scores raised by context, look-alike numbers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifier, found, scoreOf } from './helpers.js';

test('North American numbers in the usual layouts, with exact offsets', () => {
  for (const phone of ['(415) 555-2671', '415-555-2671', '415.555.2671', '415 555 2671', '+1 415 555 2671', '1-800-555-0199', '(415)555-2671']) {
    assert.deepEqual(found(`reach us at ${phone}.`, 'PHONE_NUMBER'), [phone], phone);
  }
});

test('international numbers written with a leading +', () => {
  for (const phone of ['+44 20 7946 0958', '+49 30 901820', '+41 (0)69 979 80 58', '+33 1 23 45 67 89', '+447700900123']) {
    assert.deepEqual(found(`reach us at ${phone}.`, 'PHONE_NUMBER'), [phone], phone);
  }
});

test('phone numbers score low alone and pass the PII threshold with a context word', () => {
  assert.equal(scoreOf('see 415-555-2671', 'PHONE_NUMBER'), 0.4);
  assert.equal(scoreOf('see 4155552671', 'PHONE_NUMBER'), 0.3);
  assert.equal(scoreOf('call me at 415-555-2671', 'PHONE_NUMBER'), 0.75);
  assert.equal(scoreOf('my mobile: +44 20 7946 0958', 'PHONE_NUMBER'), 0.75);
  assert.deepEqual(classifier.classify('see 415-555-2671').labels, []);
  assert.deepEqual(classifier.classify('phone: 415-555-2671').labels, ['PII']);
});

test('numbers that are not phone numbers', () => {
  for (const text of [
    'area code starting with 1: 115-555-2671',
    'exchange starting with 1: 415-155-2671',
    'date 2024-05-17',
    'version 1.2.3',
    'short +3 points, +2024',
    'seven digits 555-2671',
    'SSN 536-22-7788',
    'eleven digits 24155552671',
    'C++17 and a+b',
  ]) {
    assert.deepEqual(found(text, 'PHONE_NUMBER'), [], text);
  }
});
