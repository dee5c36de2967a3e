// The personal-data types beyond the first version: checksum-backed numbers, context-anchored
// document numbers, network and time values, and the best-effort name, place and address lists.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifier, found, scoreOf } from './helpers.js';

test('IBAN: per-country length and mod-97, whole or grouped, any case; wrong check digits are dropped', () => {
  for (const iban of ['GB82 WEST 1234 5698 7654 32', 'GB82WEST12345698765432', 'DE89 3704 0044 0532 0130 00', 'gb82west12345698765432']) {
    const text = `Pay to ${iban}, thanks`;
    assert.deepEqual(found(text, 'IBAN_CODE'), [iban], iban);
    assert.equal(scoreOf(text, 'IBAN_CODE'), 1);
  }
  for (const text of ['Pay to GB83 WEST 1234 5698 7654 32', 'GB82 WEST 1234 5698 7654 3', 'XX82WEST12345698765432', 'part GB82 WEST rev 3']) {
    assert.deepEqual(found(text, 'IBAN_CODE'), [], text);
  }
});

test('CRYPTO: Bitcoin addresses confirmed by Base58Check or bech32', () => {
  for (const address of ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4']) {
    assert.deepEqual(found(`send to ${address} today`, 'CRYPTO'), [address], address);
  }
  for (const text of ['send to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5']) {
    assert.deepEqual(found(text, 'CRYPTO'), [], text);
  }
});

test('US_ITIN: 9XX numbers in the IRS group ranges, raised by "ITIN"', () => {
  assert.deepEqual(found('ITIN 912-70-1234 on the form', 'US_ITIN'), ['912-70-1234']);
  assert.equal(scoreOf('ITIN 912-70-1234 on the form', 'US_ITIN'), 0.85);
  assert.equal(scoreOf('ref 912-70-1234', 'US_ITIN'), 0.5);
  assert.deepEqual(found('ref 912-93-1234', 'US_ITIN'), []);
});

test('values that need a context word are found after it, and only then', () => {
  const cases: [string, string, string][] = [
    ['US_PASSPORT', 'Passport number: 123456789', '123456789'],
    ['US_PASSPORT', 'passport A12345678 expires soon', 'A12345678'],
    ['US_DRIVER_LICENSE', "Driver's license D1234567 (CA)", 'D1234567'],
    ['US_BANK_NUMBER', 'checking account 000123456789', '000123456789'],
    ['ABA_ROUTING_NUMBER', 'routing number 011000015', '011000015'],
    ['US_NPI', 'NPI: 1234567893', '1234567893'],
    ['UK_NHS', 'NHS number 943 476 5919', '943 476 5919'],
    ['IMEI', 'IMEI 490154203237518', '490154203237518'],
    ['MEDICAL_RECORD_NUMBER', 'MRN: 00482913', '00482913'],
    ['MEDICAL_RECORD_NUMBER', 'medical record number is MR-2024-0088', 'MR-2024-0088'],
    ['HEALTH_PLAN_NUMBER', 'Member ID XGH482917301', 'XGH482917301'],
    ['ZIP_CODE', 'zip code 94105', '94105'],
    ['ZIP_CODE', 'Springfield, IL 62704', '62704'],
  ];
  for (const [type, text, value] of cases) {
    assert.deepEqual(found(text, type), [value], `${type}: ${text}`);
  }
  assert.deepEqual(found('SIN: 130 692 544', 'CA_SIN'), ['130 692 544']);
  // The same numbers without their context words are not these types.
  for (const [type, text] of [
    ['US_PASSPORT', 'order 123456789 shipped'],
    ['US_BANK_NUMBER', 'ticket 000123456789'],
    ['US_NPI', 'id 1234567893'],
    ['UK_NHS', 'ref 943 476 5919'],
    ['IMEI', 'number 490154203237518'],
    ['MEDICAL_RECORD_NUMBER', 'order 00482913'],
  ] as const) {
    assert.deepEqual(found(text, type), [], `${type}: ${text}`);
  }
});

test('checksums decide for context-anchored numbers: failing ones are dropped', () => {
  assert.deepEqual(found('routing number 011000016', 'ABA_ROUTING_NUMBER'), []);
  assert.deepEqual(found('NPI: 1234567890', 'US_NPI'), []);
  assert.deepEqual(found('NHS number 943 476 5918', 'UK_NHS'), []);
  assert.deepEqual(found('SIN: 130 692 545', 'CA_SIN'), []);
  assert.equal(scoreOf('routing number 011000015', 'ABA_ROUTING_NUMBER'), 1);
  assert.equal(scoreOf('Passport number: 123456789', 'US_PASSPORT'), 0.6);
});

test('a context word makes its reading win over another type for the same digits', () => {
  // 490154203237518 also passes as a 15-digit card number.
  const result = classifier.classify('IMEI 490154203237518');
  assert.deepEqual(result.entities.map((e) => e.type), ['IMEI']);
});

test('MEDICAL_LICENSE (DEA), VIN and US_MBI', () => {
  assert.deepEqual(found('DEA AB1234563 on file', 'MEDICAL_LICENSE'), ['AB1234563']);
  assert.deepEqual(found('DEA AB1234564 on file', 'MEDICAL_LICENSE'), []);
  assert.deepEqual(found('VIN 1M8GDM9AXKP042788 reported', 'VIN'), ['1M8GDM9AXKP042788']);
  assert.deepEqual(found('VIN 1M8GDM9A1KP042788 reported', 'VIN'), [], 'North American VIN with a wrong check digit');
  assert.deepEqual(found('part 1M8GDM9A1KP042788', 'VIN'), []);
  assert.deepEqual(found('Medicare number 1EG4-TE5-MK73', 'US_MBI'), ['1EG4-TE5-MK73']);
  assert.equal(scoreOf('Medicare number 1EG4-TE5-MK73', 'US_MBI'), 0.85);
  assert.equal(scoreOf('id 1EG4TE5MK73', 'US_MBI'), 0.3);
  assert.deepEqual(found('id 1BG4TE5MK73', 'US_MBI'), [], 'B is never used');
});

test('URL, MAC_ADDRESS and DATE_TIME', () => {
  assert.deepEqual(found('see https://example.com/a/b?c=1 (docs).', 'URL'), ['https://example.com/a/b?c=1']);
  assert.deepEqual(found('see www.example.org.', 'URL'), ['www.example.org']);
  assert.deepEqual(found('open example.co.uk/path now', 'URL'), ['example.co.uk/path']);
  assert.deepEqual(found('edit index.js and setup.py, mail bob@example.com', 'URL'), []);
  assert.deepEqual(found('device 00:1A:2B:3C:4D:5E and 0017.9abc.def0', 'MAC_ADDRESS'), ['00:1A:2B:3C:4D:5E', '0017.9abc.def0']);
  assert.deepEqual(found('broadcast ff:ff:ff:ff:ff:ff', 'MAC_ADDRESS'), []);
  assert.deepEqual(found('on 2024-05-17 14:30:00, 03/14/2023 and July 4, 2021 at 9am', 'DATE_TIME'), [
    '2024-05-17 14:30:00',
    '03/14/2023',
    'July 4, 2021',
    '9am',
  ]);
  assert.deepEqual(found('version 4.11.1111 and 2024-13-45', 'DATE_TIME'), []);
});

test('AGE: stated ages; over 89 counts as an identifier for the PHI rule', () => {
  assert.deepEqual(found('a 45-year-old patient', 'AGE'), ['45']);
  assert.deepEqual(found('she is 93 years old', 'AGE'), ['93']);
  assert.deepEqual(found('aged 71, retired', 'AGE'), ['71']);
  assert.deepEqual(found('the 5 year plan', 'AGE'), []);
});

test('PERSON, LOCATION and STREET_ADDRESS are best effort with low scores', () => {
  assert.deepEqual(found('Dr. Ada Lovelace will see you', 'PERSON'), ['Ada Lovelace']);
  assert.deepEqual(found('My name is Jürgen Müller.', 'PERSON'), ['Jürgen Müller']);
  assert.deepEqual(found('Maria Keller called', 'PERSON'), ['Maria Keller']);
  assert.ok(scoreOf('Maria Keller called', 'PERSON') < 0.5);
  assert.deepEqual(found('Paul Street is closed', 'PERSON'), []);
  assert.deepEqual(found('flights from London to New York', 'LOCATION'), ['London', 'New York']);
  assert.ok(scoreOf('based in Nairobi', 'LOCATION') <= 0.5);
  assert.deepEqual(found('Send it to 221B Baker Street, London.', 'STREET_ADDRESS'), ['221B Baker Street']);
  assert.deepEqual(found('Hauptstraße 12 in Berlin', 'STREET_ADDRESS'), ['Hauptstraße 12']);
});

test('health conditions and ICD-10 codes are health information', () => {
  assert.deepEqual(found('diagnosed with type 2 diabetes and hypertension', 'MEDICAL_CONDITION'), ['type 2 diabetes', 'hypertension']);
  assert.equal(scoreOf('diagnosed with hypertension', 'MEDICAL_CONDITION'), 0.95);
  assert.ok(scoreOf('a stroke of luck', 'MEDICAL_CONDITION') < 0.5, 'everyday words score low');
  assert.deepEqual(found('ICD-10 E11.9 and code J45', 'ICD10_CODE'), ['E11.9', 'J45']);
  assert.ok(scoreOf('room B12.3', 'ICD10_CODE') < 0.5);
});

test('secrets: more providers, passwords after their keyword and in URLs, placeholders left alone', () => {
  const RANDOM = 'Zx81Qe5mR2vT7bN4kL0pW3yH6cJ9dF1a';
  for (const key of [`${'AIza'}SyA${RANDOM}`, `${'glpat'}-${RANDOM.slice(0, 20)}`, `${'sk_live'}_${RANDOM}`, `${'npm'}_${RANDOM}abcd`]) {
    assert.deepEqual(found(`key ${key} here`, 'SECRET_API_KEY'), [key], key);
  }
  assert.deepEqual(found('DB_PASSWORD=Tr0ub4dor&3', 'PASSWORD'), ['Tr0ub4dor&3']);
  assert.deepEqual(found('password: hunter2', 'PASSWORD'), ['hunter2']);
  assert.deepEqual(found('postgres://app:s3cr3t!@db.internal/prod', 'PASSWORD'), ['s3cr3t!']);
  for (const text of ['password: <your password>', 'password=${DB_PASSWORD}', 'password: ********', 'your password is required', 'https://user:pass@example.com']) {
    assert.deepEqual(found(text, 'PASSWORD'), [], text);
  }
  assert.deepEqual(classifier.classify('password: hunter2').labels, ['SECRET']);
});

test('a secret is not hidden by a longer value around it', () => {
  const text = 'connect to https://admin:Sup3rS3cret@db.example.com/x';
  const result = classifier.classify(text);
  assert.ok(result.entities.some((e) => e.type === 'PASSWORD'));
  assert.deepEqual(result.labels, ['SECRET']);
});
