// US_SSN: Presidio's scores and context boost, and the SSA's never-issued numbers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { found, scoreOf } from './helpers.js';

test('a delimited SSN scores 0.5, with a context word 0.85', () => {
  assert.equal(scoreOf('The number is 536-22-7788 on file', 'US_SSN'), 0.5);
  assert.equal(scoreOf('The number is 536 22 7788 on file', 'US_SSN'), 0.5);
  assert.equal(scoreOf('The number is 536.22.7788 on file', 'US_SSN'), 0.5);
  assert.equal(scoreOf('Her SSN: 536-22-7788', 'US_SSN'), 0.85);
  assert.equal(scoreOf('social security number 536-22-7788', 'US_SSN'), 0.85);
});

test('nine bare digits score very low, and only reach 0.4 with context', () => {
  assert.equal(scoreOf('ref 536227788', 'US_SSN'), 0.05);
  assert.equal(scoreOf('my ssn is 536227788', 'US_SSN'), 0.4);
});

test('a context word more than five words back does not count', () => {
  assert.equal(scoreOf('SSN: we will check it later with the team 536-22-7788', 'US_SSN'), 0.5);
});

test('offsets cover exactly the number', () => {
  const text = 'SSN 536-22-7788.';
  assert.deepEqual(found(text, 'US_SSN'), ['536-22-7788']);
});

test('numbers the SSA never issues are not SSNs', () => {
  for (const ssn of [
    '000-12-3456', // area 000
    '666-12-3456', // area 666
    '900-12-3456', // area 9xx
    '987-65-4321', // area 9xx (advertising range)
    '536-00-7788', // group 00
    '536-22-0000', // serial 0000
    '111-11-1111', // one repeated digit
    '078-05-1120', // Woolworth's wallet card
    '219-09-9999', // SSA advertising sample
    '123-45-6789', // the textbook sample
  ]) {
    assert.deepEqual(found(`SSN ${ssn}`, 'US_SSN'), [], ssn);
  }
});

test('mixed delimiters, odd groupings and longer numbers are not SSNs', () => {
  for (const text of [
    'SSN 536-22 7788',
    'SSN 536.22-7788',
    'SSN 5362-2-7788',
    'id 1536227788',
    'id 5362277881',
    'part 12-536-22-7788',
    'value 536-22-7788-1',
    'pi 3.536227788',
    'uuid 536227788a',
  ]) {
    assert.deepEqual(found(text, 'US_SSN'), [], text);
  }
});
