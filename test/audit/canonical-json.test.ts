// RFC 8785 canonical JSON: the RFC's own examples for key order, numbers and strings, and refusals.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalBytes, canonicalJson, isCanonicalJson } from '@palisade/audit-core';

describe('canonicalJson', () => {
  it('reproduces the RFC 8785 §3.2.2 example', () => {
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`;
    assert.equal(
      canonicalJson(JSON.parse(input)),
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const input = JSON.parse(String.raw`{
      "\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"
    }`);
    const keys = Object.keys(JSON.parse(canonicalJson(input)) as Record<string, unknown>);
    // Object.keys puts the integer-like "1" first regardless, so compare the serialised order instead.
    const order = [...canonicalJson(input).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    assert.deepEqual(order, ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
    assert.equal(keys.length, 7);
  });

  it('writes numbers as ECMAScript does (RFC 8785 Appendix B)', () => {
    const cases: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, want] of cases) {
      const n = Buffer.from(bits, 'hex').readDoubleBE(0);
      assert.equal(canonicalJson(n), want, bits);
      assert.equal(canonicalJson([n]), `[${want}]`, bits);
    }
  });

  it('omits undefined members like JSON.stringify and nulls them in arrays', () => {
    assert.equal(canonicalJson({ b: undefined, a: 1, c: [undefined, () => 1] }), '{"a":1,"c":[null,null]}');
    assert.equal(canonicalJson({ when: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)) }), '{"when":"2026-01-02T03:04:05.678Z"}');
    assert.equal(canonicalJson({ z: { y: { x: 'nested' } }, a: [] }), '{"a":[],"z":{"y":{"x":"nested"}}}');
  });

  it('refuses values with no I-JSON form, with a code', () => {
    for (const bad of [NaN, Infinity, -Infinity, { a: [1, Number.NaN] }, 10n, '\ud800', { '\udc00': 1 }, undefined]) {
      assert.throws(() => canonicalJson(bad), { code: 'CORE_ERR_NOT_CANONICALIZABLE' }, String(bad));
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => canonicalJson(cyclic), { code: 'CORE_ERR_NOT_CANONICALIZABLE' });
  });

  it('gives UTF-8 bytes', () => {
    assert.deepEqual([...canonicalBytes({ e: '€' })], [...Buffer.from('{"e":"€"}', 'utf8')]);
  });
});

describe('isCanonicalJson', () => {
  it('agrees with canonicalJson, including key orders objects do not keep and escaped surrogates', () => {
    const cases = [
      '{"a":1,"b":[true,null,"x"]}',
      '{"b":1,"a":2}',
      '{"10":1,"9":2}',
      '{"a":1.0}',
      '{"a":1e21}',
      '{"a":1e+21}',
      '{"a":"\\u00e9"}',
      '{"a":"é"}',
      '{"a":"\\ud800"}',
      '{"a":1,"a":2}',
      '{"a": 1}',
      '[{"z":{"y":1,"x":2}}]',
    ];
    for (const text of cases) {
      const value: unknown = JSON.parse(text);
      let expected: boolean;
      try {
        expected = canonicalJson(value) === text;
      } catch {
        expected = false;
      }
      assert.equal(isCanonicalJson(text, value), expected, text);
    }
    assert.equal(isCanonicalJson('{"10":1,"9":2}', JSON.parse('{"10":1,"9":2}')), true);
  });
});
