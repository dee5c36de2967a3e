// Answers get the same treatment as requests: every string that reaches the caller is classified,
// not only the message text. A secret in a refusal, a tool call's name or a citation is seen by
// the response decision, and the shipped policy withholds the answer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVILEGED_KEY, startTestGateway, type TestGateway } from '../support/gateway.js';

const TOKEN = 'ghp_R4nd0mT0k3nV4lu3Abc123Xyz789Qwe456Rt';

type Message = Record<string, unknown>;
const ANSWERS: Record<string, Message> = {
  refusal: { role: 'assistant', content: null, refusal: `I cannot use ${TOKEN} for that.` },
  'tool call name': { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: TOKEN, arguments: '{}' } }] },
  citation: { role: 'assistant', content: 'See the source.', annotations: [{ type: 'url_citation', url_citation: { url: `https://example.com/?t=${TOKEN}`, title: TOKEN, start_index: 0, end_index: 3 } }] },
  'plain text (control)': { role: 'assistant', content: 'Nothing to hide here.' },
};

describe('every string of an answer is classified', () => {
  let gw: TestGateway;
  let server: Server;
  let next = 'refusal';

  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const message = ANSWERS[next];
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    gw = await startTestGateway((c) => {
      const keyFile = join((c['audit'] as { ledger: { dir: string } }).ledger.dir, '..', 'provider.key');
      writeFileSync(keyFile, 'sk-provider');
      (c['providers'] as unknown[]).push({ name: 'oa', type: 'openai', base_url: url, api_key_file: keyFile });
      (c['models'] as unknown[]).push({ name: 'gpt', provider: 'oa' });
    });
  });
  after(async () => {
    await gw?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  for (const name of Object.keys(ANSWERS)) {
    const control = name.includes('control');
    it(`${control ? 'passes' : 'withholds'} an answer with ${name}`, async () => {
      next = name;
      const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${PRIVILEGED_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: 'Hello' }] }) });
      const text = await res.text();
      if (control) {
        assert.equal(res.status, 200, text);
        return;
      }
      assert.equal(res.status, 403, text);
      assert.match(text, /secret_in_response/);
      assert.ok(!text.includes(TOKEN), 'no part of the token reaches the caller');
    });
  }
});
