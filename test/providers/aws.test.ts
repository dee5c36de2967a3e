// The AWS pieces written for Bedrock: the SigV4 signer against AWS's published test vectors
// (aws-sig-v4-test-suite and the derived-key example in AWS's SigV4 documentation), and the
// event-stream reader against frames built here by the documented layout.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signV4, signingKey } from '../../gateway/src/providers/aws/sigv4.js';
import { decodeMessage, readEventStream } from '../../gateway/src/providers/aws/event-stream.js';
import { eventStreamMessage } from '../support/fake-bedrock.js';

const SUITE = {
  host: 'example.amazonaws.com',
  region: 'us-east-1',
  service: 'service',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  now: new Date('2015-08-30T12:36:00Z'),
};

describe('SigV4', () => {
  it('derives the signing key of AWS’s documented example', () => {
    assert.equal(signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam').toString('hex'), 'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
  });

  it('signs get-vanilla as the test suite does', () => {
    const r = signV4({ ...SUITE, method: 'GET', path: '/' });
    assert.equal(r.canonicalRequest, 'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(r.stringToSign, 'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63');
    assert.equal(
      r.headers['authorization'],
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
    assert.equal(r.headers['x-amz-date'], '20150830T123600Z');
  });

  it('matches get-vanilla-query-order-key-case, post-vanilla and get-utf8', () => {
    assert.equal(signV4({ ...SUITE, method: 'GET', path: '/', query: 'Param2=value2&Param1=value1' }).signature, 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500');
    assert.equal(signV4({ ...SUITE, method: 'POST', path: '/' }).signature, '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b');
    assert.equal(signV4({ ...SUITE, method: 'GET', path: '/ሴ' }).signature, '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85');
  });

  it('signs a Bedrock path as sent, encoding it once more (a model id’s %3A becomes %253A)', () => {
    const r = signV4({ ...SUITE, service: 'bedrock', method: 'POST', path: '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse', body: '{}' });
    assert.match(r.canonicalRequest, /^POST\n\/model\/anthropic\.claude-3-haiku-20240307-v1%253A0\/converse\n/);
  });

  it('signs the session token of temporary credentials', () => {
    const r = signV4({ ...SUITE, credentials: { ...SUITE.credentials, sessionToken: 'token-1' }, method: 'GET', path: '/' });
    assert.equal(r.headers['x-amz-security-token'], 'token-1');
    assert.match(r.headers['authorization'] ?? '', /SignedHeaders=host;x-amz-date;x-amz-security-token,/);
  });
});

describe('event-stream reader', () => {
  const payload = (o: unknown): Uint8Array => Buffer.from(JSON.stringify(o));
  const m1 = eventStreamMessage({ ':event-type': 'messageStart', ':message-type': 'event' }, payload({ role: 'assistant' }));
  const m2 = eventStreamMessage({ ':event-type': 'contentBlockDelta', ':message-type': 'event' }, payload({ delta: { text: 'Hi' } }));

  async function* chunks(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  }

  it('reads messages split across chunks at any point', async () => {
    for (const size of [1, 7, 64, 4096]) {
      const out = [];
      for await (const m of readEventStream(chunks(Buffer.concat([m1, m2]), size))) out.push(m);
      assert.deepEqual(
        out.map((m) => m.headers[':event-type']),
        ['messageStart', 'contentBlockDelta'],
      );
      assert.deepEqual(JSON.parse(Buffer.from(out[1]?.payload ?? []).toString()), { delta: { text: 'Hi' } });
    }
  });

  it('refuses a message whose checksum does not match, or a stream cut inside a message', async () => {
    const bad = Buffer.from(m2);
    bad[bad.length - 6] = (bad[bad.length - 6] ?? 0) ^ 0xff;
    assert.throws(() => decodeMessage(bad), /checksum/);
    await assert.rejects(
      (async () => {
        for await (const _ of readEventStream(chunks(Buffer.concat([m1, m2.subarray(0, 20)]), 16)));
      })(),
      /ended inside a message/,
    );
  });
});
