// The policy service as the gateway runs it: bundles from a file, a directory or a real bundle
// server on loopback, verified, hot-reloaded and swapped atomically; failures back off and never
// replace the bundle in force; readiness waits for the first verified bundle.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { parseConfig } from '../../gateway/src/config/load-config.js';
import type { PolicyConfig } from '../../gateway/src/config/schema.js';
import { GatewayError } from '../../gateway/src/errors.js';
import { readBundle, startPolicyService, type PolicyService } from '../../gateway/src/policy/index.js';
import { startBundleServer, waitFor, type BundleServer } from './bundle-server.js';
import {
  ALLOW_RESPONSE_REGO,
  buildFixtureBundle,
  buildSignedFixtureBundle,
  captureLogger,
  devPublicKeyPath,
  filesToTarGz,
  readCommittedBundle,
  repoRoot,
  withTempDir,
  writeBundleDirectory,
} from './support.js';
import { decisionInput } from './vectors.js';

const DEV_VERIFICATION = { public_key_file: devPublicKeyPath, key_id: 'palisade-dev', scope: 'development' };

function policyConfig(bundle: string, patch: Partial<PolicyConfig> = {}): PolicyConfig {
  return {
    bundle,
    verification: DEV_VERIFICATION,
    poll_interval_ms: 50,
    evaluation: { max_input_bytes: 32 * 1024, deadline_ms: 1000, memory_max_pages: 512 },
    ...patch,
  };
}

const rego = (code: string, allow: boolean): string =>
  `package palisade.request\n\ndecision := {"allow": ${allow}, "reasons": ${allow ? '[]' : `[{"code": "${code}", "message": "Fixture ${code}."}]`}}\n`;

describe('policy service', () => {
  let allowAll: Buffer;
  let denyAll: Buffer;
  let committed: Buffer;

  before(async () => {
    committed = await readCommittedBundle();
    allowAll = await buildSignedFixtureBundle({ 'request.rego': rego('open', true), 'response.rego': ALLOW_RESPONSE_REGO });
    denyAll = await buildSignedFixtureBundle({ 'request.rego': rego('closed', false), 'response.rego': ALLOW_RESPONSE_REGO });
  });

  describe('from a bundle server', () => {
    let server: BundleServer;
    let service: PolicyService | undefined;

    after(async () => {
      await service?.close();
      await server?.close();
    });

    test('is not ready until the first verified bundle, then picks it up', async () => {
      const unsigned = await buildFixtureBundle({ 'request.rego': rego('open', true), 'response.rego': ALLOW_RESPONSE_REGO });
      server = await startBundleServer(unsigned);
      const log = captureLogger();
      service = await startPolicyService(policyConfig(server.url), { logger: log.logger });
      assert.equal(service.status().ready, false);
      assert.match(service.status().detail ?? '', /the last load failed: .*only signed bundles are accepted/);
      const refused = service.engine.evaluate('request', decisionInput());
      assert.equal(refused.allow, false);
      assert.equal(refused.error?.code, 'GW_ERR_POLICY_NOT_LOADED');

      server.serve(allowAll);
      await waitFor('the signed bundle', () => service!.status().ready);
      const status = service.status();
      assert.equal(status.bundle?.revision, 'fixture-1');
      assert.equal(status.bundle?.key_id, 'palisade-dev');
      assert.equal(status.source, server.url);
      assert.equal(service.engine.evaluate('request', decisionInput()).allow, true);
    });

    test('polls with the activated ETag and takes 304 as unchanged', async () => {
      const active = service!.status().bundle!;
      const before = server.requests.length;
      await waitFor('three more polls', () => server.requests.length >= before + 3);
      const recent = server.requests.slice(before);
      assert.ok(recent.every((r) => r.ifNoneMatch !== undefined && r.status === 304), JSON.stringify(recent));
      assert.equal(service!.status().bundle, active, 'the same activation, not a reload');
    });

    test('swaps atomically under concurrent evaluation', async () => {
      const input = decisionInput();
      const seen = new Map<string, number>();
      let mismatched = 0;
      const expectedAllow: Record<string, boolean> = {};
      const allowDigest = (await readBundle(allowAll)).digest;
      const denyDigest = (await readBundle(denyAll)).digest;
      expectedAllow[allowDigest] = true;
      expectedAllow[denyDigest] = false;
      let stop = false;
      // Evaluations interleave with the download and activation on the event loop.
      const loop = (async () => {
        while (!stop) {
          for (let i = 0; i < 50; i++) {
            const result = service!.engine.evaluate('request', input);
            const digest = result.bundle?.digest ?? 'none';
            seen.set(digest, (seen.get(digest) ?? 0) + 1);
            if (result.allow !== expectedAllow[digest] || result.error) mismatched++;
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      server.serve(denyAll);
      await waitFor('the deny-all bundle', () => (seen.get(denyDigest) ?? 0) > 100);
      stop = true;
      await loop;
      assert.equal(mismatched, 0);
      assert.deepEqual([...seen.keys()].sort(), [allowDigest, denyDigest].sort());
    });

    test('a tampered bundle is refused and the active one stays in force', async () => {
      const files = new Map((await readBundle(allowAll)).files);
      const wasm = Uint8Array.from(files.get('policy.wasm')!);
      wasm[100] ^= 0xff;
      files.set('policy.wasm', wasm);
      server.serve(await filesToTarGz(files));
      await waitFor('the refusal', () => /The last bundle load failed \(.*digest mismatch/.test(service!.status().detail ?? ''));
      const result = service!.engine.evaluate('request', decisionInput());
      assert.deepEqual(result.reasons.map((r) => r.code), ['closed']);
      assert.equal(service!.status().ready, true);
    });

    test('server errors back off, never clear the active bundle, and recover', async () => {
      const active = service!.status().bundle!;
      server.fail(503, 4);
      await waitFor('failures', () => service!.status().consecutive_failures >= 2);
      assert.equal(service!.status().ready, true);
      assert.equal(service!.status().bundle, active);
      server.serve(allowAll);
      await waitFor('recovery', () => service!.status().bundle?.digest !== active.digest);
      assert.equal(service!.status().consecutive_failures, 0);
      assert.equal(service!.engine.evaluate('request', decisionInput()).allow, true);
    });

    test('close stops polling', async () => {
      await service!.close();
      const count = server.requests.length;
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(server.requests.length, count);
      assert.equal(service!.status().ready, false);
      service = undefined;
    });
  });

  test('long polling: the server holds the request and answers when the bundle changes', async () => {
    const server = await startBundleServer(allowAll, { longPolling: true });
    const tokenDir = await mkdtemp(join(tmpdir(), 'palisade-token-'));
    const tokenFile = join(tokenDir, 'token');
    await writeFile(tokenFile, 'bundle-reader-token\n');
    const service = await startPolicyService(
      policyConfig(server.url, { poll_interval_ms: 60_000, download: { long_polling_timeout_s: 30, timeout_ms: 5000, bearer_token_file: tokenFile } }),
      { logger: captureLogger().logger },
    );
    try {
      assert.equal(service.status().ready, true);
      // With a 60 s poll interval, only a held request can bring the new bundle this soon.
      await waitFor('a held request', () => server.requests.length >= 2);
      server.serve(denyAll);
      await waitFor('the pushed bundle', () => service.engine.evaluate('request', decisionInput()).allow === false);
      assert.ok(server.requests.every((r) => r.prefer === 'wait=30'));
      assert.ok(server.requests.every((r) => r.authorization === 'Bearer bundle-reader-token'));
    } finally {
      await service.close();
      await server.close();
      await rm(tokenDir, { recursive: true, force: true });
    }
  });

  test('from a file: hot reload, and a half-written file never replaces the bundle in force', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'bundle.tar.gz');
      await writeFile(path, allowAll);
      const registry = new Registry();
      const service = await startPolicyService(policyConfig(path), { logger: captureLogger().logger, metrics: registry });
      try {
        assert.equal(service.engine.evaluate('request', decisionInput()).allow, true);
        await writeFile(path, denyAll.subarray(0, denyAll.byteLength / 2));
        await waitFor('the refusal', () => /not valid gzip/.test(service.status().last_error?.detail ?? ''));
        assert.equal(service.status().last_error?.code, 'GW_ERR_BUNDLE_INVALID');
        assert.equal(service.engine.evaluate('request', decisionInput()).allow, true);
        await writeFile(join(dir, 'next.tar.gz'), denyAll);
        await rename(join(dir, 'next.tar.gz'), path);
        await waitFor('the new bundle', () => service.engine.evaluate('request', decisionInput()).allow === false);
        const metrics = await registry.metrics();
        assert.match(metrics, /palisade_policy_bundle_loads_total\{role="enforced",result="activated"\} 2/);
        assert.match(metrics, /palisade_policy_bundle_loads_total\{role="enforced",result="unavailable"\} 1/);
      } finally {
        await service.close();
      }
    });
  });

  test('from an unpacked bundle directory', async () => {
    await withTempDir(async (dir) => {
      await writeBundleDirectory(join(dir, 'bundle'), (await readBundle(allowAll)).files);
      const service = await startPolicyService(policyConfig(join(dir, 'bundle')), { logger: captureLogger().logger });
      try {
        assert.equal(service.status().ready, true);
        await writeBundleDirectory(join(dir, 'bundle'), (await readBundle(denyAll)).files);
        await waitFor('the new directory contents', () => service.engine.evaluate('request', decisionInput()).allow === false);
      } finally {
        await service.close();
      }
    });
  });

  test('without a verification section the service refuses to start, naming what to configure', async () => {
    await assert.rejects(
      startPolicyService(policyConfig(join(repoRoot, 'bundles/palisade.tar.gz'), { verification: undefined, poll_interval_ms: 0 }), { logger: captureLogger().logger }),
      (err: unknown) => err instanceof GatewayError && err.code === 'GW_ERR_CONFIG_INVALID' && /verification section is required/.test(err.message),
    );
  });

  test('config/dev.json\'s policy section loads the committed bundle', async () => {
    const text = readFileSync(join(repoRoot, 'config/dev.json'), 'utf8');
    const { config } = parseConfig({ path: 'config/dev.json', text, env: {} });
    const rooted: PolicyConfig = {
      ...config.policy,
      bundle: join(repoRoot, config.policy.bundle),
      verification: { ...config.policy.verification, public_key_file: join(repoRoot, config.policy.verification!.public_key_file!) },
    };
    const service = await startPolicyService(rooted, { logger: captureLogger().logger });
    try {
      assert.equal(service.status().ready, true);
      assert.equal(service.status().bundle?.digest, (await readBundle(committed)).digest);
    } finally {
      await service.close();
    }
  });

  test('a key file that cannot be read is a configuration error at start', async () => {
    await assert.rejects(
      startPolicyService(policyConfig('bundles/palisade.tar.gz', { verification: { public_key_file: '/nonexistent/key.pem', key_id: 'k' } }), { logger: captureLogger().logger }),
      (err: unknown) => err instanceof GatewayError && err.code === 'GW_ERR_CONFIG_INVALID' && /cannot read \/nonexistent\/key\.pem/.test(err.detail ?? ''),
    );
  });

  test('shadow: the candidate decides beside the enforced bundle, differences are counted, never enforced', async () => {
    await withTempDir(async (dir) => {
      const candidate = join(dir, 'candidate.tar.gz');
      await writeFile(candidate, denyAll);
      const registry = new Registry();
      const service = await startPolicyService(policyConfig(join(repoRoot, 'bundles/palisade.tar.gz'), { shadow: { bundle: candidate } }), {
        logger: captureLogger().logger,
        metrics: registry,
      });
      try {
        assert.equal(service.status().shadow?.ready, true);
        const result = service.engine.evaluate('request', decisionInput());
        assert.equal(result.allow, true);
        assert.deepEqual(result.reasons, []);
        assert.equal(result.bundle?.name, 'palisade');
        assert.equal(result.shadow?.allow, false);
        assert.deepEqual(result.shadow?.reasons.map((r) => r.code), ['closed']);
        assert.equal(result.shadow?.differs, true);
        assert.equal(result.shadow?.bundle.name, 'candidate');

        const ssn = service.engine.evaluate('request', decisionInput({ labels: ['PII'], entities: { US_SSN: { count: 1, max_score: 1 } } }));
        assert.equal(ssn.allow, false);
        assert.equal(ssn.shadow?.differs, true, 'different reasons differ too');
        const metrics = await registry.metrics();
        assert.match(metrics, /palisade_policy_shadow_evaluations_total\{entrypoint="palisade\/request\/decision"\} 2/);
        assert.match(metrics, /palisade_policy_shadow_differences_total\{entrypoint="palisade\/request\/decision",enforced="allow",shadow="deny"\} 1/);
        assert.match(metrics, /palisade_policy_shadow_differences_total\{entrypoint="palisade\/request\/decision",enforced="deny",shadow="deny"\} 1/);
      } finally {
        await service.close();
      }
    });
  });
});
