// A lean upstream for benchmarks, speaking OpenAI chat completions and Anthropic messages, whole
// answers and server-sent event streams: fixed answers, no bookkeeping, so what is measured is
// the gateway, not the fake. Run as a child process; it prints its port on the first line.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const WORDS = ['A ', 'short ', 'answer ', 'from ', 'the ', 'benchmark ', 'upstream.'];
const CREATED = 1_700_000_000;
const USAGE = { prompt_tokens: 20, completion_tokens: 8, total_tokens: 28 };

const chatJson = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: CREATED,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: WORDS.join('') }, finish_reason: 'stop', logprobs: null }],
  usage: USAGE,
});
const chunk = (delta: object, finish: string | null): string =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: CREATED, model: 'bench-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const chatFrames = [chunk({ role: 'assistant', content: '' }, null), ...WORDS.map((w) => chunk({ content: w }, null)), chunk({}, 'stop')];
const chatUsage = `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: CREATED, model: 'bench-model', choices: [], usage: USAGE })}\n\n`;

const msgJson = JSON.stringify({
  id: 'msg_bench',
  type: 'message',
  role: 'assistant',
  model: 'bench-claude',
  content: [{ type: 'text', text: WORDS.join('') }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 20, output_tokens: 8 },
});
const ev = (type: string, data: object): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const msgFrames = [
  ev('message_start', { message: { id: 'msg_bench', type: 'message', role: 'assistant', model: 'bench-claude', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 20, output_tokens: 1 } } }),
  ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  ...WORDS.map((w) => ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: w } })),
  ev('content_block_stop', { index: 0 }),
  ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 8 } }),
  ev('message_stop', {}),
];

/** Streams are written frame by frame, as providers do, so the first frame leaves before the rest. */
function writeFrames(res: ServerResponse, frames: string[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const f of frames) res.write(f);
  res.end();
}

export function createBenchUpstream(): Server {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const stream = body.includes('"stream":true');
      if (req.url === '/v1/messages') {
        if (stream) writeFrames(res, msgFrames);
        else res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(msgJson) }).end(msgJson);
        return;
      }
      if (stream) writeFrames(res, [...chatFrames, ...(body.includes('"include_usage":true') ? [chatUsage] : []), 'data: [DONE]\n\n']);
      else res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(chatJson) }).end(chatJson);
    });
  });
  server.keepAliveTimeout = 60_000;
  return server;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const server = createBenchUpstream();
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
  // A benchmark child never outlives its parent run.
  setTimeout(() => process.exit(0), 30 * 60_000).unref();
  process.on('SIGTERM', () => process.exit(0));
}
