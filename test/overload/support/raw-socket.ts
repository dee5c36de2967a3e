// A raw TCP client for the gateway, to send requests as slowly, or hold connections as long, as
// an abusive client would.
import { connect, type Socket } from 'node:net';

export interface RawClient {
  socket: Socket;
  /** Everything the gateway sent. */
  received(): string;
  /** Resolves once the gateway has closed the connection. */
  closed: Promise<void>;
  /** Resolves when the connection is established. */
  connected: Promise<void>;
}

export function openRaw(url: string, localAddress?: string): RawClient {
  const u = new URL(url);
  const socket = connect({ host: u.hostname, port: Number(u.port), ...(localAddress !== undefined ? { localAddress } : {}) });
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (text += d));
  // Writes after the gateway closed fail; the test asserts on what was received.
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, received: () => text, closed, connected };
}

/** Writes `data` a few bytes at a time until the connection closes or the data is sent. */
export async function trickle(client: RawClient, data: string, bytes: number, everyMs: number): Promise<void> {
  for (let i = 0; i < data.length && !client.socket.destroyed && client.socket.writable; i += bytes) {
    client.socket.write(data.slice(i, i + bytes));
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Fails after `ms` if the gateway has not closed the connection: a liveness bound, not a measurement. */
export function closedWithin(client: RawClient, ms: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the connection was still open after ${ms} ms`)), ms);
    client.closed.then(() => {
      clearTimeout(timer);
      resolve();
    }, reject);
  });
}

/** The status and JSON body of the first answer in raw response text. */
export function parseAnswer(text: string): { status: number; headers: string; json: Record<string, unknown> } {
  const [head = '', body = ''] = text.split('\r\n\r\n', 2);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    // Not JSON: the test asserts on the status.
  }
  return { status, headers: head.toLowerCase(), json };
}
