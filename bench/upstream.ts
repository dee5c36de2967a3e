// A lean OpenAI-compatible upstream for benchmarks: fixed answers, no bookkeeping, so what is
// measured is the gateway, not the fake.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const answer = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'A short answer from the benchmark upstream.' }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 20, completion_tokens: 8, total_tokens: 28 },
});
const chunks = ['A ', 'short ', 'answer ', 'from ', 'the ', 'benchmark ', 'upstream.'].map(
  (w) => `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'bench-model', choices: [{ index: 0, delta: { content: w }, finish_reason: null }] })}\n\n`,
);

const server = createServer((req, res) => {
  let stream = false;
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    stream = body.includes('"stream":true');
    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const c of chunks) res.write(c);
    res.end('data: [DONE]\n\n');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
// A benchmark child never outlives its parent run.
setTimeout(() => process.exit(0), 15 * 60_000).unref();
process.on('SIGTERM', () => process.exit(0));
