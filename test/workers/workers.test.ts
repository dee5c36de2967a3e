// `palisade serve` with `server.workers: 2`, as an operator runs it to use both cores: one port
// served by two processes. Limits are exact across them, an answer cached by one is found by the
// other, each writes a ledger log of its own that `palisade-audit verify` passes, /readyz covers
// both, /metrics sums them, a worker killed with SIGKILL is replaced in its slot while the other serves, SIGHUP
// reaches both, a new policy bundle is switched to by both only once both have it ready, and
// SIGTERM stops them all.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANALYST_KEY, baseConfig, sha256 } from '../support/gateway.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { auditCli } from '../support/cli.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { buildCacheBundle, cacheGateway, countingAnswer, type CacheBundle } from '../cache/support.js';
import { ALLOW_RESPONSE_REGO, buildSignedFixtureBundle } from '../policy/support.js';

const LIMIT = 10;
/** The policy the bundle is replaced with: it denies everything, with a reason that names it. */
const SECOND_POLICY = `package palisade.request

default decision := {"allow": false, "reasons": [{"code": "bundle_two", "message": "The second bundle denies everything."}]}
`;
/** The caller that the limit rule below covers; the other callers are unlimited. */
const LIMITED = 'sk-workers-limited-0123456789';

async function chat(gw: GatewayProcess, key: string, model: string, content: string): Promise<Response> {
  // A new connection per request: the cluster hands connections to the workers in turn.
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify({ model, temperature: 0, messages: [{ role: 'user', content }] }),
  });
}

async function readyz(gw: GatewayProcess): Promise<{ ready: boolean; components: Record<string, { ready: boolean; detail?: string }> }> {
  const res = await fetch(`${gw.url}/readyz`, { headers: { connection: 'close' } });
  return (await res.json()) as { ready: boolean; components: Record<string, { ready: boolean; detail?: string }> };
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`never happened: ${what}`);
}

/** The worker processes the primary reported, by slot, latest first. */
function workerPids(gw: GatewayProcess): Map<number, number> {
  const pids = new Map<number, number>();
  for (const line of gw.log().split('\n').reverse()) {
    if (!line.includes('"msg":"worker listening"')) continue;
    const entry = JSON.parse(line) as { slot: number; pid: number };
    if (!pids.has(entry.slot)) pids.set(entry.slot, entry.pid);
  }
  return pids;
}

describe('palisade serve with two workers', () => {
  let dir: string;
  let upstream: FakeOpenAI;
  let bundle: CacheBundle;
  let gw: GatewayProcess;
  /** Every log line of the run; gw.log() keeps only the latest output. */
  const logLines: string[] = [];
  /** Records the ledger should hold: a decision and an outcome per answered request, a decision per refusal. */
  let records = 0;
  const count = (status: number): number => {
    records += status === 200 ? 2 : 1;
    return status;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-workers-'));
    upstream = await startFakeOpenAI({ answer: countingAnswer() });
    bundle = await buildCacheBundle();
    const config = baseConfig(dir);
    cacheGateway(bundle, upstream, (c) => {
      c['server'] = { ...(c['server'] as Record<string, unknown>), workers: 2 };
      c['policy'] = { ...(c['policy'] as Record<string, unknown>), poll_interval_ms: 200 };
      (c['identity'] as { api_keys: unknown[] }).api_keys.push({ id: 'limited', key_sha256: sha256(LIMITED), sub: 'limited@example.com', tenant: 'acme', roles: ['analyst'], app: 'test-app' });
      c['limits'] = { rules: [{ name: 'limited', by: ['user'], limit: LIMIT, unit: 'requests', window_s: 600, match: { credential_id: ['limited'] } }] };
    })(config);
    gw = await startGatewayProcess(dir, config, { maxLifetimeMs: 240_000, startTimeoutMs: 60_000, lines: logLines });
  });
  after(async () => {
    await gw?.stop();
    await upstream?.close();
    bundle?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says at start that two workers listen, and /readyz covers both', async () => {
    assert.match(gw.log(), /Palisade is listening on http:\/\/127\.0\.0\.1:\d+ with 2 workers/);
    assert.deepEqual([...workerPids(gw).keys()].sort(), [1, 2]);
    await eventually('/readyz reports both workers ready', async () => (await readyz(gw)).components['workers']?.detail === '2 workers ready');
    assert.equal((await readyz(gw)).ready, true);
  });

  it('admits exactly the limit across both workers', async () => {
    const statuses = await Promise.all(Array.from({ length: 3 * LIMIT }, (_, i) => chat(gw, LIMITED, 'gpt-plain', `limited ${i}`).then(async (r) => (await r.text(), count(r.status)))));
    assert.equal(statuses.filter((s) => s === 200).length, LIMIT);
    assert.equal(statuses.filter((s) => s === 429).length, 2 * LIMIT);
  });

  it('reports the metrics of every worker together on /metrics, whichever worker answers', async () => {
    for (let i = 0; i < 4; i++) {
      const text = await (await fetch(`${gw.url}/metrics`, { headers: { connection: 'close' } })).text();
      const refused = /^palisade_http_requests_total\{[^}]*status="429"[^}]*\} (\d+)$/m.exec(text);
      assert.equal(Number(refused?.[1]), 2 * LIMIT, text.slice(0, 2000));
    }
  });

  it('answers from the cache whichever worker stored the answer', async () => {
    const hits: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await chat(gw, ANALYST_KEY, 'gpt-tenant', 'the same deterministic question');
      assert.equal(count(res.status), 200);
      hits.push(res.headers.get('x-palisade-cache') ?? '');
      await res.text();
    }
    assert.deepEqual(hits, ['miss', 'hit', 'hit', 'hit']);
    assert.equal(upstream.received.filter((r) => JSON.stringify(r.body).includes('the same deterministic question')).length, 1);
  });

  it('replaces a worker killed with SIGKILL in its slot, while the other serves', async () => {
    const victim = workerPids(gw).get(2);
    assert.ok(victim !== undefined);
    process.kill(victim, 'SIGKILL');
    // Connections the primary handed to the worker as it died die with it, as with any process
    // killed outright; once the primary has seen the exit, the other worker takes them all.
    await eventually('the primary saw the worker exit', async () => gw.log().includes(`"pid":${victim},"code":null,"signal":"SIGKILL"`));
    for (let i = 0; i < 4; i++) {
      const res = await chat(gw, ANALYST_KEY, 'gpt-plain', `during the restart ${i}`);
      assert.equal(count(res.status), 200);
      await res.text();
    }
    await eventually('a new worker listens in slot 2', async () => {
      const pid = workerPids(gw).get(2);
      return pid !== undefined && pid !== victim;
    });
    await eventually('/readyz reports both workers ready again', async () => (await readyz(gw)).components['workers']?.detail === '2 workers ready');
  });

  it('passes SIGHUP on to every worker', async () => {
    const reloads = (): number => logLines.filter((l) => l.includes('"msg":"configuration reloaded"')).length;
    const before = reloads();
    gw.signal('SIGHUP');
    await eventually('both workers reloaded the configuration', async () => reloads() >= before + 2);
  });

  it('switches every worker to a new policy bundle only once all have it ready', async () => {
    writeFileSync(`${bundle.file}.next`, await buildSignedFixtureBundle({ 'request.rego': SECOND_POLICY, 'response.rego': ALLOW_RESPONSE_REGO }));
    renameSync(`${bundle.file}.next`, bundle.file);
    await eventually('a request is denied by the second bundle', async () => {
      const res = await chat(gw, ANALYST_KEY, 'gpt-plain', 'after the switch');
      count(res.status);
      return (await res.text()).includes('bundle_two');
    });
    // Every worker has switched: each request on a new connection meets the second bundle.
    for (let i = 0; i < 6; i++) {
      const res = await chat(gw, ANALYST_KEY, 'gpt-plain', `switched ${i}`);
      assert.equal(count(res.status), 403);
      assert.match(await res.text(), /bundle_two/);
    }
    // No worker activated it before both had it ready: both waits come before the first activation.
    const lines = logLines.map((l) => JSON.parse(l) as { msg: string; worker?: string; digest?: string; bundle?: { digest: string } });
    const firstActivated = lines.findIndex((l) => l.msg === 'policy bundle activated' && l.bundle?.digest !== undefined && lines.some((w) => w.msg.startsWith('policy bundle ready; waiting') && w.digest === l.bundle?.digest));
    assert.ok(firstActivated > 0, 'the new bundle was activated after a wait');
    const digest = lines[firstActivated]?.bundle?.digest;
    const waited = lines.slice(0, firstActivated).filter((l) => l.msg.startsWith('policy bundle ready; waiting') && l.digest === digest).map((l) => l.worker);
    assert.deepEqual([...new Set(waited)].sort(), ['1', '2']);
  });

  it('stops on SIGTERM, leaving one verified ledger log per worker that holds every request', async () => {
    await gw.stop();
    assert.match(gw.log(), /"msg":"all workers stopped"/);
    const logs = readdirSync(join(dir, 'ledger')).sort();
    assert.deepEqual(logs, ['worker-1', 'worker-2']);
    const verified = await auditCli('verify', join(dir, 'ledger'));
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    const sizes = [...verified.stdout.matchAll(/^OK (worker-\d) size=(\d+)/gm)].map((m) => Number(m[2]));
    assert.equal(sizes.length, 2);
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      records,
    );
    assert.ok(sizes.every((n) => n > 0), 'both workers served requests');
  });
});
