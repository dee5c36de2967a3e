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

/** RFC 8785 written the plain way, one value at a time, to check canonicalJson's quicker way against. */
function plainCanonical(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (Array.isArray(value)) return `[${value.map((v) => plainCanonical(v) ?? 'null').join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.keys(value)
      .sort()
      .flatMap((k) => {
        const v = plainCanonical((value as Record<string, unknown>)[k]);
        return v === undefined ? [] : [`${JSON.stringify(k)}:${v}`];
      });
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A small deterministic generator, so a failure names a value that can be made again. */
function randomValues(seed: number, count: number): unknown[] {
  let state = seed;
  const next = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    // The high bits: the low ones of this generator repeat with a short period.
    return Math.floor((state / 2147483648) * n);
  };
  const keys = ['a', 'b', 'B', 'aa', '', 'é', '😀', '\u0000', '"', '10', '9', '0', '01', '__proto__', 'constructor', 'z\n'];
  const strings = ['', 'x', 'line\nbreak', 'tab\t', '\u0001\u001f', 'quote"back\\slash', 'é€😀', '\u2028', '</script>', 'ud800'];
  const numbers = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 5e-324, 123456789.125, -(2 ** 53), 333333333.3333333];
  const make = (depth: number): unknown => {
    const kind = next(depth > 3 ? 5 : 8);
    if (kind === 0) return numbers[next(numbers.length)];
    if (kind === 1) return strings[next(strings.length)];
    if (kind === 2) return next(2) === 0;
    if (kind === 3) return null;
    if (kind === 4) return next(4) === 0 ? undefined : 'u';
    if (kind === 5) return Array.from({ length: next(4) }, () => make(depth + 1));
    // fromEntries adds `__proto__` as an ordinary key, as JSON.parse does.
    return Object.fromEntries(Array.from({ length: next(6) }, () => [keys[next(keys.length)], make(depth + 1)]));
  };
  return Array.from({ length: count }, () => make(0));
}

describe('canonicalJson on generated values', () => {
  it('writes what RFC 8785 written the plain way writes, for 2,000 values with awkward keys, numbers and strings', () => {
    for (const value of randomValues(20261208, 2000)) {
      const expected = plainCanonical(value);
      if (expected === undefined) continue;
      assert.equal(canonicalJson(value), expected, JSON.stringify(value));
    }
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
