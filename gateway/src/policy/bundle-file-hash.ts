// Digests bundle files exactly as OPA's `opa sign` does (v1/bundle/hash.go), so signatures made by
// the real opa verify here: structured documents (data.json, .manifest) are hashed as a canonical
// JSON walk that keeps each number's literal text, every other file as its raw bytes.
import { createHash, type Hash } from 'node:crypto';

/** OPA's names for the digests it may list; MD5 and SHA-1 are refused as too weak to trust. */
const ALGORITHMS: Readonly<Record<string, string>> = Object.freeze({
  'SHA-224': 'sha224',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
  'SHA-512-224': 'sha512-224',
  'SHA-512-256': 'sha512-256',
});

export const WEAK_ALGORITHMS: readonly string[] = Object.freeze(['MD5', 'SHA-1']);

export function isSupportedHashAlgorithm(name: string): boolean {
  return Object.hasOwn(ALGORITHMS, name);
}

/** OPA treats these base names as JSON documents (`IsStructuredDoc`); YAML data is refused earlier. */
export function isStructuredDoc(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base === 'data.json' || base === '.manifest' || base === 'data.yaml' || base === 'data.yml';
}

export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
}

/** The JSON tree with numbers kept as their source text, as Go's decoder with UseNumber keeps them. */
type Node =
  | { t: 'obj'; entries: Map<string, Node> }
  | { t: 'arr'; items: Node[] }
  | { t: 'str'; v: string }
  | { t: 'num'; raw: string }
  | { t: 'lit'; raw: 'true' | 'false' | 'null' };

/** Go's decoder refuses deeper nesting too. */
const MAX_DEPTH = 10_000;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseDocument(): Node {
    this.ws();
    const value = this.value(0);
    this.ws();
    if (this.pos !== this.text.length) this.fail('unexpected content after the top-level value');
    return value;
  }

  private fail(what: string): never {
    throw new CanonicalJsonError(`${what} at offset ${this.pos}`);
  }

  private ws(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.exec(this.text);
    this.pos = WHITESPACE.lastIndex;
  }

  private value(depth: number): Node {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return { t: 'str', v: this.string() };
    for (const raw of ['true', 'false', 'null'] as const) {
      if (this.text.startsWith(raw, this.pos)) {
        this.pos += raw.length;
        return { t: 'lit', raw };
      }
    }
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) this.fail('invalid JSON value');
    this.pos = NUMBER.lastIndex;
    return { t: 'num', raw: m[0] };
  }

  private object(depth: number): Node {
    this.pos++;
    const entries = new Map<string, Node>();
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { t: 'obj', entries };
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.fail('expected a string key');
      const key = this.string();
      this.ws();
      if (this.text[this.pos] !== ':') this.fail('expected ":"');
      this.pos++;
      this.ws();
      // Go decodes into a map, so a repeated key keeps its last value.
      entries.delete(key);
      entries.set(key, this.value(depth + 1));
      this.ws();
      const c = this.text[this.pos++];
      if (c === '}') return { t: 'obj', entries };
      if (c !== ',') this.fail('expected "," or "}"');
    }
  }

  private array(depth: number): Node {
    this.pos++;
    const items: Node[] = [];
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { t: 'arr', items };
    }
    for (;;) {
      this.ws();
      items.push(this.value(depth + 1));
      this.ws();
      const c = this.text[this.pos++];
      if (c === ']') return { t: 'arr', items };
      if (c !== ',') this.fail('expected "," or "]"');
    }
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const code = this.text.charCodeAt(this.pos);
      if (Number.isNaN(code)) this.fail('unterminated string');
      if (code === 0x22) break;
      if (code < 0x20) this.fail('control character in string');
      this.pos += code === 0x5c ? 2 : 1;
    }
    this.pos++;
    // The token is well-formed JSON string syntax by now except for escapes, which JSON.parse checks.
    try {
      return JSON.parse(this.text.slice(start, this.pos)) as string;
    } catch {
      this.fail('invalid string escape');
    }
  }
}

const HEX = '0123456789abcdef';

/**
 * Go's json.Encoder with SetEscapeHTML(false): `"` and `\` escaped, \b \f \n \r \t short forms,
 * other controls as \u00xx, U+2028 and U+2029 escaped, everything else raw UTF-8. Strings reach
 * here as valid Unicode except lone surrogates, which Go's decoder has already turned into U+FFFD.
 */
function encodeString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x22) out += '\\"';
    else if (cp === 0x5c) out += '\\\\';
    else if (cp < 0x20) {
      if (cp === 0x08) out += '\\b';
      else if (cp === 0x0c) out += '\\f';
      else if (cp === 0x0a) out += '\\n';
      else if (cp === 0x0d) out += '\\r';
      else if (cp === 0x09) out += '\\t';
      else out += `\\u00${HEX[cp >> 4]}${HEX[cp & 0xf]}`;
    } else if (cp === 0x2028) out += '\\u2028';
    else if (cp === 0x2029) out += '\\u2029';
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

/** Go sorts map keys by their UTF-8 bytes; JavaScript's default sort compares UTF-16 units. */
function byUtf8(a: [Buffer, string], b: [Buffer, string]): number {
  return Buffer.compare(a[0], b[0]);
}

function walk(node: Node, h: Hash): void {
  switch (node.t) {
    case 'obj': {
      h.update('{');
      const keys = [...node.entries.keys()].map((k): [Buffer, string] => [Buffer.from(k.replace(/[\ud800-\udfff]/gu, '\ufffd'), 'utf8'), k]);
      keys.sort(byUtf8);
      keys.forEach(([, key], i) => {
        if (i > 0) h.update(',');
        h.update(encodeString(key), 'utf8');
        h.update(':');
        walk(node.entries.get(key)!, h);
      });
      h.update('}');
      return;
    }
    case 'arr':
      h.update('[');
      node.items.forEach((item, i) => {
        if (i > 0) h.update(',');
        walk(item, h);
      });
      h.update(']');
      return;
    case 'str':
      h.update(encodeString(node.v), 'utf8');
      return;
    case 'num':
    case 'lit':
      h.update(node.raw);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function parseStructured(bytes: Uint8Array): Node {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (err) {
    throw new CanonicalJsonError('not valid UTF-8', { cause: err });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return new Parser(text).parseDocument();
}

/**
 * The lowercase hex digest OPA lists for `path`. Throws CanonicalJsonError for a structured
 * document that is not JSON (OPA would try YAML; WASM bundles never hold YAML).
 */
export function bundleFileDigest(path: string, bytes: Uint8Array, algorithm: string): string {
  const nodeAlgorithm = ALGORITHMS[algorithm];
  if (nodeAlgorithm === undefined) throw new CanonicalJsonError(`unsupported hash algorithm ${algorithm}`);
  const h = createHash(nodeAlgorithm);
  if (isStructuredDoc(path)) walk(parseStructured(bytes), h);
  else h.update(bytes);
  return h.digest('hex');
}
