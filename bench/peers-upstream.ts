// The OpenAI-compatible upstream every system in the peers benchmark forwards to: whole answers at
// once, and streams paced as a provider sends them (a word-sized chunk every 10 ms), so that a
// gateway that holds chunks back shows it in time to first content. bench/upstream.ts writes its
// frames back to back, which would hide that. Run as a child process; it prints its port first.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const CHUNK_MS = 10;
const ANSWER = 'The quarterly figures look steady: revenue grew in every region and costs stayed within plan.';
const TOKENS = ANSWER.match(/\s?\S+/g) ?? [];
const CREATED = 1_700_000_000;
const USAGE = { prompt_tokens: 20, completion_tokens: TOKENS.length, total_tokens: 20 + TOKENS.length };

const whole = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: CREATED,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: ANSWER }, finish_reason: 'stop', logprobs: null }],
  usage: USAGE,
});
const frame = (delta: object, finish: string | null): string =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: CREATED, model: 'bench-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
// The first frame carries content, so time to first content is not the gap to a second frame.
const frames = TOKENS.map((t, i) => frame(i === 0 ? { role: 'assistant', content: t } : { content: t }, null));
const usageFrame = `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: CREATED, model: 'bench-model', choices: [], usage: USAGE })}\n\n`;

function stream(res: ServerResponse, withUsage: boolean): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let i = 0;
  const next = (): void => {
    if (res.destroyed) return;
    const f = frames[i++];
    if (f !== undefined) {
      res.write(f);
      setTimeout(next, CHUNK_MS);
      return;
    }
    res.write(frame({}, 'stop'));
    if (withUsage) res.write(usageFrame);
    res.end('data: [DONE]\n\n');
  };
  next();
}

export function createPacedUpstream(): Server {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      // Gateways re-serialise the body, some with a space after the colon.
      if (/"stream":\s*true/.test(body)) stream(res, /"include_usage":\s*true/.test(body));
      else res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(whole) }).end(whole);
    });
  });
  server.keepAliveTimeout = 60_000;
  return server;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const server = createPacedUpstream();
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
  // A benchmark child never outlives its parent run.
  setTimeout(() => process.exit(0), 30 * 60_000).unref();
  process.on('SIGTERM', () => process.exit(0));
}
