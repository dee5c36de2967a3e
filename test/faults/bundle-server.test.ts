// The bundle server goes down, answers 500, or serves garbage: the last good bundle stays in force
// (the same decisions, on record with its revision), /readyz stays ready and names the failed
// loads, and a new signed bundle is picked up once the server is healthy again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { BUNDLE, startTestGateway, readGatewayRecords, type TestGateway } from '../support/gateway.js';
import { call, newTally, type Tally } from '../audit/helpers/pipeline.js';
import { ALLOW_RESPONSE_REGO, buildSignedFixtureBundle } from '../policy/support.js';
import { assertVerifies, duplicates, reportFault, until } from './support.js';

const FILE = 'test/faults/bundle-server.test.ts';

type Mode = { kind: 'bundle'; bytes: Uint8Array } | { kind: 'garbage' } | { kind: 'status'; status: number } | { kind: 'down' };

/** A bundle server whose answer the test switches: a bundle, bytes that are no bundle, an error status, or connections cut at once. */
async function startSwitchableBundleServer(initial: Uint8Array): Promise<{ url: string; mode: Mode; requests(): number; close(): Promise<void> }> {
  const state = { mode: { kind: 'bundle', bytes: initial } as Mode, requests: 0 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    state.requests++;
    const m = state.mode;
    if (m.kind === 'down') {
      req.socket.destroy();
      return;
    }
    if (m.kind === 'status') {
      res.writeHead(m.status, { 'content-type': 'text/plain' }).end('bundle server failure');
      return;
    }
    const body = m.kind === 'bundle' ? m.bytes : Buffer.from('this is not a gzipped tarball\n'.repeat(40));
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': String(body.length) }).end(body);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/bundles/palisade.tar.gz`,
    get mode() {
      return state.mode;
    },
    set mode(m: Mode) {
      state.mode = m;
    },
    requests: () => state.requests,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

interface Readiness {
  status: number;
  policy: { ready?: boolean; bundle?: { revision?: string }; consecutive_failures?: number; last_error?: { code: string; detail: string } };
}

async function readiness(url: string): Promise<Readiness> {
  const res = await fetch(`${url}/readyz`);
  const body = (await res.json()) as { components?: { policy?: Readiness['policy'] } };
  return { status: res.status, policy: body.components?.policy ?? {} };
}

describe('bundle server down or serving garbage', () => {
  let server: Awaited<ReturnType<typeof startSwitchableBundleServer>>;
  let gw: TestGateway;
  let denyAll: Buffer;
  let goodRevision = '';
  const tally: Tally = newTally();
  const seen: Record<string, Readiness> = {};

  before(async () => {
    denyAll = await buildSignedFixtureBundle({ 'request.rego': 'package palisade.request\n\ndecision := {"allow": false, "reasons": [{"code": "closed", "message": "Closed for maintenance."}]}\n', 'response.rego': ALLOW_RESPONSE_REGO });
    server = await startSwitchableBundleServer(readFileSync(BUNDLE));
    gw = await startTestGateway((c) => {
      const policy = c['policy'] as Record<string, unknown>;
      policy['bundle'] = server.url;
      policy['poll_interval_ms'] = 200;
    });
    await until('the first bundle', async () => (await readiness(gw.url)).status === 200, 30_000);
    goodRevision = (await readiness(gw.url)).policy.bundle?.revision ?? '';
  });
  after(async () => {
    await gw?.close();
    await server?.close();
  });

  async function readinessWhen(what: string, holds: (policy: Readiness['policy']) => boolean): Promise<Readiness> {
    let last: Readiness | undefined;
    await until(what, async () => {
      last = await readiness(gw.url);
      return holds(last.policy);
    }, 20_000);
    if (last === undefined) throw new Error(`no /readyz answer while waiting for ${what}`);
    return last;
  }

  for (const [name, mode] of [
    ['garbage', { kind: 'garbage' }],
    ['status 500', { kind: 'status', status: 500 }],
    ['down', { kind: 'down' }],
  ] as [string, Mode][]) {
    it(`${name}: the last good bundle stays in force and /readyz says the loads fail`, async () => {
      server.mode = mode;
      // The answer that shows the failures is the one checked: with workers, the next /readyz may
      // come from a worker that has not polled since the server changed.
      const r = await readinessWhen('a failed load', (p) => (p.consecutive_failures ?? 0) >= 2);
      seen[name] = r;
      assert.equal(r.status, 200, 'still ready: a verified bundle is in force');
      assert.equal(r.policy.bundle?.revision, goodRevision, 'the last good bundle');
      assert.ok(r.policy.last_error?.code, `the failure is named: ${JSON.stringify(r.policy)}`);
      // The shipped policy still decides: the privileged caller is served, the analyst's SSN prompt denied.
      assert.equal(await call(gw.url, 0, tally), 200);
      assert.equal(await call(gw.url, 3, tally), 403);
    });
  }

  it('healthy again: a new signed bundle is picked up without a restart', async (t) => {
    server.mode = { kind: 'bundle', bytes: denyAll };
    const r = await readinessWhen('the new bundle', (p) => p.bundle?.revision !== goodRevision);
    assert.equal(r.policy.consecutive_failures, 0);
    assert.equal(r.policy.last_error, undefined);
    assert.equal(await call(gw.url, 0, tally), 403, 'the new bundle decides');

    await gw.gateway.close();
    const records = readGatewayRecords(gw);
    assert.deepEqual(duplicates(records), []);
    const decisions = records.filter((r) => r.phase === 'decision');
    assert.equal(decisions.length, tally.answered.length + tally.denied.length);
    const revisions = new Set(decisions.map((d) => d.policy?.revision));
    assert.equal(revisions.size, 2, `decided by the good bundle, then by the new one: ${[...revisions].join(', ')}`);
    const verify = await assertVerifies(gw.ledgerDir);
    for (const [name, s] of Object.entries(seen)) {
      reportFault(t, {
        fault: `bundle server ${name === 'down' ? 'down (connections cut)' : name === 'garbage' ? 'serving garbage' : 'answering 500'}`,
        callerSees: `the same decisions from the last good bundle; /readyz ${s.status}, policy.last_error ${s.policy.last_error?.code}; a new bundle is picked up once the server is healthy`,
        ledgerHolds: `every decision once, with the revision of the bundle in force (${revisions.size} revisions over the test)`,
        verify,
        test: FILE,
      });
    }
  });
});
