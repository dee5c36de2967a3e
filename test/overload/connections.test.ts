// The gateway holds at most `server.max_connections` connections, and at most
// `server.max_connections_per_ip` from one address: more are closed as they arrive, and served
// again once others close.
// Not with workers: each process caps its own connections (docs/workers.md), so N workers hold N
// times as many.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { metric } from './support/client.js';
import { closedWithin, openRaw, parseAnswer, type RawClient } from './support/raw-socket.js';

const HEALTH = 'GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n';

/** Sends a health check on the connection and resolves with the status, 0 if the connection closed first. */
async function healthOn(client: RawClient): Promise<number> {
  client.socket.write(HEALTH);
  for (let i = 0; i < 400 && !client.socket.destroyed; i++) {
    const status = parseAnswer(client.received()).status;
    if (status !== 0) return status;
    await new Promise((r) => setTimeout(r, 25));
  }
  return parseAnswer(client.received()).status;
}

describe('connection caps', () => {
  let gw: TestGateway;
  const clients: RawClient[] = [];
  before(async () => {
    gw = await startTestGateway((config) => {
      config['server'] = { ...(config['server'] as Record<string, unknown>), max_connections: 4, max_connections_per_ip: 2 };
    });
  });
  after(async () => {
    for (const c of clients) c.socket.destroy();
    await gw?.close();
  });

  const open = async (localAddress?: string): Promise<RawClient> => {
    const c = openRaw(gw.url, localAddress);
    clients.push(c);
    await c.connected;
    return c;
  };

  it('one address may hold only its share; other addresses are still served', async () => {
    const a1 = await open('127.0.0.1');
    const a2 = await open('127.0.0.1');
    assert.equal(await healthOn(a1), 200);
    assert.equal(await healthOn(a2), 200);
    const a3 = await open('127.0.0.1');
    await closedWithin(a3, 15_000);
    assert.equal(a3.received(), '', 'the extra connection is closed without an answer');
    const b1 = await open('127.0.0.2');
    assert.equal(await healthOn(b1), 200);
    a1.socket.destroy();
    await a1.closed;
    // The gateway sees the close on its side a moment later; retry until the address has room again.
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) status = await healthOn(await open('127.0.0.1'));
    assert.equal(status, 200);
    for (const c of clients) c.socket.destroy();
    await Promise.all(clients.map((c) => c.closed));
    clients.length = 0;
    let refused = 0;
    for (let i = 0; i < 40 && refused === 0; i++) refused = await metric(gw, 'palisade_http_connections_refused_total{reason="max_connections_per_ip"}', [['connection', 'close']]).catch(() => 0);
    assert.ok(refused >= 1);
  });

  it('past max_connections new connections are closed until one ends', async () => {
    const held: RawClient[] = [];
    for (const address of ['127.0.0.3', '127.0.0.3', '127.0.0.4', '127.0.0.4']) {
      const c = await open(address);
      assert.equal(await healthOn(c), 200);
      held.push(c);
    }
    const extra = await open('127.0.0.5');
    await closedWithin(extra, 15_000);
    assert.equal(extra.received(), '');
    held[0]?.socket.destroy();
    await held[0]?.closed;
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) status = await healthOn(await open('127.0.0.5'));
    assert.equal(status, 200);
  });
});
