// The loopback server every fake provider is built on: records requests, and plays queued faults
// (an error status, a hang, a reset mid-body, a slow drip, malformed events) before answering
// normally in the provider's own wire format.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  rawBody: string;
  body: Record<string, unknown>;
}

export type Fault =
  /** Answer with this status (and headers, body; a string body is sent as it is) instead of the normal answer. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  /** Accept the request and never answer. */
  | { kind: 'hang' }
  /** Send the headers and this many stream frames, then destroy the connection. */
  | { kind: 'reset'; afterFrames: number }
  /** Send the first frame, then wait for `release` before sending the rest. */
  | { kind: 'drip'; release: Promise<void> }
  /** Send a frame whose data is not JSON. */
  | { kind: 'malformed' };

/** How a fake writes one answer; `frames` are written one by one so faults can cut in. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** A whole body, or the frames of a stream. */
  body?: string | Uint8Array;
  frames?: (string | Uint8Array)[];
  /** What a malformed frame looks like in this wire format. */
  malformedFrame?: string | Uint8Array;
}

export interface FakeUpstream {
  url: string;
  received: ReceivedRequest[];
  /** Faults played on the next requests, in order. */
  faults: Fault[];
  /** Requests whose caller went away before the answer was complete. */
  closedEarly(): number;
  close(): Promise<void>;
}

export type Route = (req: ReceivedRequest) => Answer | Promise<Answer>;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

export async function startFakeUpstream(route: Route): Promise<FakeUpstream> {
  const received: ReceivedRequest[] = [];
  const faults: Fault[] = [];
  const sockets = new Set<Socket>();
  let closedEarly = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = rawBody === '' ? {} : (JSON.parse(rawBody) as Record<string, unknown>);
    } catch {
      body = {};
    }
    const r: ReceivedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, rawBody, body };
    received.push(r);
    res.on('close', () => {
      if (!res.writableFinished) closedEarly++;
    });
    const fault = faults.shift();
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body ?? { error: { message: `fake failure ${fault.status}`, type: 'server_error' } }));
      return;
    }
    const answer = await route(r);
    res.writeHead(answer.status, answer.headers);
    if (answer.frames === undefined) {
      res.end(answer.body ?? '');
      return;
    }
    const frames = [...answer.frames];
    if (fault?.kind === 'malformed') frames.splice(1, 0, answer.malformedFrame ?? 'data: {not json\n\n');
    for (let i = 0; i < frames.length; i++) {
      if (fault?.kind === 'reset' && i === fault.afterFrames) {
        res.socket?.destroy();
        return;
      }
      res.write(frames[i]);
      if (fault?.kind === 'drip' && i === 0) await fault.release;
      await tick();
    }
    res.end();
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    faults,
    closedEarly: () => closedEarly,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function sseFrame(data: unknown, event?: string): string {
  return `${event !== undefined ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function sse(frames: string[], malformedFrame?: string): Answer {
  const a: Answer = { status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }, frames };
  if (malformedFrame !== undefined) a.malformedFrame = malformedFrame;
  return a;
}

/** The last user text of a chat in any of the formats the fakes speak. */
export function lastUserText(messages: unknown): string {
  const list = Array.isArray(messages) ? (messages as { role?: string; content?: unknown; parts?: unknown }[]) : [];
  for (let i = list.length - 1; i >= 0; i--) {
    const m = list[i];
    if (!m || (m.role !== 'user' && m.role !== undefined)) continue;
    const c = m.content ?? m.parts;
    if (typeof c === 'string') return c;
    if (Array.isArray(c)) {
      return (c as { text?: unknown }[])
        .map((p) => (typeof p?.text === 'string' ? p.text : ''))
        .join('');
    }
  }
  return '';
}
