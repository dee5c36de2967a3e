// The field tables as rows a person reads: each position of a request body and what the gateway
// does with it. docs/providers.md carries these rows, and a test keeps it equal to them.
import type { Spec } from './spec.js';

export interface FieldRow {
  field: string;
  action: string;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function leaf(s: Spec): string | undefined {
  switch (s.k) {
    case 'text':
      return s.json ? 'classified (JSON text; redaction must keep it JSON)' : 'classified';
    case 'free':
      return 'classified: free-form JSON, every string and key';
    case 'num':
      return `checked: ${s.int ? 'integer' : 'number'} from ${s.min} to ${s.max}`;
    case 'bool':
      return 'checked: boolean';
    case 'opaque':
      return 'checked: opaque provider token (base64 characters only)';
    case 'binary':
      return 'checked: base64 data; not readable';
    case 'url':
      return 'classified (and its percent-decoded form); a data: URL is base64 data, not readable';
    case 'refuse':
      return `refused: ${s.why}`;
    case 'enum':
    case 'null':
      return undefined;
    default:
      return undefined;
  }
}

export function describeTable(spec: Spec): FieldRow[] {
  const rows = new Map<string, { actions: Set<string>; values: Set<string>; kinds: Set<string>; nullable: boolean }>();
  const row = (field: string) => {
    let r = rows.get(field);
    if (!r) rows.set(field, (r = { actions: new Set(), values: new Set(), kinds: new Set(), nullable: false }));
    return r;
  };
  function walk(s: Spec, path: string, kind: string | undefined): void {
    if (s.k === 'null') {
      row(path).nullable = true;
      return;
    }
    if (s.k === 'enum') {
      for (const v of s.values) row(path).values.add(v);
      return;
    }
    const simple = leaf(s);
    if (simple !== undefined) {
      row(path).actions.add(simple);
      if (kind) row(path).kinds.add(kind);
      return;
    }
    switch (s.k) {
      case 'obj':
        for (const [k, v] of Object.entries(s.fields)) walk(v, join(path, k), kind);
        return;
      case 'arr':
        walk(s.items, join(path, '*'), kind);
        return;
      case 'either':
        for (const alt of s.of) walk(alt, path, kind);
        return;
      case 'tagged': {
        const tagRow = row(join(path, s.tag));
        for (const t of Object.keys(s.variants)) tagRow.values.add(t);
        if (s.fallback) tagRow.values.add(`/${s.fallback.pattern.source}/`);
        for (const v of Object.values(s.variants)) walk(v, path, kind);
        if (s.fallback) walk(s.fallback.spec, path, kind);
        return;
      }
      case 'kind':
        walk(s.inner, path, s.kind);
        return;
      case 'source':
        walk(s.inner, path, kind);
        return;
      default:
        return;
    }
  }
  walk(spec, '', undefined);
  return [...rows].map(([field, r]) => {
    const parts = [...r.actions];
    if (r.values.size > 0) parts.push(`checked: one of ${[...r.values].map((v) => `\`${v}\``).join(', ')}`);
    let action = parts.join('; ');
    if (r.nullable) action += parts.length > 0 ? ', or null' : 'checked: null';
    if (r.kinds.size > 0) action += ` (content kind ${[...r.kinds].map((k) => `\`${k}\``).join(', ')})`;
    return { field, action };
  });
}

/** The rows as a Markdown table. */
export function markdownTable(rows: readonly FieldRow[]): string {
  const lines = ['| field | what the gateway does |', '|---|---|'];
  for (const r of rows) lines.push(`| \`${r.field === '' ? '(body)' : r.field}\` | ${r.action.replace(/\|/g, '\\|')} |`);
  return lines.join('\n');
}
