// C2SP tlog-tiles geometry: paths, entry bundles, and the tiled frontier agreeing with the plain Merkle tree.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MerkleTree,
  TileFrontier,
  decodeEntryBundle,
  decodeTile,
  encodeEntryBundle,
  encodeTile,
  entriesPath,
  leafHash,
  locateStoredHash,
  perfectSubtreeHash,
  storedHashIndex,
  tileCounts,
  tilePath,
  toHex,
  type TileHashes,
} from '@palisade/audit-core';

describe('tile paths', () => {
  it('encodes indexes as x-prefixed three-digit groups', () => {
    assert.equal(tilePath(0, 0), 'tile/0/000');
    assert.equal(tilePath(0, 5, 17), 'tile/0/005.p/17');
    assert.equal(tilePath(1, 999), 'tile/1/999');
    assert.equal(tilePath(1, 1000), 'tile/1/x001/000');
    assert.equal(tilePath(2, 1234067), 'tile/2/x001/x234/067');
    assert.equal(tilePath(0, 1234067, 256), 'tile/0/x001/x234/067');
    assert.equal(entriesPath(1234067, 1), 'tile/entries/x001/x234/067.p/1');
    assert.equal(entriesPath(3), 'tile/entries/003');
  });

  it('refuses impossible coordinates', () => {
    assert.throws(() => tilePath(64, 0), { code: 'CORE_ERR_TILE_COORDINATES' });
    assert.throws(() => tilePath(0, -1), { code: 'CORE_ERR_TILE_COORDINATES' });
    assert.throws(() => tilePath(0, 1, 0), { code: 'CORE_ERR_TILE_COORDINATES' });
    assert.throws(() => entriesPath(1, 257), { code: 'CORE_ERR_TILE_COORDINATES' });
  });

  it('counts full and partial tiles as the spec example does (size 70,000)', () => {
    assert.deepEqual(tileCounts(70_000, 0), { full: 273, partialWidth: 112 });
    assert.deepEqual(tileCounts(70_000, 1), { full: 1, partialWidth: 17 });
    assert.deepEqual(tileCounts(70_000, 2), { full: 0, partialWidth: 1 });
    assert.deepEqual(tileCounts(70_000, 3), { full: 0, partialWidth: 0 });
  });
});

describe('entry bundles', () => {
  it('round-trips entries with big-endian uint16 length prefixes', () => {
    const entries = [Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(300, 9), Buffer.alloc(65535, 1)];
    const bundle = encodeEntryBundle(entries);
    assert.deepEqual([...bundle.subarray(0, 3)], [0x00, 0x01, 0x61]);
    assert.deepEqual([...bundle.subarray(5, 7)], [0x01, 0x2c]);
    assert.deepEqual(decodeEntryBundle(bundle).map((e) => Buffer.from(e).toString('hex')), entries.map((e) => e.toString('hex')));
  });

  it('refuses oversized entries and names where a bundle breaks', () => {
    assert.throws(() => encodeEntryBundle([Buffer.alloc(1), Buffer.alloc(65536)]), { code: 'CORE_ERR_ENTRY_TOO_LARGE', data: { entry: 1, bytes: 65536 } });
    const bundle = encodeEntryBundle([Buffer.from('one'), Buffer.from('two'), Buffer.from('three')]);
    assert.throws(() => decodeEntryBundle(bundle.subarray(0, bundle.length - 1)), { code: 'CORE_ERR_BUNDLE_MALFORMED', data: { entry: 2, offset: 10 } });
    assert.throws(() => decodeEntryBundle(bundle.subarray(0, 11)), { code: 'CORE_ERR_BUNDLE_MALFORMED', data: { entry: 2, offset: 10 } });
  });

  it('encodes and decodes tiles as concatenated hashes', () => {
    const hashes = [leafHash(Buffer.from('x')), leafHash(Buffer.from('y'))];
    const tile = encodeTile(hashes);
    assert.equal(tile.length, 64);
    assert.deepEqual(decodeTile(tile).map(toHex), hashes.map(toHex));
    assert.throws(() => decodeTile(tile.subarray(0, 63)), { code: 'CORE_ERR_TILE_COORDINATES' });
  });
});

describe('tile frontier', () => {
  it('has the same root as the Merkle tree at every size, across tile boundaries', () => {
    const tree = new MerkleTree();
    const frontier = TileFrontier.empty();
    const full: TileHashes[] = [];
    const sizes = new Set([1, 2, 3, 255, 256, 257, 511, 512, 513, 65535, 65536, 65537, 70_000]);
    for (let i = 0; i < 70_000; i++) {
      const h = leafHash(Buffer.from(`entry ${i}`));
      tree.append(h);
      frontier.push(h, (t) => full.push(t));
      if (sizes.has(i + 1)) assert.equal(toHex(frontier.root()), toHex(tree.root()), `size ${i + 1}`);
    }
    // 273 level-0 tiles and one level-1 tile completed, as in the spec's example.
    assert.equal(full.filter((t) => t.level === 0).length, 273);
    assert.deepEqual(full.filter((t) => t.level === 1).map((t) => t.index), [0]);
    assert.deepEqual(frontier.partials().map((p) => [p.level, p.index, p.hashes.length]), [[0, 273, 112], [1, 1, 17], [2, 0, 1]]);

    // A level-1 hash is the MTH of the level-0 tile below it, which is a stored hash at Merkle level 8.
    const level1 = full.find((t) => t.level === 1)!;
    assert.equal(toHex(level1.hashes[5]!), toHex(tree.readHashes([storedHashIndex(8, 5)])[0]!));
    assert.equal(toHex(perfectSubtreeHash(full[5]!.hashes)), toHex(level1.hashes[5]!));

    const rebuilt = TileFrontier.fromPartials(70_000, [frontier.partial(0), frontier.partial(1), frontier.partial(2)]);
    assert.equal(toHex(rebuilt.root()), toHex(tree.root()));
    assert.throws(() => TileFrontier.fromPartials(70_001, [frontier.partial(0)]), { code: 'CORE_ERR_TILE_COORDINATES' });
  });

  it('locates every stored hash in the tile that can rebuild it', () => {
    assert.deepEqual(locateStoredHash(storedHashIndex(0, 300)), { tileLevel: 0, tileIndex: 1, start: 44, count: 1 });
    assert.deepEqual(locateStoredHash(storedHashIndex(3, 40)), { tileLevel: 0, tileIndex: 1, start: 64, count: 8 });
    assert.deepEqual(locateStoredHash(storedHashIndex(8, 300)), { tileLevel: 1, tileIndex: 1, start: 44, count: 1 });
    assert.deepEqual(locateStoredHash(storedHashIndex(15, 1)), { tileLevel: 1, tileIndex: 0, start: 128, count: 128 });
  });

  it('clones independently', () => {
    const a = TileFrontier.empty();
    a.push(leafHash(Buffer.from('1')));
    const b = a.clone();
    b.push(leafHash(Buffer.from('2')));
    assert.equal(a.size, 1);
    assert.equal(b.size, 2);
    assert.equal(a.partial(0).length, 1);
  });
});
