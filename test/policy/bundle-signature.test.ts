// Bundle signatures made by the real `opa sign` verify here, by OPA's rules; unsigned, tampered,
// wrongly keyed and wrongly scoped bundles are refused with a GW_ERR_BUNDLE_* code, and the last
// good bundle stays in force.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { createPrivateKey } from 'node:crypto';
import { GatewayError, type ErrorCode } from '../../gateway/src/errors.js';
import {
  createPolicyEngine,
  DEVELOPMENT_PUBLIC_KEY_PEM,
  readBundle,
  readBundleDirectory,
  resolveVerification,
  verifyBundleSignature,
  type BundleVerification,
} from '../../gateway/src/policy/index.js';
import {
  ALLOW_RESPONSE_REGO,
  buildFixtureBundle,
  CHILD_TIMEOUT_MS,
  execFileAsync,
  opaPath,
  repoRoot,
  captureLogger,
  DEV_SIGNING,
  devPublicKeyPath,
  filesToTarGz,
  readCommittedBundle,
  signFiles,
  withTempDir,
  writeBundleDirectory,
  writeKeyPair,
} from './support.js';
import { decisionInput } from './vectors.js';

const devVerification = (): BundleVerification =>
  resolveVerification({ public_key_file: devPublicKeyPath, key_id: 'palisade-dev', scope: 'development' }, '/policy/verification').verification;

async function assertRefused(promise: Promise<unknown>, code: ErrorCode, detail: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof GatewayError, `expected a GatewayError, got ${String(err)}`);
    assert.equal(err.code, code, err.detail);
    assert.match(err.detail ?? '', detail);
    return true;
  });
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('bundle signatures', () => {
  let committed: Map<string, Uint8Array>;

  before(async () => {
    committed = new Map((await readBundle(await readCommittedBundle())).files);
  });

  test('the committed bundle is signed with the development key for the development scope', async () => {
    const check = await verifyBundleSignature(committed, devVerification());
    assert.deepEqual(check, { key_id: 'palisade-dev', algorithm: 'RS256', scope: 'development', files: committed.size - 1 });
  });

  test('opa itself verifies the committed bundle, and refuses it for another scope', async () => {
    await withTempDir(async (dir) => {
      const verify = (scope: string) =>
        execFileAsync(opaPath, ['build', '-b', join(repoRoot, 'bundles/palisade.tar.gz'), '--verification-key', devPublicKeyPath, '--verification-key-id', 'palisade-dev', '--scope', scope, '-o', join(dir, 'out.tar.gz')], { timeout: CHILD_TIMEOUT_MS });
      await verify('development');
      await assert.rejects(verify('production'), (err: unknown) => /scope mismatch/.test(`${String((err as { stdout?: unknown }).stdout)}${String((err as { stderr?: unknown }).stderr)}`));
    });
  });

  test('the embedded development key is the committed public key', async () => {
    assert.equal(DEVELOPMENT_PUBLIC_KEY_PEM, await readFile(devPublicKeyPath, 'utf8'));
  });

  test('the one-key configuration form verifies it too, pinning the key id', async () => {
    const { verification } = resolveVerification({ public_key_file: devPublicKeyPath, key_id: 'palisade-dev', scope: 'development' }, '/policy/verification');
    assert.equal((await verifyBundleSignature(committed, verification)).key_id, 'palisade-dev');
  });

  describe('refusals', () => {
    const tampered: [string, (files: Map<string, Uint8Array>) => void, ErrorCode, RegExp][] = [
      ['no .signatures.json', (f) => f.delete('.signatures.json'), 'GW_ERR_BUNDLE_UNSIGNED', /has no \.signatures\.json/],
      [
        'one byte of policy.wasm changed',
        (f) => {
          const wasm = Uint8Array.from(f.get('policy.wasm')!);
          wasm[wasm.length - 1] ^= 0x01;
          f.set('policy.wasm', wasm);
        },
        'GW_ERR_BUNDLE_TAMPERED',
        /"policy\.wasm": digest mismatch/,
      ],
      ['data.json changed', (f) => f.set('data.json', utf8('{"palisade":{"allow_all":true}}')), 'GW_ERR_BUNDLE_TAMPERED', /"data\.json": digest mismatch/],
      ['a file added', (f) => f.set('extra/backdoor.rego', utf8('package x\n')), 'GW_ERR_BUNDLE_TAMPERED', /"extra\/backdoor\.rego" is not included in the bundle signature/],
      ['a file dropped', (f) => f.delete('response/decision.rego'), 'GW_ERR_BUNDLE_TAMPERED', /lists "response\/decision\.rego", which the bundle does not hold/],
      ['.signatures.json not JSON', (f) => f.set('.signatures.json', utf8('{')), 'GW_ERR_BUNDLE_SIGNATURE_INVALID', /not valid JSON/],
      ['no JWT', (f) => f.set('.signatures.json', utf8('{"signatures":[]}')), 'GW_ERR_BUNDLE_SIGNATURE_INVALID', /missing JWT \(expected exactly one\)/],
      [
        'two JWTs',
        (f) => {
          const [token] = (JSON.parse(Buffer.from(f.get('.signatures.json')!).toString()) as { signatures: string[] }).signatures;
          f.set('.signatures.json', utf8(JSON.stringify({ signatures: [token, token] })));
        },
        'GW_ERR_BUNDLE_SIGNATURE_INVALID',
        /multiple JWTs not supported/,
      ],
      [
        'a signature byte changed',
        (f) => {
          const [token = ''] = (JSON.parse(Buffer.from(f.get('.signatures.json')!).toString()) as { signatures: string[] }).signatures;
          const flipped = token.slice(0, -3) + (token.at(-3) === 'A' ? 'B' : 'A') + token.slice(-2);
          f.set('.signatures.json', utf8(JSON.stringify({ signatures: [flipped] })));
        },
        'GW_ERR_BUNDLE_SIGNATURE_INVALID',
        /does not verify with key "palisade-dev"/,
      ],
    ];
    for (const [what, change, code, detail] of tampered) {
      test(`${what}: ${code}`, async () => {
        const files = new Map(committed);
        change(files);
        await assertRefused(verifyBundleSignature(files, devVerification()), code, detail);
      });
    }
  });

  test('a bundle signed with another key is refused, as is one naming an unknown key or scope', async () => {
    await withTempDir(async (dir) => {
      const other = await writeKeyPair(dir, 'other');
      const unsigned = new Map(committed);
      unsigned.delete('.signatures.json');
      const wrongKey = await signFiles(unsigned, { keyFile: other.privateKey, keyId: 'palisade-dev', scope: 'development' });
      await assertRefused(verifyBundleSignature(wrongKey, devVerification()), 'GW_ERR_BUNDLE_SIGNATURE_INVALID', /does not verify/);

      // With a list of keys and no pinned id, the token's keyid claim picks the key.
      const keys = resolveVerification({ keys: [{ id: 'prod-2026', public_key_file: other.publicKey, scope: 'production' }] }, '/policy/verification').verification;
      const otherKeyId = await signFiles(unsigned, { keyFile: other.privateKey, keyId: 'prod-2025', scope: 'production' });
      await assertRefused(verifyBundleSignature(otherKeyId, keys), 'GW_ERR_BUNDLE_KEY_UNKNOWN', /signed with key "prod-2025", which is not configured/);
      const noKeyId = await signFiles(unsigned, { keyFile: other.privateKey });
      await assertRefused(verifyBundleSignature(noKeyId, keys), 'GW_ERR_BUNDLE_KEY_UNKNOWN', /names no key/);

      const good = await signFiles(unsigned, { keyFile: other.privateKey, keyId: 'prod-2026', scope: 'production' });
      assert.equal((await verifyBundleSignature(good, keys)).scope, 'production');
      const staging = await signFiles(unsigned, { keyFile: other.privateKey, keyId: 'prod-2026', scope: 'staging' });
      await assertRefused(verifyBundleSignature(staging, keys), 'GW_ERR_BUNDLE_SCOPE_MISMATCH', /signed for scope "staging"; this gateway accepts scope "production"/);
      // The development bundle names the development scope; a production gateway refuses it even
      // if it were signed with the production key.
      const devScoped = await signFiles(unsigned, { keyFile: other.privateKey, keyId: 'prod-2026', scope: 'development' });
      await assertRefused(verifyBundleSignature(devScoped, keys), 'GW_ERR_BUNDLE_SCOPE_MISMATCH', /scope "development"/);
    });
  });

  test('ES256 signatures verify with an EC key, and the algorithm comes from the key, not the token', async () => {
    await withTempDir(async (dir) => {
      const ec = await writeKeyPair(dir, 'ec', 'ec');
      const unsigned = new Map(committed);
      unsigned.delete('.signatures.json');
      const signed = await signFiles(unsigned, { keyFile: ec.privateKey, keyId: 'ec-1', algorithm: 'ES256' });
      const es256 = resolveVerification({ public_key_file: ec.publicKey, key_id: 'ec-1', algorithm: 'ES256' }, '/v').verification;
      assert.equal((await verifyBundleSignature(signed, es256)).algorithm, 'ES256');
      assert.throws(
        () => resolveVerification({ public_key_file: ec.publicKey, key_id: 'ec-1' }, '/policy/verification'),
        (err: unknown) => err instanceof GatewayError && err.code === 'GW_ERR_CONFIG_INVALID' && /cannot verify RS256/.test(err.detail ?? ''),
      );
    });
  });

  test('weak file digests are refused even inside a valid signature', async () => {
    await withTempDir(async (dir) => {
      const key = await writeKeyPair(dir, 'k');
      const verification = resolveVerification({ public_key_file: key.publicKey, key_id: 'k' }, '/v').verification;
      const files = new Map([['data.json', utf8('{}')]]);
      const token = await new SignJWT({ files: [{ name: 'data.json', hash: '99914b932bd37a50b983c5e7c90ae93b', algorithm: 'MD5' }] })
        .setProtectedHeader({ alg: 'RS256' })
        .sign(createPrivateKey(await readFile(key.privateKey)));
      files.set('.signatures.json', utf8(JSON.stringify({ signatures: [token] })));
      await assertRefused(verifyBundleSignature(files, verification), 'GW_ERR_BUNDLE_SIGNATURE_INVALID', /MD5, which is too weak/);
    });
  });

  test('structured files are hashed by OPA\'s canonical JSON walk, exactly as opa sign does', async () => {
    // Numbers keep their text, keys sort by UTF-8 bytes (U+E000 sorts before U+1F600, unlike
    // UTF-16), nothing is HTML-escaped, U+2028 and control characters are escaped Go's way.
    const data =
      '\ufeff{ "z": 1.0, "a": [1e3, -0, 12345678901234567890123, 0.1],\n "\\ue000": "private use", "\\ud83d\\ude00": "astral",\n' +
      ' "html": "<a href=\\"x\\">&amp;</a>", "ctl": "tab\\tnl\\nbs\\bff\\fbell\\u0007", "sep": "a\\u2028b\\u2029c", "dup": 1, "dup": 2,\n' +
      ' "nested": {"é": true, "e": null, "E": false}, "slash": "a\\/b", "del": "\\u007f" }';
    const manifest = '{"revision": "r1", "roots": ["palisade"], "metadata": {"name": "canonical", "n": 10.50}}';
    const files = new Map<string, Uint8Array>([
      ['.manifest', utf8(manifest)],
      ['data.json', utf8(data)],
      ['nested/notes.json', utf8('{"not": "structured"}')],
      ['policy.rego', utf8('package palisade\n')],
    ]);
    const signed = await signFiles(files, DEV_SIGNING);
    const check = await verifyBundleSignature(signed, devVerification());
    assert.equal(check.files, 4);
    // Reformatting a structured file keeps its digest; the same change to another file does not.
    const reformatted = new Map(signed);
    reformatted.set('.manifest', utf8(JSON.stringify(JSON.parse(manifest)).replace('10.5', '10.50')));
    await verifyBundleSignature(reformatted, devVerification());
    const renumbered = new Map(signed);
    renumbered.set('.manifest', utf8(manifest.replace('10.50', '10.5')));
    await assertRefused(verifyBundleSignature(renumbered, devVerification()), 'GW_ERR_BUNDLE_TAMPERED', /"\.manifest": digest mismatch/);
    const respaced = new Map(signed);
    respaced.set('nested/notes.json', utf8('{"not":"structured"}'));
    await assertRefused(verifyBundleSignature(respaced, devVerification()), 'GW_ERR_BUNDLE_TAMPERED', /"nested\/notes\.json": digest mismatch/);
  });

  describe('through the engine', () => {
    const DENY_ALL = 'package palisade.request\n\ndecision := {"allow": false, "reasons": [{"code": "closed", "message": "Closed."}]}\n';

    test('an engine with verification loads signed bundles and names the key; a bad one leaves the good one in force', async () => {
      const log = captureLogger();
      const engine = createPolicyEngine({ logger: log.logger, verification: devVerification() });
      const info = await engine.load(await readCommittedBundle(), 'bundles/palisade.tar.gz');
      assert.equal(info.key_id, 'palisade-dev');
      const unsignedDenyAll = await buildFixtureBundle({ 'request.rego': DENY_ALL, 'response.rego': ALLOW_RESPONSE_REGO });
      await assertRefused(engine.load(unsignedDenyAll, 'deny-all.tar.gz'), 'GW_ERR_BUNDLE_UNSIGNED', /only signed bundles/);
      const tamperedFiles = new Map((await readBundle(await readCommittedBundle())).files);
      tamperedFiles.set('data.json', utf8('{"palisade":{}}'));
      await assertRefused(engine.load(await filesToTarGz(tamperedFiles), 'tampered.tar.gz'), 'GW_ERR_BUNDLE_TAMPERED', /digest mismatch/);
      assert.equal(engine.status().bundle?.digest, info.digest);
      assert.equal(engine.evaluate('request', decisionInput()).allow, true);
      const refusals = log.lines().filter((l) => l['msg'] === 'policy bundle refused; the active bundle stays in force').map((l) => l['err_code']);
      assert.deepEqual(refusals, ['GW_ERR_BUNDLE_UNSIGNED', 'GW_ERR_BUNDLE_TAMPERED']);
      await engine.close();
    });

    test('an unpacked, signed bundle directory loads like the archive', async () => {
      await withTempDir(async (dir) => {
        await writeBundleDirectory(join(dir, 'bundle'), committed);
        const bundle = await readBundleDirectory(join(dir, 'bundle'));
        const engine = createPolicyEngine({ logger: captureLogger().logger, verification: devVerification() });
        const info = await engine.activate(bundle, join(dir, 'bundle'));
        assert.equal(info.name, 'palisade');
        assert.match(info.digest, /^sha256:[0-9a-f]{64}$/);
        assert.deepEqual(engine.evaluate('request', decisionInput({ labels: ['PII'], entities: { US_SSN: { count: 1, max_score: 1 } } })).reasons.map((r) => r.code), ['pii_requires_pii_reader']);
        await engine.close();
      });
    });
  });
});
