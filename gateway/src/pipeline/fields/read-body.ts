// Reads a request body against its API's field table in one pass: every value is checked for its
// shape and range, every key not in the table is refused (or classified, where configuration
// says so), and every string the provider could receive as words is collected as a slot with the
// path it was found at. Messages name the path, never the value: they end up in audit records.
import { GatewayError } from '../../errors.js';
import type { ContentKind, Spec, TextSource } from './spec.js';

export type Path = readonly (string | number)[];

/** One string of the body that is classified, and where it sits. */
export interface Slot {
  path: Path;
  text: string;
  /** The string holds JSON (tool arguments); a rewrite must keep it parseable. */
  json: boolean;
  /** The string is a key of free-form JSON (a schema's property name, a metadata key). */
  key: boolean;
  /** A number of free-form JSON (tool input), read as its digits; a rewrite cannot stay a number. */
  number?: boolean;
  source: TextSource;
  /**
   * A decoded view of another slot (a percent-encoded URL), classified but never written back:
   * redaction cannot reach into the encoding, so a match here that redaction targets refuses.
   */
  view?: boolean;
  /** Part of the prompt's words (message content, instructions, tool arguments and results), as sizes and content commitments count them. */
  prompt: boolean;
  /** The table's name for the position, indices as `*` (e.g. `tools.*.function.description`); never holds caller keys. */
  field: string;
}

export interface BodyReading {
  slots: Slot[];
  kinds: Set<ContentKind>;
}

export interface ReadOptions {
  /** `classify` treats a field the table does not list as free-form JSON instead of refusing it. */
  unknownFields: 'refuse' | 'classify';
}

/** Shorter numbers are no identifier any recognizer knows (the shortest, a ZIP code, has five digits). */
const MIN_NUMBER_DIGITS = 5;
/** Free-form JSON deeper than this is refused: no schema or metadata a person writes needs more. */
const MAX_FREE_DEPTH = 64;
const BASE64 = /^[A-Za-z0-9+/=_\-\s]*$/;
const DATA_URL = /^data:[a-z0-9.+-]+\/[a-z0-9.+-]+(;[a-z0-9=._-]+)*;base64,/i;

/** The URL with its percent-escapes (and `+` in a query) decoded, when that changes it. */
function percentDecoded(url: string): string | undefined {
  if (!url.includes('%') && !url.includes('+')) return undefined;
  try {
    const decoded = decodeURIComponent(url.replace(/\+/g, ' '));
    return decoded === url ? undefined : decoded;
  } catch {
    // Malformed escapes: the raw URL is all there is to read.
    return undefined;
  }
}

export function pathString(path: Path): string {
  return path.length === 0 ? 'the body' : path.join('.');
}

function bad(path: Path, detail: string): GatewayError {
  return new GatewayError('GW_ERR_BAD_REQUEST', { detail: `"${pathString(path)}" ${detail}` });
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** The JSON types a spec accepts, for choosing among alternatives and for messages. */
function typesOf(spec: Spec): readonly string[] {
  switch (spec.k) {
    case 'text':
    case 'enum':
    case 'opaque':
    case 'binary':
    case 'url':
      return ['string'];
    case 'num':
      return ['number'];
    case 'bool':
      return ['boolean'];
    case 'null':
      return ['null'];
    case 'obj':
    case 'tagged':
      return ['object'];
    case 'arr':
      return ['array'];
    case 'either':
      return [...new Set(spec.of.flatMap(typesOf))];
    case 'kind':
    case 'source':
      return typesOf(spec.inner);
    case 'free':
    case 'refuse':
      return ['*'];
  }
}

const TYPE_WORDS: Record<string, string> = { string: 'a string', number: 'a number', boolean: 'a boolean', null: 'null', object: 'an object', array: 'an array' };

function expected(spec: Spec): string {
  return typesOf(spec).map((t) => TYPE_WORDS[t] ?? t).join(' or ');
}

/** Fields whose strings are the prompt's words; names, ids, schemas and parameters are not. */
const PROMPT_FIELD = /^(system|instructions|input|prediction|messages\.\*\.content|input\.\*\.(content|output|arguments|input|summary|text))(\.|$)|\.(content|text|arguments|thinking|refusal)$|^messages\.\*\.(tool_calls|function_call)\./;

function isPromptField(field: string): boolean {
  return PROMPT_FIELD.test(field) && !/\.(name|id|type|call_id|tool_use_id|tool_call_id|signature|source|title|url)$/.test(field);
}

function fieldOf(path: Path): string {
  return path.map((p) => (typeof p === 'number' ? '*' : p)).join('.');
}

export function readBody(body: unknown, spec: Spec, options: ReadOptions): BodyReading {
  const out: BodyReading = { slots: [], kinds: new Set() };

  const addText = (path: Path, value: string, source: TextSource, json: boolean, key: boolean, field: string): void => {
    out.slots.push({ path, text: value, json, key, source, field, prompt: !key && isPromptField(field) });
  };

  // `path` is one array pushed and popped along the walk; a slot keeps a copy.
  function walkFree(value: unknown, path: (string | number)[], source: TextSource, field: string, depth: number): void {
    if (depth > MAX_FREE_DEPTH) throw bad(path, `nests deeper than ${MAX_FREE_DEPTH} levels.`);
    if (typeof value === 'string') addText([...path], value, source, false, false, field);
    else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        walkFree(value[i], path, source, field, depth + 1);
        path.pop();
      }
    } else if (value !== null && typeof value === 'object') {
      for (const k in value) {
        if (!Object.hasOwn(value, k)) continue;
        path.push(k);
        addText([...path], k, source, false, true, field);
        walkFree((value as Record<string, unknown>)[k], path, source, field, depth + 1);
        path.pop();
      }
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new GatewayError('GW_ERR_PARAM_OUT_OF_RANGE', { detail: `"${pathString(path)}" holds a number out of range.` });
      // A card or account number sent as a JSON number leaves as digits all the same.
      const digits = String(value);
      if (digits.length >= MIN_NUMBER_DIGITS) out.slots.push({ path: [...path], text: digits, json: false, key: false, number: true, source, field, prompt: false });
    }
  }

  function walkObject(value: Record<string, unknown>, fields: Readonly<Record<string, Spec>>, required: readonly string[], path: (string | number)[], source: TextSource, tag?: string): void {
    for (const name of required) if (value[name] === undefined) throw bad([...path, name], 'is required.');
    for (const k in value) {
      if (k === tag || !Object.hasOwn(value, k)) continue;
      const v = value[k];
      const child = Object.hasOwn(fields, k) ? fields[k] : undefined;
      path.push(k);
      if (child !== undefined) walk(v, child, path, source);
      else if (options.unknownFields === 'classify') walkFree(v, path, source, fieldOf(path), 0);
      else throw new GatewayError('GW_ERR_UNKNOWN_FIELD', { detail: `"${pathString(path)}" is not a field the gateway accepts here.` });
      path.pop();
    }
  }

  function walk(value: unknown, s: Spec, path: (string | number)[], source: TextSource): void {
    switch (s.k) {
      case 'text':
        if (typeof value !== 'string') throw bad(path, `must be ${expected(s)}.`);
        addText([...path], value, source, s.json === true, false, fieldOf(path));
        return;
      case 'free':
        walkFree(value, path, source, fieldOf(path), 0);
        return;
      case 'enum':
        if (typeof value !== 'string' || !s.values.has(value)) throw bad(path, `must be one of: ${[...s.values].join(', ')}.`);
        return;
      case 'num': {
        if (typeof value !== 'number') throw bad(path, `must be ${expected(s)}.`);
        if (!Number.isFinite(value) || value < s.min || value > s.max || (s.int && !Number.isInteger(value))) {
          throw new GatewayError('GW_ERR_PARAM_OUT_OF_RANGE', { detail: `"${pathString(path)}" must be ${s.int ? 'an integer' : 'a number'} from ${s.min} to ${s.max}.` });
        }
        return;
      }
      case 'bool':
        if (typeof value !== 'boolean') throw bad(path, 'must be a boolean.');
        return;
      case 'null':
        if (value !== null) throw bad(path, 'must be null.');
        return;
      case 'opaque':
        if (typeof value !== 'string' || !BASE64.test(value)) throw bad(path, 'must be an opaque token (base64 characters only).');
        return;
      case 'binary': {
        if (typeof value !== 'string') throw bad(path, 'must be a string.');
        const data = DATA_URL.exec(value);
        if (!BASE64.test(data ? value.slice(data[0].length) : value)) throw bad(path, 'must be base64 data or a base64 data: URL.');
        return;
      }
      case 'url':
        if (typeof value !== 'string') throw bad(path, 'must be a string.');
        if (DATA_URL.test(value)) {
          walk(value, { k: 'binary' }, path, source);
          return;
        }
        addText([...path], value, source, false, false, fieldOf(path));
        const decoded = percentDecoded(value);
        if (decoded !== undefined) out.slots.push({ path: [...path], text: decoded, json: false, key: false, source, field: fieldOf(path), view: true, prompt: false });
        return;
      case 'obj':
        if (jsonType(value) !== 'object') throw bad(path, 'must be an object.');
        walkObject(value as Record<string, unknown>, s.fields, s.required, path, source);
        return;
      case 'arr': {
        if (!Array.isArray(value)) throw bad(path, `must be ${expected(s)}.`);
        if (value.length < s.min) throw bad(path, s.min === 1 ? 'must not be empty.' : `must have at least ${s.min} items.`);
        if (value.length > s.max) throw new GatewayError('GW_ERR_PARAM_OUT_OF_RANGE', { detail: `"${pathString(path)}" may have at most ${s.max} items.` });
        for (let i = 0; i < value.length; i++) {
          path.push(i);
          walk(value[i], s.items, path, source);
          path.pop();
        }
        return;
      }
      case 'either': {
        const t = jsonType(value);
        const match = s.of.find((alt) => {
          const types = typesOf(alt);
          return types.includes(t) || types.includes('*');
        });
        if (!match) throw bad(path, `must be ${expected(s)}.`);
        walk(value, match, path, source);
        return;
      }
      case 'tagged': {
        if (jsonType(value) !== 'object') throw bad(path, 'must be an object.');
        const v = value as Record<string, unknown>;
        const tagValue = v[s.tag] ?? s.default;
        if (typeof tagValue !== 'string') throw bad([...path, s.tag], 'must be a string.');
        let variant = Object.hasOwn(s.variants, tagValue) ? s.variants[tagValue] : undefined;
        if (variant === undefined && s.fallback?.pattern.test(tagValue)) variant = s.fallback.spec;
        if (variant === undefined) throw bad([...path, s.tag], `must be one of: ${Object.keys(s.variants).join(', ')}.`);
        // The variant's own wrappers apply before its fields are read, the tag among them.
        let at = source;
        while (variant.k === 'source' || variant.k === 'kind') {
          if (variant.k === 'source') at = variant.source;
          else out.kinds.add(variant.kind);
          variant = variant.inner;
        }
        if (variant.k === 'obj') walkObject(v, variant.fields, variant.required, path, at, s.tag);
        else walk(value, variant, path, at);
        return;
      }
      case 'kind':
        out.kinds.add(s.kind);
        walk(value, s.inner, path, source);
        return;
      case 'source':
        walk(value, s.inner, path, s.source);
        return;
      case 'refuse':
        throw bad(path, s.why);
    }
  }

  walk(body, spec, [], 'parameter');
  return out;
}
