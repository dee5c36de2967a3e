// CREDIT_CARD: Luhn-confirmed card numbers in their layouts, and numbers that only look like cards.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { found, scoreOf } from './helpers.js';

test('card numbers that pass Luhn score 1 in every usual layout', () => {
  for (const card of [
    '4111 1111 1111 1111',
    '4111-1111-1111-1111',
    '4111111111111111',
    '5555 5555 5555 4444',
    '2223 0031 2200 3222',
    '3782 822463 10005',
    '6011 1111 1111 1117',
    '3530 1113 3330 0000',
    '180051662803027',
    '4012888888881881',
  ]) {
    const text = `card: ${card}, thanks`;
    assert.deepEqual(found(text, 'CREDIT_CARD'), [card], card);
    assert.equal(scoreOf(text, 'CREDIT_CARD'), 1, card);
  }
});

test('a card next to other numbers is still found with exact offsets', () => {
  assert.deepEqual(found('item 12 4111 1111 1111 1111 qty 2', 'CREDIT_CARD'), ['4111 1111 1111 1111']);
  assert.deepEqual(found('4111 1111 1111 1111 2024', 'CREDIT_CARD'), ['4111 1111 1111 1111']);
  assert.deepEqual(found('SSN 536-22-7788 4111 1111 1111 1111', 'CREDIT_CARD'), ['4111 1111 1111 1111']);
});

test('numbers failing Luhn are dropped', () => {
  for (const text of ['card 4111 1111 1111 1112', 'card 5555555555554445', 'card 3782 822463 10006']) {
    assert.deepEqual(found(text, 'CREDIT_CARD'), [], text);
  }
});

test('hard negatives: ids, hashes, timestamps, versions, all-zero numbers', () => {
  for (const text of [
    'uuid 123e4567-e89b-12d3-a456-426614174000',
    'commit a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
    'sha 4111111111111111a',
    'epoch ms 1700000000004', // 13 digits starting with 1, passes Luhn
    'decimal 0.4111111111111111',
    'zeros 0000 0000 0000 0000',
    'twenty digits 41111111111111111111',
    'dates 2024-05-17 12 30 2025-01-02',
    'version 4.11.1111.1111',
    'list 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1',
  ]) {
    assert.deepEqual(found(text, 'CREDIT_CARD'), [], text);
  }
});
