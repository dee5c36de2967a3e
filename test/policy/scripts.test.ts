// The policy scripts as CI and policy authors run them: checks pass on the tree, the committed
// bundle is current, and both scripts fail loudly when something is off.
import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readBundle, resolveVerification, verifyBundleSignature } from '../../gateway/src/policy/index.js';
import { CHILD_TIMEOUT_MS, execFileAsync, repoRoot, withTempDir, writeKeyPair } from './support.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(root: string, script: string, args: string[] = []): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync('bash', [join(root, 'scripts', script), ...args], { timeout: CHILD_TIMEOUT_MS });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** A scratch copy of what the scripts read and write, so tests can break it. */
async function withScratchTree<T>(fn: (root: string) => Promise<T>): Promise<T> {
  return withTempDir(async (root) => {
    for (const dir of ['scripts', 'policies', 'bundles', 'config/dev-keys']) await cp(join(repoRoot, dir), join(root, dir), { recursive: true });
    return fn(root);
  });
}

describe('scripts/build-bundles.sh', () => {
  test('--check passes: the committed bundle matches the policy sources', async () => {
    const result = await run(repoRoot, 'build-bundles.sh', ['--check']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /bundles\/palisade\.tar\.gz is up to date \(revision sha256:[0-9a-f]{64}\)/);
  });

  test('rebuilding gives the committed contents and revision', async () => {
    await withScratchTree(async (root) => {
      const result = await run(root, 'build-bundles.sh');
      assert.equal(result.code, 0, result.stderr);
      const rebuilt = await readBundle(await readFile(join(root, 'bundles/palisade.tar.gz')));
      const committed = await readBundle(await readFile(join(repoRoot, 'bundles/palisade.tar.gz')));
      assert.equal(rebuilt.manifest.revision, committed.manifest.revision);
      assert.deepEqual([...rebuilt.files.keys()].sort(), [...committed.files.keys()].sort());
      for (const [name, bytes] of committed.files) assert.deepEqual(rebuilt.files.get(name), bytes, name);
    });
  });

  test('--check fails on a policy change without rewriting the bundle', async () => {
    await withScratchTree(async (root) => {
      const policy = join(root, 'policies/request/decision.rego');
      await writeFile(policy, (await readFile(policy, 'utf8')).replace('prompt injection attempt', 'injection attempt'));
      const before = await readFile(join(root, 'bundles/palisade.tar.gz'));
      const result = await run(root, 'build-bundles.sh', ['--check']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /bundles\/palisade\.tar\.gz is stale: run make bundles/);
      assert.deepEqual(await readFile(join(root, 'bundles/palisade.tar.gz')), before);
    });
  });

  test('signs with a production key given on the command line, verifiable with its public key only', async () => {
    await withScratchTree(async (root) => {
      const keys = await writeKeyPair(root, 'prod');
      const out = join(root, 'out/prod.tar.gz');
      const result = await run(root, 'build-bundles.sh', ['--signing-key', keys.privateKey, '--key-id', 'prod-2026', '--scope', 'production', '--output', out]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /wrote out\/prod\.tar\.gz .*signed by key prod-2026 for scope "production"/);
      const { files } = await readBundle(await readFile(out));
      const prod = resolveVerification({ public_key_file: keys.publicKey, key_id: 'prod-2026', scope: 'production' }, '/policy/verification');
      assert.equal((await verifyBundleSignature(files, prod.verification)).key_id, 'prod-2026');
      const dev = resolveVerification({ public_key_file: join(repoRoot, 'config/dev-keys/bundle-signing.pub.pem'), key_id: 'palisade-dev', scope: 'development' }, '/v');
      await assert.rejects(verifyBundleSignature(files, dev.verification));
      const noKeyId = await run(root, 'build-bundles.sh', ['--signing-key', keys.privateKey]);
      assert.equal(noKeyId.code, 2);
      assert.match(noKeyId.stderr, /--signing-key needs --key-id/);
    });
  });

  test('refuses unknown arguments', async () => {
    const result = await run(repoRoot, 'build-bundles.sh', ['--force']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /usage: scripts\/build-bundles\.sh \[--check\] \[--signing-key PEM --key-id ID\]/);
  });
});

describe('scripts/policy-test.sh', () => {
  test('passes on the policies and prints a one-line summary', async () => {
    const result = await run(repoRoot, 'policy-test.sh');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout.trim(), /^policy-test: \d+ passed, 0 failed; coverage \d+\.\d% \(floor 90%\); fmt, check --strict and capabilities clean$/);
  });

  test('fails on a policy that is not opa fmt clean', async () => {
    await withScratchTree(async (root) => {
      await writeFile(join(root, 'policies/extra.rego'), 'package palisade.extra\n\nx := 1 if {   input.a == 1 }\n');
      const result = await run(root, 'policy-test.sh');
      assert.equal(result.code, 1);
      assert.match(result.stderr, /not opa fmt clean/);
    });
  });

  test('fails when coverage drops under the floor', async () => {
    await withScratchTree(async (root) => {
      const rules = Array.from({ length: 400 }, (_, i) => `r${i} := ${i} if input.v == ${i}\n`).join('\n');
      await writeFile(join(root, 'policies/extra.rego'), `package palisade.extra\n\n${rules}`);
      const result = await run(root, 'policy-test.sh');
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stderr, /coverage \d+\.\d% is below the 90% floor/);
    });
  });

  test('fails on a builtin the gateway\'s WASM host does not provide', async () => {
    await withScratchTree(async (root) => {
      const policy = 'package palisade.extra\n\nstamp := time.now_ns()\n\nhas_stamp if stamp > 0\n';
      await writeFile(join(root, 'policies/extra.rego'), policy);
      const result = await run(root, 'policy-test.sh');
      assert.equal(result.code, 1);
      assert.match(result.stderr, /undefined function time\.now_ns/);
      assert.match(result.stderr, /opa check --strict --capabilities policies\/capabilities\.json failed/);
      const build = await run(root, 'build-bundles.sh', ['--check']);
      assert.notEqual(build.code, 0);
    });
  });

  test('fails when a policy test fails', async () => {
    await withScratchTree(async (root) => {
      const testFile = join(root, 'policies/request/decision_test.rego');
      await writeFile(testFile, (await readFile(testFile, 'utf8')).replace('codes(d) == ["prompt_injection"]', 'codes(d) == ["something_else"]'));
      const result = await run(root, 'policy-test.sh');
      assert.equal(result.code, 1);
      assert.match(result.stderr, /FAIL: \d+\/\d+/);
    });
  });
});
