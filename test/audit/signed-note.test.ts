// C2SP signed-note keys, signatures and checkpoints against the spec's and Go's published vectors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MerkleTree,
  formatCheckpoint,
  generateNoteKey,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseSigner,
  parseVerifier,
  signNote,
  toBase64,
} from '@palisade/audit-core';

const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_NOTE = `${PETER_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const TEST_SKEY = 'PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg';
const TEST_VKEY = 'example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx';
const GOLDEN_CHECKPOINT =
  'example.com/log/testdata\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n\u2014 example.com/log/testdata M9e0loRVkEPcM/dTSb6Mjv4p+ddtWVs8jOuTljfuDAFhvGTLRlsxA/U6MghQ8dOdcWU9wylzFS3B9MbyqXOzmNpbmwM=\n';

describe('note keys', () => {
  it('derives the published verifier key and key ID from the Go signer key', () => {
    const signer = parseSigner(PETER_SKEY);
    assert.equal(signer.vkey, PETER_VKEY);
    assert.equal(signer.keyHash, 0xc74f20a3);
    assert.equal(parseSigner(TEST_SKEY).vkey, TEST_VKEY);
    const v = parseVerifier(PETER_VKEY);
    assert.equal(v.name, 'PeterNeumann');
    assert.equal(v.keyHash, 0xc74f20a3);
  });

  it('generates keys in Go formats, deterministic from a seed', () => {
    const seed = Buffer.alloc(32, 7);
    const a = generateNoteKey('audit.example/log', seed);
    assert.deepEqual(generateNoteKey('audit.example/log', seed), a);
    assert.match(a.skey, /^PRIVATE\+KEY\+audit\.example\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    assert.match(a.vkey, /^audit\.example\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    assert.equal(parseSigner(a.skey).vkey, a.vkey);
    assert.notEqual(generateNoteKey('audit.example/log').skey, a.skey);
  });

  it('refuses malformed keys with a code, without echoing the secret', () => {
    const bad = [
      'PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', // wrong key ID
      'PRIVATE+KEY+Peter Neumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', // space in name
      'PRIVATE+KEY+PeterNeumann+c74f20a3+AoEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', // not type 0x01
      'PRIVATE+KEY+PeterNeumann+c74f20a3', // no key
      PETER_VKEY, // a verifier key is not a signer key
    ];
    for (const skey of bad) {
      assert.throws(
        () => parseSigner(skey),
        (err: Error & { code?: string }) => err.code === 'CORE_ERR_KEY_MALFORMED' && !err.message.includes('AYEKFALV'),
      );
    }
    assert.throws(() => parseVerifier('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TX'), { code: 'CORE_ERR_KEY_MALFORMED' });
    assert.throws(() => parseVerifier('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'), { code: 'CORE_ERR_KEY_MALFORMED' });
  });
});

describe('signed notes', () => {
  it('signs the Go note example byte for byte (Ed25519 is deterministic)', () => {
    assert.equal(signNote(PETER_TEXT, parseSigner(PETER_SKEY)), PETER_NOTE);
  });

  it('opens the C2SP spec example', () => {
    const note = `This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n`;
    const opened = openNote(note, [parseVerifier('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')]);
    assert.equal(opened.text, 'This is an example message.\n');
    assert.deepEqual(opened.sigs.map((s) => s.name), ['example.com/foo']);
  });

  it('ignores unknown keys but needs one known key', () => {
    const other = parseSigner(generateNoteKey('witness.example/w1', Buffer.alloc(32, 1)).skey);
    const note = signNote(PETER_TEXT, [other, parseSigner(PETER_SKEY)]);
    const opened = openNote(note, [parseVerifier(PETER_VKEY)]);
    assert.equal(opened.text, PETER_TEXT);
    assert.deepEqual(opened.sigs.map((s) => s.name), ['PeterNeumann']);
    assert.deepEqual(opened.unverifiedSigs.map((s) => s.name), ['witness.example/w1']);
    assert.throws(() => openNote(PETER_NOTE, [other.verifier()]), { code: 'CORE_ERR_NOTE_UNVERIFIED' });
    assert.throws(() => openNote(PETER_NOTE, []), { code: 'CORE_ERR_NOTE_UNVERIFIED' });
  });

  it('rejects a changed text, a changed signature and malformed notes', () => {
    const v = [parseVerifier(PETER_VKEY)];
    assert.throws(() => openNote(PETER_NOTE.replace('cryptography', 'cryptograph!'), v), { code: 'CORE_ERR_NOTE_BAD_SIGNATURE' });
    assert.throws(() => openNote(PETER_NOTE.replace('x08go/ZJ', 'x08go/ZK'), v), { code: 'CORE_ERR_NOTE_BAD_SIGNATURE' });
    assert.throws(() => openNote(PETER_TEXT, v), { code: 'CORE_ERR_NOTE_MALFORMED' });
    assert.throws(() => openNote(PETER_NOTE.replace('\u2014', '-'), v), { code: 'CORE_ERR_NOTE_MALFORMED' });
    assert.throws(() => openNote(PETER_NOTE.slice(0, -1), v), { code: 'CORE_ERR_NOTE_MALFORMED' });
    assert.throws(() => openNote(`a\tb\n${PETER_NOTE}`, v), { code: 'CORE_ERR_NOTE_MALFORMED' });
    assert.throws(() => openNote(Buffer.from([0xff, 0x0a, 0x0a]), v), { code: 'CORE_ERR_NOTE_MALFORMED' });
    assert.throws(() => signNote('no newline', parseSigner(PETER_SKEY)), { code: 'CORE_ERR_NOTE_MALFORMED' });
  });
});

describe('checkpoints', () => {
  it('signs the golden checkpoint over the 8-leaf test tree', () => {
    const tree = new MerkleTree();
    for (const h of ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f']) {
      tree.appendEntry(Buffer.from(h, 'hex'));
    }
    const text = formatCheckpoint({ origin: 'example.com/log/testdata', size: 8, rootHash: tree.root() });
    assert.equal(signNote(text, parseSigner(TEST_SKEY)), GOLDEN_CHECKPOINT);
    const cp = openCheckpoint(GOLDEN_CHECKPOINT, [parseVerifier(TEST_VKEY)]);
    assert.equal(cp.origin, 'example.com/log/testdata');
    assert.equal(cp.size, 8);
    assert.equal(toBase64(cp.rootHash), 'XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=');
  });

  it('parses the spec example and keeps extension lines', () => {
    const cp = parseCheckpoint('example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n');
    assert.equal(cp.size, 20852163);
    assert.deepEqual(cp.extensions, []);
    const text = formatCheckpoint({ origin: 'o', size: 0, rootHash: cp.rootHash, extensions: ['ext one'] });
    assert.equal(text, 'o\n0\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next one\n');
    assert.deepEqual(parseCheckpoint(text).extensions, ['ext one']);
  });

  it('refuses malformed checkpoints', () => {
    const root = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';
    for (const bad of [
      `o\n01\n${root}\n`,
      `o\n-1\n${root}\n`,
      `o\n1\n${root}`,
      `o\n1\n`,
      `\n1\n${root}\n`,
      `o\n1\nAAAA\n`,
      `o\n1\n${root}\n\n`,
      `o\n99999999999999999999\n${root}\n`,
    ]) {
      assert.throws(() => parseCheckpoint(bad), { code: 'CORE_ERR_CHECKPOINT_MALFORMED' }, JSON.stringify(bad));
    }
  });
});
