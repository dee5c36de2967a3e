// Loading bundles: a bad bundle is refused and never replaces the active one; a good one replaces
// it whole; readiness and logs say what happened.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { GatewayError } from '../../gateway/src/errors.js';
import { createPolicyEngine, readBundle, type PolicyEngine } from '../../gateway/src/policy/index.js';
import { ALLOW_RESPONSE_REGO, buildFixtureBundle, bundleEntries, captureLogger, committedBundlePath, makeTar, makeTarGz, readCommittedBundle, type CapturedLogger } from './support.js';
import { decisionInput } from './vectors.js';

const SSN_INPUT = decisionInput({ labels: ['PII'], entities: { US_SSN: { count: 1, max_score: 1 } } });

const DENY_ALL_REGO = `package palisade.request

decision := {"allow": false, "reasons": [{"code": "closed", "message": "Closed for maintenance."}]}
`;

/** The committed bundle's files in a tar whose first header is overwritten, then gzipped. */
async function corruptTar(): Promise<Uint8Array> {
  const tar = await makeTar(await bundleEntries(await readCommittedBundle()));
  tar.fill(0x41, 100, 160);
  return gzipSync(tar);
}

async function assertBundleRefused(promise: Promise<unknown>, detail: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof GatewayError);
    assert.equal(err.code, 'GW_ERR_BUNDLE_INVALID');
    assert.match(err.detail ?? '', detail);
    return true;
  });
}

describe('loading bundles', () => {
  let committed: Buffer;
  let denyAll: Buffer;

  before(async () => {
    committed = await readCommittedBundle();
    denyAll = await buildFixtureBundle({ 'request.rego': DENY_ALL_REGO, 'response.rego': ALLOW_RESPONSE_REGO });
  });

  test('an engine without a bundle is not ready', () => {
    const engine = createPolicyEngine({ logger: captureLogger().logger });
    assert.deepEqual(engine.status(), { ready: false, detail: 'No policy bundle is loaded.' });
  });

  test('loading the committed bundle makes the engine ready and logs the revision, not the bytes', async () => {
    const log = captureLogger();
    const engine = createPolicyEngine({ logger: log.logger, clock: () => new Date('2026-02-03T04:05:06.000Z') });
    const info = await engine.load(committed, committedBundlePath);
    const { digest, manifest } = await readBundle(committed);
    assert.deepEqual(info, { name: 'palisade', revision: manifest.revision, digest, loaded_at: '2026-02-03T04:05:06.000Z' });
    assert.deepEqual(engine.status(), { ready: true, bundle: info });
    const line = log.lines().find((l) => l['msg'] === 'policy bundle activated');
    assert.ok(line);
    assert.deepEqual(line['bundle'], info);
  });

  describe('a bad bundle never replaces a good one', () => {
    let engine: PolicyEngine;
    let log: CapturedLogger;
    let goodDigest: string;

    before(async () => {
      log = captureLogger();
      engine = createPolicyEngine({ logger: log.logger });
      goodDigest = (await engine.load(committed, committedBundlePath)).digest;
    });

    async function assertStillGood(): Promise<void> {
      const status = engine.status();
      assert.equal(status.ready, true);
      assert.equal(status.bundle?.digest, goodDigest);
      const result = engine.evaluate('request', SSN_INPUT);
      assert.equal(result.bundle?.digest, goodDigest);
      assert.deepEqual(result.reasons.map((r) => r.code), ['pii_requires_pii_reader']);
    }

    const cases: [string, () => Promise<Uint8Array>, RegExp][] = [
      ['a corrupt tar', corruptTar, /not a valid tar/],
      ['a truncated gzip', async () => committed.subarray(0, committed.byteLength - 100), /not valid gzip/],
      ['a bundle without policy.wasm', async () => makeTarGz((await bundleEntries(committed)).filter((e) => e.name !== '/policy.wasm')), /no \/policy\.wasm/],
      ['policy.wasm that is not WebAssembly', async () => makeTarGz((await bundleEntries(committed)).map((e) => (e.name === '/policy.wasm' ? { ...e, body: 'not wasm' } : e))), /cannot be instantiated/],
      ['a bundle without the response entrypoint', () => buildFixtureBundle({ 'request.rego': DENY_ALL_REGO }, ['palisade/request/decision']), /no entrypoint palisade\/response\/decision/],
    ];
    for (const [what, make, detail] of cases) {
      test(`${what} is refused and the previous bundle stays active`, async () => {
        await assertBundleRefused(engine.load(await make(), `bundles/${what}.tar.gz`), detail);
        await assertStillGood();
        assert.match(engine.status().detail ?? '', /The last bundle load failed/);
      });
    }

    test('an oversized bundle is refused and the previous bundle stays active', async () => {
      const small = createPolicyEngine({ logger: log.logger, limits: { maxCompressedBytes: committed.byteLength } });
      await small.load(committed, committedBundlePath);
      const bigger = await makeTarGz([...(await bundleEntries(committed)), { name: '/noise.bin', body: randomBytes(64 * 1024) }]);
      await assertBundleRefused(small.load(bigger, 'bundles/bigger.tar.gz'), /the limit is/);
      assert.equal(small.status().bundle?.digest, goodDigest);
      assert.equal(small.evaluate('request', SSN_INPUT).allow, false);
    });

    test('refusals are logged with their code and without bundle contents', () => {
      const refusals = log.lines().filter((l) => l['msg'] === 'policy bundle refused; the active bundle stays in force');
      assert.ok(refusals.length >= cases.length);
      for (const line of refusals) {
        assert.equal(line['err_code'], 'GW_ERR_BUNDLE_INVALID');
        assert.equal(line['level'], 40);
        assert.equal(typeof line['detail'], 'string');
      }
    });

    test('a good bundle then replaces the active one whole', async () => {
      const info = await engine.load(denyAll, 'https://user:secret@bundles.example/v1/deny-all.tar.gz?token=abc');
      assert.equal(info.name, 'deny-all');
      assert.equal(info.revision, 'fixture-1');
      assert.deepEqual(engine.status(), { ready: true, bundle: info });
      const result = engine.evaluate('request', decisionInput());
      assert.equal(result.allow, false);
      assert.deepEqual(result.reasons.map((r) => r.code), ['closed']);
      const logged = JSON.stringify(log.lines());
      assert.doesNotMatch(logged, /secret|token=abc/);
    });
  });

  test('a data document past the memory maximum is refused', async () => {
    const engine = createPolicyEngine({ logger: captureLogger().logger, memory: { initialPages: 5, maximumPages: 8 } });
    const entries = await bundleEntries(committed);
    const bigData = JSON.stringify({ palisade: { padding: 'x'.repeat(1024 * 1024) } });
    const archive = await makeTarGz(entries.map((e) => (e.name === '/data.json' ? { ...e, body: bigData } : e)));
    await assertBundleRefused(engine.load(archive, 'bundles/big-data.tar.gz'), /data\.json cannot be loaded into policy memory/);
    assert.equal(engine.status().ready, false);
    assert.match(engine.status().detail ?? '', /the last load failed: data\.json cannot be loaded/);
  });

  test('loads run in the order they were asked for, so the last one wins', async () => {
    const engine = createPolicyEngine({ logger: captureLogger().logger });
    const [first, second] = await Promise.all([engine.load(denyAll, 'deny-all.tar.gz'), engine.load(committed, committedBundlePath)]);
    assert.equal(first.name, 'deny-all');
    assert.equal(engine.status().bundle?.digest, second.digest);
  });

  test('a closed engine is not ready, denies and refuses new bundles', async () => {
    const engine = createPolicyEngine({ logger: captureLogger().logger });
    await engine.load(committed, committedBundlePath);
    await engine.close();
    assert.deepEqual(engine.status(), { ready: false, detail: 'The policy engine is closed.' });
    assert.equal(engine.evaluate('request', decisionInput()).error?.code, 'GW_ERR_POLICY_NOT_LOADED');
    await assert.rejects(engine.load(committed, committedBundlePath), (err: unknown) => err instanceof GatewayError && err.code === 'GW_ERR_SHUTTING_DOWN');
  });
});
