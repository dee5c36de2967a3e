// Secrets: provider API keys, JWTs and private key blocks, against look-alikes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifier, found } from './helpers.js';

// Keys are assembled from pieces so that secret scanners do not mistake this file for a leak.
const RANDOM = 'Zx81Qe5mR2vT7bN4kL0pW3yH6cJ9dF1a';
const OPENAI = `sk-${'proj-'}${RANDOM}${RANDOM}`;
const OPENAI_LEGACY = `sk-${RANDOM}T3Blb`;
const ANTHROPIC = `sk-${'ant-api03-'}${RANDOM}${RANDOM}-${RANDOM}AA`;
const AWS = `${'AKIA'}IOSFODNN7EXAMPLE`;
const GITHUB = `${'ghp'}_${RANDOM}Ab12`;
const GITHUB_FINE = `${'github'}_pat_11ABCDEFG0${RANDOM}_${RANDOM}${RANDOM}`;
const SLACK = `${'xoxb'}-123456789012-1234567890123-${RANDOM.slice(0, 24)}`;

function base64url(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

test('provider API keys are SECRET_API_KEY, labelled SECRET', () => {
  for (const key of [OPENAI, OPENAI_LEGACY, ANTHROPIC, AWS, GITHUB, GITHUB_FINE, SLACK]) {
    const text = `use this key: ${key} for the call`;
    const result = classifier.classify(text);
    assert.deepEqual(found(text, 'SECRET_API_KEY', result), [key], key);
    assert.deepEqual(result.labels, ['SECRET'], key);
  }
});

test('words and identifiers that share a prefix with keys are not keys', () => {
  for (const text of [
    'read the sk-learn-model-selection-guide-for-beginners page',
    'the task-management-system-for-everyone-2024 repo',
    'AKIA1234 is too short',
    'AKIAIOSFODNN7EXAMPLEX is too long for an AWS key id',
    'the branch ghp_feature is not a token',
    'sk-',
    'xoxb-channel',
  ]) {
    assert.deepEqual(found(text, 'SECRET_API_KEY'), [], text);
  }
});

test('a JWT is found from its JSON header, and only then', () => {
  const jwt = `${base64url('{"alg":"HS256","typ":"JWT"}')}.${base64url('{"sub":"1234567890","name":"A"}')}.${RANDOM}`;
  const unsigned = `${base64url('{"alg":"none"}')}.${base64url('{"sub":"x"}')}.`;
  assert.deepEqual(found(`Authorization: Bearer ${jwt}`, 'JWT'), [jwt]);
  assert.deepEqual(found(`token ${unsigned} end`, 'JWT'), [unsigned]);
  assert.deepEqual(classifier.classify(`Bearer ${jwt}`).labels, ['SECRET']);

  const notJson = `${base64url('{"not json at all')}.${base64url('{"sub":"x"}')}.${RANDOM}`;
  const noAlg = `${base64url('{"typ":"JWT"}')}.${base64url('{"sub":"x"}')}.${RANDOM}`;
  assert.deepEqual(found(`token ${notJson}`, 'JWT'), []);
  assert.deepEqual(found(`token ${noAlg}`, 'JWT'), []);
});

test('a PEM private key block is found from BEGIN to END', () => {
  const body = 'MIIEowIBAAKCAQEAz3kq\nT3r+9dYw0mZl/abc==';
  for (const kind of ['RSA ', 'EC ', '', 'OPENSSH ', 'ENCRYPTED ']) {
    const block = `-----BEGIN ${kind}PRIVATE KEY-----\n${body}\n-----END ${kind}PRIVATE KEY-----`;
    const text = `here is my key:\n${block}\nthanks`;
    const result = classifier.classify(text);
    assert.deepEqual(found(text, 'PRIVATE_KEY', result), [block], kind);
    assert.equal(result.entities[0]?.score, 1);
    assert.deepEqual(result.labels, ['SECRET']);
  }
});

test('a private key cut off before its END line is still found, with a lower score', () => {
  const text = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAz3kq\nT3r+9dYw0mZl\n\nand then the message goes on.';
  const result = classifier.classify(text);
  assert.deepEqual(found(text, 'PRIVATE_KEY', result), ['-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAz3kq\nT3r+9dYw0mZl']);
  assert.equal(result.entities[0]?.score, 0.9);
});

test('a short line of plain words after a cut-off key is not taken for key material', () => {
  const text = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nthanks\n';
  assert.deepEqual(found(text, 'PRIVATE_KEY'), ['-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC']);
});

test('public keys and certificates are not private keys', () => {
  for (const text of [
    '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----',
    '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+g\n-----END CERTIFICATE-----',
  ]) {
    assert.deepEqual(found(text, 'PRIVATE_KEY'), [], text);
  }
});
