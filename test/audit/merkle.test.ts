// RFC 9162 hashing and proofs against the transparency-dev/merkle golden vectors, plus exhaustive round trips and tampering.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EMPTY_ROOT,
  MerkleTree,
  leafHash,
  proveConsistency,
  proveInclusion,
  splitStoredHashIndex,
  storedHashCount,
  storedHashIndex,
  toBase64,
  toHex,
  treeHash,
  verifyConsistency,
  verifyInclusion,
} from '@palisade/audit-core';

const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  (h) => Buffer.from(h, 'hex'),
);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const b64 = (s: string): Uint8Array => Buffer.from(s, 'base64');

function goldenTree(): MerkleTree {
  const t = new MerkleTree();
  for (const leaf of LEAVES) t.appendEntry(leaf);
  return t;
}

function flipBit(h: Uint8Array, bit = 0): Uint8Array {
  const c = Uint8Array.from(h);
  c[bit >> 3]! ^= 1 << (bit & 7);
  return c;
}

describe('tree hash', () => {
  it('matches the golden root for every size 0..8', () => {
    const t = goldenTree();
    assert.equal(toHex(EMPTY_ROOT), ROOTS[0]);
    for (let n = 0; n <= 8; n++) assert.equal(toHex(t.root(n)), ROOTS[n], `size ${n}`);
  });

  it('computes the same root through treeHash with an async reader', async () => {
    const t = goldenTree();
    const root = await treeHash(7, async (ix) => t.readHashes(ix));
    assert.equal(toHex(root), ROOTS[7]);
    assert.equal(toHex(await treeHash(0, async (ix) => t.readHashes(ix))), ROOTS[0]);
  });
});

describe('stored hash index (Go sumdb/tlog layout)', () => {
  const expected: [number, number, number][] = [
    [0, 0, 0], [0, 1, 1], [1, 0, 2], [0, 2, 3], [0, 3, 4], [1, 1, 5], [2, 0, 6], [0, 4, 7],
    [0, 5, 8], [1, 2, 9], [0, 6, 10], [0, 7, 11], [1, 3, 12], [2, 1, 13], [3, 0, 14], [0, 8, 15],
  ];
  it('places the first hashes where Go does and splits them back', () => {
    for (const [level, n, index] of expected) {
      assert.equal(storedHashIndex(level, n), index, `(${level},${n})`);
      assert.deepEqual(splitStoredHashIndex(index), { level, n });
    }
  });

  it('round-trips large indexes and counts stored hashes', () => {
    for (const [level, n] of [[0, 2 ** 40 + 12345], [17, 99_999], [30, 3], [0, 2 ** 50 - 1]] as const) {
      assert.deepEqual(splitStoredHashIndex(storedHashIndex(level, n)), { level, n });
    }
    const t = new MerkleTree();
    for (let n = 1; n <= 64; n++) {
      t.appendEntry(Buffer.from([n]));
      // The next record's leaf goes right after the last stored hash.
      assert.equal(storedHashCount(n), storedHashIndex(0, n), `count ${n}`);
    }
  });
});

describe('inclusion proofs', () => {
  it('reproduces the transparency-dev happy-path vector (leaf 0 of 8)', () => {
    const proof = goldenTree().proveInclusion(0, 8);
    assert.deepEqual(proof.map(toBase64), [
      'lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=',
      'Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=',
      'a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=',
    ]);
    const root = b64('XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=');
    assert.ok(verifyInclusion(0, 8, b64('bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0='), proof, root));
  });

  it('verifies every proof for every leaf of trees up to 40 and rejects tampered ones', () => {
    const t = new MerkleTree();
    for (let i = 0; i < 40; i++) t.appendEntry(Buffer.from(`leaf ${i}`));
    for (let size = 1; size <= 40; size++) {
      const root = t.root(size);
      for (let i = 0; i < size; i++) {
        const leaf = t.leafHash(i);
        const proof = t.proveInclusion(i, size);
        assert.ok(verifyInclusion(i, size, leaf, proof, root), `${i}/${size}`);
        assert.equal(verifyInclusion(i, size, flipBit(leaf), proof, root), false);
        assert.equal(verifyInclusion(i, size, leaf, proof, flipBit(root)), false);
        // A wrong size is only detectable when it changes the shape of the path.
        for (const other of [size - 1, size + 1, 2 * size]) {
          if (other > i && other <= 40 && t.proveInclusion(i, other).length !== proof.length) {
            assert.equal(verifyInclusion(i, other, leaf, proof, root), false, `wrong size ${i}/${size} as ${other}`);
          }
        }
        if (i + 1 < size) assert.equal(verifyInclusion(i + 1, size, leaf, proof, root), false, `wrong index ${i}/${size}`);
        if (proof.length > 0) {
          assert.equal(verifyInclusion(i, size, leaf, proof.slice(0, -1), root), false, 'truncated');
          assert.equal(verifyInclusion(i, size, leaf, [...proof, root], root), false, 'extended');
          for (let k = 0; k < proof.length; k++) {
            const bad = proof.map((p, j) => (j === k ? flipBit(p, 77) : p));
            assert.equal(verifyInclusion(i, size, leaf, bad, root), false, `flipped element ${k}`);
          }
        }
      }
    }
  });

  it('refuses indexes outside the tree', () => {
    const t = goldenTree();
    assert.throws(() => t.proveInclusion(8, 8), { code: 'CORE_ERR_TREE_RANGE' });
    assert.throws(() => proveInclusion(0, 0, t.readHashes), { code: 'CORE_ERR_TREE_RANGE' });
    assert.equal(verifyInclusion(8, 8, leafHash(LEAVES[0]!), [], t.root()), false);
    assert.equal(verifyInclusion(0, 0, leafHash(LEAVES[0]!), [], EMPTY_ROOT), false);
  });
});

describe('consistency proofs', () => {
  it('reproduces the transparency-dev happy-path vector (6 -> 8)', () => {
    const t = goldenTree();
    const proof = t.proveConsistency(6, 8);
    assert.deepEqual(proof.map(toBase64), [
      'DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=',
      'yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=',
      '037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc=',
    ]);
    const root1 = b64('duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8=');
    const root2 = b64('XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=');
    assert.ok(verifyConsistency(6, 8, root1, root2, proof));
    assert.equal(verifyConsistency(6, 8, root2, root1, proof), false, 'swapped roots');
  });

  it('verifies every pair up to 40 and rejects tampered proofs', () => {
    const t = new MerkleTree();
    for (let i = 0; i < 40; i++) t.appendEntry(Buffer.from(`leaf ${i}`));
    for (let n = 1; n <= 40; n++) {
      const rootN = t.root(n);
      for (let m = 1; m <= n; m++) {
        const rootM = t.root(m);
        const proof = t.proveConsistency(m, n);
        assert.ok(verifyConsistency(m, n, rootM, rootN, proof), `${m}->${n}`);
        if (m === n) {
          assert.equal(proof.length, 0);
          assert.equal(verifyConsistency(m, n, rootM, flipBit(rootN), proof), false);
          continue;
        }
        assert.equal(verifyConsistency(m, n, flipBit(rootM), rootN, proof), false);
        assert.equal(verifyConsistency(m, n, rootM, flipBit(rootN), proof), false);
        assert.equal(verifyConsistency(m, n, rootM, rootN, []), false, 'empty proof');
        assert.equal(verifyConsistency(m, n, rootM, rootN, proof.slice(0, -1)), false, 'truncated');
        // A wrong size is only detectable when it changes the shape of the proof.
        for (const [m2, n2] of [[m, n + 1], [m, n - 1], [m - 1, n], [m + 1, n]] as const) {
          if (m2 >= 1 && m2 < n2 && n2 <= 40 && t.proveConsistency(m2, n2).length !== proof.length) {
            assert.equal(verifyConsistency(m2, n2, rootM, rootN, proof), false, `${m}->${n} as ${m2}->${n2}`);
          }
        }
        for (let k = 0; k < proof.length; k++) {
          const bad = proof.map((p, j) => (j === k ? flipBit(p, 200) : p));
          assert.equal(verifyConsistency(m, n, rootM, rootN, bad), false, `flipped element ${k} ${m}->${n}`);
        }
      }
    }
  });

  it('treats size 0 and shrinking trees as invalid', () => {
    const t = goldenTree();
    assert.throws(() => proveConsistency(0, 8, t.readHashes), { code: 'CORE_ERR_TREE_RANGE' });
    assert.throws(() => proveConsistency(5, 4, t.readHashes), { code: 'CORE_ERR_TREE_RANGE' });
    assert.equal(verifyConsistency(0, 8, EMPTY_ROOT, t.root(), []), false);
    assert.equal(verifyConsistency(8, 4, t.root(), t.root(4), []), false);
  });
});

describe('async readers', () => {
  it('give the same proofs as sync readers and are called once per proof', async () => {
    const t = new MerkleTree();
    for (let i = 0; i < 300; i++) t.appendEntry(Buffer.from(`e${i}`));
    let calls = 0;
    const read = async (ix: readonly number[]): Promise<Uint8Array[]> => {
      calls++;
      return t.readHashes(ix);
    };
    assert.deepEqual(await proveInclusion(123, 300, read), t.proveInclusion(123, 300));
    assert.deepEqual(await proveConsistency(77, 300, read), t.proveConsistency(77, 300));
    assert.equal(calls, 2);
  });

  it('rejects a reader that returns the wrong number of hashes', () => {
    const t = goldenTree();
    assert.throws(() => proveInclusion(3, 8, (ix) => t.readHashes(ix).slice(1)), { code: 'CORE_ERR_HASH_READER' });
  });
});
