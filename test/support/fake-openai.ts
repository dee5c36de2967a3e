// A loopback server speaking OpenAI's chat completions wire format, JSON and SSE: the only fake
// in our tests, standing in for a real LLM provider.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

export interface FakeOpenAI {
  /** Base URL including /v1, as a provider config wants it. */
  baseUrl: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

export interface FakeOpenAIOptions {
  /** The assistant's answer for a request; defaults to a fixed sentence naming the model. */
  answer?: (body: Record<string, unknown>) => string;
  /** Streamed answers come in pieces of this many characters instead of word by word. */
  chunkChars?: number;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const received: ReceivedRequest[] = [];
  const answerFor = options.answer ?? ((b) => `Hello from the fake upstream, model ${String(b['model'])}.`);
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const text = await readBody(req);
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
        return;
      }
      const body = JSON.parse(text) as Record<string, unknown>;
      received.push({ path: req.url, headers: req.headers, body });
      const answer = answerFor(body);
      const id = `chatcmpl-fake${received.length}`;
      const created = 1_700_000_000;
      const usage = { prompt_tokens: 11, completion_tokens: answer.split(' ').length, total_tokens: 11 + answer.split(' ').length };
      if (body['stream'] !== true) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id, object: 'chat.completion', created, model: body['model'], choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop', logprobs: null }], usage }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const base = { id, object: 'chat.completion.chunk', created, model: body['model'] };
      const send = (data: unknown): void => {
        res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
      };
      send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
      const pieces = options.chunkChars ? (answer.match(new RegExp(`[\\s\\S]{1,${options.chunkChars}}`, 'g')) ?? []) : answer.split(/(?<= )/);
      for (const word of pieces) {
        send({ ...base, choices: [{ index: 0, delta: { content: word }, finish_reason: null }] });
        await new Promise((r) => setImmediate(r));
      }
      send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
      if ((body['stream_options'] as { include_usage?: boolean } | undefined)?.include_usage) send({ ...base, choices: [], usage });
      send('[DONE]');
      res.end();
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
