// Reading bundle archives: what opa builds is accepted; corrupt, oversized or unsafe archives are
// refused with GW_ERR_BUNDLE_INVALID and a detail that says why.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { GatewayError } from '../../gateway/src/errors.js';
import { readBundle, type BundleLimits } from '../../gateway/src/policy/index.js';
import { bundleEntries, makeTarGz, readCommittedBundle, type TarEntry } from './support.js';

const MANIFEST = JSON.stringify({ revision: 'r1', roots: [''], wasm: [{ entrypoint: 'palisade/request/decision', module: '/policy.wasm' }] });
const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

function minimal(extra: TarEntry[] = [], without: string[] = []): TarEntry[] {
  const base: TarEntry[] = [
    { name: '/.manifest', body: MANIFEST },
    { name: '/policy.wasm', body: WASM },
    { name: '/data.json', body: '{}' },
  ];
  return [...base.filter((e) => !without.includes(e.name)), ...extra];
}

async function assertRefused(archive: Uint8Array, detail: RegExp, limits?: Partial<BundleLimits>): Promise<void> {
  await assert.rejects(readBundle(archive, limits), (err: unknown) => {
    assert.ok(err instanceof GatewayError, `expected a GatewayError, got ${String(err)}`);
    assert.equal(err.code, 'GW_ERR_BUNDLE_INVALID');
    assert.match(err.detail ?? '', detail);
    return true;
  });
}

describe('readBundle', () => {
  test('reads the committed bundle as opa built it', async () => {
    const archive = await readCommittedBundle();
    const bundle = await readBundle(archive);
    assert.equal(bundle.digest, `sha256:${createHash('sha256').update(archive).digest('hex')}`);
    assert.match(bundle.manifest.revision, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(bundle.manifest.roots, ['palisade']);
    assert.deepEqual(bundle.manifest.wasm.map((w) => w.entrypoint).sort(), ['palisade/request/decision', 'palisade/response/decision']);
    assert.deepEqual(bundle.data, {});
    assert.deepEqual([...bundle.wasm.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d]);
    assert.ok(bundle.files.has('request/decision.rego'));
    assert.equal(bundle.compressedBytes, archive.byteLength);
    assert.ok(bundle.uncompressedBytes > bundle.wasm.byteLength);
  });

  test('reads data.json as the data document', async () => {
    const archive = await makeTarGz(minimal([{ name: '/data.json', body: '{"palisade":{"tiers":["gold"]}}' }], ['/data.json']));
    assert.deepEqual((await readBundle(archive)).data, { palisade: { tiers: ['gold'] } });
  });

  test('refuses bytes that are not gzip', async () => {
    await assertRefused(Buffer.from('this is not a bundle'), /not valid gzip/);
  });

  test('refuses a truncated gzip stream', async () => {
    const archive = await readCommittedBundle();
    await assertRefused(archive.subarray(0, Math.floor(archive.byteLength / 2)), /not valid gzip/);
  });

  test('refuses a gzip of something that is not tar', async () => {
    await assertRefused(gzipSync(Buffer.alloc(2048, 0x41)), /not a valid tar/);
  });

  test('refuses an archive larger than the compressed limit', async () => {
    const archive = await readCommittedBundle();
    await assertRefused(archive, /limit is 1024/, { maxCompressedBytes: 1024 });
  });

  test('refuses an archive that unpacks past the uncompressed limit (gzip bomb)', async () => {
    const bomb = await makeTarGz(minimal([{ name: '/zeros.bin', body: new Uint8Array(8 * 1024 * 1024) }]));
    assert.ok(bomb.byteLength < 64 * 1024, 'the fixture compresses well');
    await assertRefused(bomb, /unpacks to more than 1048576 bytes/, { maxUncompressedBytes: 1024 * 1024 });
  });

  test('refuses an archive with too many files', async () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ name: `/f${i}.rego`, body: 'package x' }));
    await assertRefused(await makeTarGz(minimal(many)), /more than 6 files/, { maxFiles: 6 });
  });

  for (const name of ['/../etc/passwd', '/a/../../b', 'a//b', '/./x']) {
    test(`refuses the path ${name}`, async () => {
      await assertRefused(await makeTarGz(minimal([{ name, body: 'x' }])), /unsafe path/);
    });
  }

  test('refuses links', async () => {
    const archive = await makeTarGz(minimal([{ name: '/evil', type: 'symlink', linkname: '/etc/passwd' }]));
    await assertRefused(archive, /is a symlink; bundles hold regular files only/);
  });

  test('refuses a file listed twice', async () => {
    await assertRefused(await makeTarGz(minimal([{ name: 'policy.wasm', body: WASM }])), /holds "policy.wasm" twice/);
  });

  test('refuses a bundle without .manifest', async () => {
    await assertRefused(await makeTarGz(minimal([], ['/.manifest'])), /no \.manifest/);
  });

  test('refuses a bundle without policy.wasm', async () => {
    await assertRefused(await makeTarGz(minimal([], ['/policy.wasm'])), /no \/policy\.wasm/);
  });

  test('refuses a manifest that is not JSON or has wrongly typed fields', async () => {
    const notJson = minimal([{ name: '/.manifest', body: '{revision:' }], ['/.manifest']);
    await assertRefused(await makeTarGz(notJson), /\.manifest is not valid JSON/);
    const badRoots = minimal([{ name: '/.manifest', body: '{"roots":"palisade"}' }], ['/.manifest']);
    await assertRefused(await makeTarGz(badRoots), /"roots" must be an array of strings/);
  });

  test('refuses data.json that is not JSON, or not an object', async () => {
    await assertRefused(await makeTarGz(minimal([{ name: '/data.json', body: '{"a":' }], ['/data.json'])), /data\.json is not valid JSON/);
    await assertRefused(await makeTarGz(minimal([{ name: '/data.json', body: '[1,2]' }], ['/data.json'])), /data\.json must hold a JSON object/);
  });

  test('refuses data files outside the bundle root, which a WASM bundle would ignore', async () => {
    await assertRefused(await makeTarGz(minimal([{ name: '/palisade/data.json', body: '{}' }])), /keeps all its data in \/data\.json/);
  });

  test('accepts a repacked copy of the committed bundle and gives it its own digest', async () => {
    const entries = await bundleEntries(await readCommittedBundle());
    const repacked = await makeTarGz(entries);
    const bundle = await readBundle(repacked);
    assert.equal(bundle.digest, `sha256:${createHash('sha256').update(repacked).digest('hex')}`);
    assert.equal(bundle.files.size, entries.length);
  });
});
