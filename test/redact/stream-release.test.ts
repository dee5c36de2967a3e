// When streamed text reaches the caller under `answers.stream_release: after_scan`: prose passes
// as soon as the provider sends it, while a value that may still be growing (a key, a number, a
// placeholder of reversible mode) is held only for its own span, so no part of a secret leaves.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import OpenAI from 'openai';
import { ANALYST_KEY, startTestGateway, type TestGateway } from '../support/gateway.js';
import { buildSignedFixtureBundle } from '../policy/support.js';

const REQUEST_REGO = `package palisade.request

decision := {"allow": true, "reasons": [], "redact": {"US_SSN": "placeholder"}}
`;

const RESPONSE_REGO = `package palisade.response

secret if "SECRET" in input.response.classification.labels

decision := {"allow": false, "reasons": [{"code": "secret_in_response", "message": "The answer contains a secret."}]} if secret
else := {"allow": true, "reasons": []}
`;

const SSN = '536-22-7788';
const PEM_BODY = Array.from({ length: 4 }, (_, i) => `MIIEowIBAAKCAQEA${i}z3kqT3r9dYw0mZlabcdefghijKLMNOPqrstuvWXYZ0123`).join('\n');
const JWT = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"1234567890"}').toString('base64url')}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c`;

/** Secrets by the prefix they open with: the prefix and the rest of the value. */
const SECRETS: Record<string, [string, string]> = {
  'sk-': ['sk-', 'proj-R4nd0mT0k3nV4lu3Abc123Xyz789Qwe456Rt'],
  ghp_: ['ghp_', 'R4nd0mT0k3nV4lu3Abc123Xyz789Qwe456Rt'],
  AKIA: ['AKIA', 'IOSFODNN7EXAMPLE'],
  eyJ: ['eyJ', JWT.slice(3)],
  '-----BEGIN': ['-----BEGIN', ` RSA PRIVATE KEY-----\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----`],
};

const PROSE = ['The figures look steady. ', 'The team is on track. ', 'Nothing else to report.'];

/** The chunks of the answer to a prompt; the prompt names a script. */
function scriptFor(prompt: string): string[] {
  const secret = Object.entries(SECRETS).find(([prefix]) => prompt === `leak ${prefix}`);
  if (secret) {
    const [prefix, rest] = secret[1];
    // The prefix arrives alone, right where the prose before it is released; the rest in small pieces.
    return ['Here it is: ', prefix, ...(rest.match(/[\s\S]{1,3}/g) ?? []), ' and more text after it. ', 'Done.'];
  }
  if (prompt.startsWith('repeat ')) return prompt.slice('repeat '.length).split('|');
  // "place N TEXT": TEXT in three chunks, the second the first N characters of its placeholder.
  const place = /^place (\d+) (.*)$/s.exec(prompt);
  if (place) {
    const [cut, text] = [Number(place[1]), place[2] ?? ''];
    const at = text.indexOf('<');
    return [text.slice(0, at), text.slice(at, at + cut), text.slice(at + cut)];
  }
  return PROSE;
}

interface PacedUpstream {
  baseUrl: string;
  /** Called before each chunk after the first is sent; the chunk waits for the promise. */
  gate: (index: number) => Promise<void>;
  /** What the upstream did, in order ("sent 0", …), with what the test adds to it. */
  log: string[];
  /** The prompts it received, as the gateway forwarded them. */
  prompts: string[];
  close: () => Promise<void>;
}

/** A loopback provider in OpenAI's format that streams scripted chunks, each as its own event. */
async function startPacedUpstream(): Promise<PacedUpstream> {
  const up: PacedUpstream = { baseUrl: '', gate: () => Promise.resolve(), log: [], prompts: [], close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      void (async () => {
        const body = JSON.parse(raw) as { model: string; messages: { content: string }[] };
        const prompt = body.messages.at(-1)?.content ?? '';
        up.prompts.push(prompt);
        const base = { id: 'chatcmpl-paced', object: 'chat.completion.chunk', created: 1_700_000_000, model: body.model };
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunks = scriptFor(prompt);
        for (const [i, piece] of chunks.entries()) {
          if (i > 0) await up.gate(i);
          if (res.destroyed) return;
          res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: i === 0 ? { role: 'assistant', content: piece } : { content: piece }, finish_reason: null }] })}\n\n`);
          up.log.push(`sent ${i}`);
        }
        res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
        res.end('data: [DONE]\n\n');
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  up.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  up.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return up;
}

/** A promise and the function that settles it. */
function signal(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('streamed answers are released as soon as they are safe', () => {
  let upstream: PacedUpstream;
  let plain: TestGateway;
  let reversible: TestGateway;

  before(async () => {
    upstream = await startPacedUpstream();
    const bundle = await buildSignedFixtureBundle({ 'request.rego': REQUEST_REGO, 'response.rego': RESPONSE_REGO });
    const configure = (restore: boolean) => (config: Record<string, unknown>): void => {
      const dir = join((config['audit'] as { ledger: { dir: string } }).ledger.dir, '..');
      writeFileSync(join(dir, 'release-bundle.tar.gz'), bundle);
      writeFileSync(join(dir, 'openai.key'), 'sk-upstream-test\n');
      (config['policy'] as Record<string, unknown>)['bundle'] = join(dir, 'release-bundle.tar.gz');
      config['providers'] = [{ name: 'openai', type: 'openai', base_url: upstream.baseUrl, api_key_file: join(dir, 'openai.key'), timeout_ms: 10_000 }];
      config['models'] = [{ name: 'gpt', provider: 'openai', upstream_model: 'gpt-4o-mini' }];
      config['redaction'] = { restore };
      config['answers'] = { stream_release: 'after_scan' };
    };
    plain = await startTestGateway(configure(false));
    reversible = await startTestGateway(configure(true));
  });
  after(async () => {
    upstream.gate = () => Promise.resolve();
    await plain?.close();
    await reversible?.close();
    await upstream?.close();
  });

  /** Streams one prompt; returns the text of each content delta the caller received, in order. */
  async function deltas(gw: TestGateway, prompt: string, onDelta?: (text: string) => void): Promise<{ pieces: string[]; error?: unknown }> {
    const client = new OpenAI({ apiKey: ANALYST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'gpt', stream: true, messages: [{ role: 'user', content: prompt }] });
    const pieces: string[] = [];
    try {
      for await (const chunk of stream) {
        const text = chunk.choices[0]?.delta.content ?? '';
        if (text === '') continue;
        pieces.push(text);
        onDelta?.(text);
      }
    } catch (error) {
      return { pieces, error };
    }
    return { pieces };
  }

  /**
   * Streams one prompt with the provider's chunks 1 to `upTo` each waiting until the caller has as
   * many pieces as the chunks sent before it; should the gateway hold a piece back instead, the
   * chunk goes after a long wait and the returned log shows the order.
   */
  async function paced(gw: TestGateway, prompt: string, upTo: number): Promise<{ pieces: string[]; error?: unknown; log: string[] }> {
    upstream.log = [];
    const got = new Map<number, ReturnType<typeof signal>>();
    const gotPieces = (n: number): ReturnType<typeof signal> => {
      if (!got.has(n)) got.set(n, signal());
      return got.get(n)!;
    };
    upstream.gate = (i) => {
      if (i > upTo) return Promise.resolve();
      const fallback = setTimeout(gotPieces(i).open, 20_000);
      return gotPieces(i).promise.finally(() => clearTimeout(fallback));
    };
    let count = 0;
    try {
      const result = await deltas(gw, prompt, (text) => {
        upstream.log.push(`caller got ${JSON.stringify(text)}`);
        gotPieces(++count).open();
      });
      return { ...result, log: upstream.log };
    } finally {
      upstream.gate = () => Promise.resolve();
    }
  }

  it('passes each sentence of prose to the caller before the provider sends the next', async () => {
    const { pieces, error, log } = await paced(plain, 'tell me the news', PROSE.length - 1);
    assert.equal(error, undefined);
    assert.deepEqual(pieces, PROSE);
    assert.deepEqual(log, [
      'sent 0', `caller got ${JSON.stringify(PROSE[0])}`,
      'sent 1', `caller got ${JSON.stringify(PROSE[1])}`,
      'sent 2', `caller got ${JSON.stringify(PROSE[2])}`,
    ]);
  });

  for (const prefix of Object.keys(SECRETS)) {
    it(`releases the prose before a secret opening with ${prefix} and no part of the secret`, async () => {
      const { pieces, error } = await deltas(plain, `leak ${prefix}`);
      assert.ok(error instanceof OpenAI.APIError, `the stream ends with an error: ${String(error)}`);
      assert.match(error.message, /withheld by policy|contains a secret/);
      // The prose before the secret is not held back with it.
      assert.deepEqual(pieces, ['Here it is: ']);
    });
  }

  it('restores placeholders split across chunks at every position, and passes a "<" that opens none', async () => {
    const placeholder = '<US_SSN_1>';
    for (let cut = 1; cut < placeholder.length; cut++) {
      const { pieces, error, log } = await paced(reversible, `place ${cut} Your number is ${SSN} on file.`, 1);
      assert.equal(error, undefined);
      // The text before the placeholder passes before the provider sends any of it.
      assert.deepEqual(log.slice(0, 3), ['sent 0', 'caller got "Your number is "', 'sent 1'], `cut at ${cut}`);
      // The prompt carried the value; the provider saw its placeholder and answers with it.
      assert.equal(upstream.prompts.at(-1), `place ${cut} Your number is ${placeholder} on file.`);
      assert.equal(pieces.join(''), `Your number is ${SSN} on file.`, `cut at ${cut}`);
      assert.ok(pieces.every((p) => !p.includes('<') && !p.includes('_')), `no piece of a placeholder reaches the caller: ${JSON.stringify(pieces)}`);
    }
    const { pieces } = await deltas(reversible, `repeat ${SSN} is mine|, and 2 < 3|. Done.`);
    assert.equal(upstream.prompts.at(-1), 'repeat <US_SSN_1> is mine|, and 2 < 3|. Done.');
    assert.equal(pieces.join(''), `${SSN} is mine, and 2 < 3. Done.`);
  });
});
