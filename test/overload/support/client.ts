// Requests as callers send them, and what the gateway's own metrics say about its queue.
import { request } from 'node:http';
import { ANALYST_KEY, type TestGateway } from '../../support/gateway.js';
import { send, type RawAnswer } from '../../gateway/support/edge.js';

export const CHAT = '/v1/chat/completions';
export const MESSAGES = '/v1/messages';

const chatBody = (model: string): string => JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }] });
const messagesBody = JSON.stringify({ model: 'held', max_tokens: 16, messages: [{ role: 'user', content: 'Hello' }] });

export function chat(gw: TestGateway, model = 'held'): Promise<RawAnswer> {
  return send(gw, 'POST', CHAT, [['authorization', `Bearer ${ANALYST_KEY}`], ['content-type', 'application/json']], chatBody(model));
}

export function messages(gw: TestGateway): Promise<RawAnswer> {
  return send(gw, 'POST', MESSAGES, [['x-api-key', ANALYST_KEY], ['anthropic-version', '2023-06-01'], ['content-type', 'application/json']], messagesBody);
}

/** A chat request that can be abandoned before its answer: `leave()` closes the connection. */
export function abandonableChat(gw: TestGateway): { answer: Promise<number>; leave(): void } {
  const url = new URL(gw.url);
  const body = chatBody('held');
  const req = request({
    host: url.hostname,
    port: url.port,
    method: 'POST',
    path: CHAT,
    headers: { authorization: `Bearer ${ANALYST_KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const answer = new Promise<number>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
  });
  req.end(body);
  return { answer, leave: () => req.destroy() };
}

/** One sample of the gateway's Prometheus metrics; 0 when absent. */
export async function metric(gw: TestGateway, name: string, headers: [string, string][] = []): Promise<number> {
  const answer = await send(gw, 'GET', '/metrics', headers);
  const line = answer.text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Polls until `check` holds; fails the test after `attempts` tries. */
export async function eventually(what: string, check: () => Promise<boolean>, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never happened: ${what}`);
}
