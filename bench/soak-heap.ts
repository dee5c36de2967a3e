// Heap snapshots of the running gateway and their difference per constructor. Node writes a
// snapshot when the process gets the signal named by --heapsnapshot-signal, after a full garbage
// collection, so what the snapshot holds is what is still reachable. The node table is scanned as
// bytes rather than parsed as one JSON value: the snapshot of a larger heap would exceed V8's
// largest string.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const SNAPSHOT_SIGNAL = 'SIGUSR2';

/** Signals the process and resolves with the path of the snapshot once it is completely written. */
export async function takeSnapshot(pid: number, dir: string, timeoutMs = 180_000): Promise<string> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, SNAPSHOT_SIGNAL);
  const deadline = Date.now() + timeoutMs;
  let lastSize = -1;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const name = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (name === undefined) continue;
    const path = join(dir, name);
    const size = statSync(path).size;
    // V8 closes the document with "]}" as its last write; a stable size ending so is complete.
    if (size > 0 && size === lastSize && endsWithClose(path, size)) return path;
    lastSize = size;
  }
  throw new Error(`no complete heap snapshot in ${dir} after ${timeoutMs} ms`);
}

function endsWithClose(path: string, size: number): boolean {
  const tail = readFileSync(path).subarray(Math.max(0, size - 8)).toString('latin1');
  return tail.trimEnd().endsWith(']}');
}

export interface Group {
  count: number;
  bytes: number;
}

interface Meta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
}

/** Count and self size of live objects per constructor, grouped the way DevTools' Summary view does. */
export function summarise(path: string): Map<string, Group> {
  const buf = readFileSync(path);
  const nodesAt = buf.indexOf('"nodes":[');
  const stringsAt = buf.indexOf('"strings":[');
  if (nodesAt < 0 || stringsAt < 0) throw new Error(`${path} is not a V8 heap snapshot`);
  const header = JSON.parse(`${buf.subarray(0, nodesAt).toString('utf8').replace(/,\s*$/, '')}}`) as { snapshot: { meta: Meta } };
  const meta = header.snapshot.meta;
  const strings = JSON.parse(buf.subarray(stringsAt + '"strings":'.length, buf.lastIndexOf(']') + 1).toString('utf8')) as string[];
  const width = meta.node_fields.length;
  const typeAt = meta.node_fields.indexOf('type');
  const nameAt = meta.node_fields.indexOf('name');
  const sizeAt = meta.node_fields.indexOf('self_size');
  const types = meta.node_types[0];

  const groups = new Map<string, Group>();
  const row: number[] = new Array<number>(width).fill(0);
  let field = 0;
  let value = 0;
  let inNumber = false;
  for (let i = nodesAt + '"nodes":['.length; i < buf.length; i++) {
    const c = buf[i] ?? 0;
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      inNumber = true;
      continue;
    }
    if (inNumber) {
      row[field] = value;
      field++;
      value = 0;
      inNumber = false;
      if (field === width) {
        field = 0;
        const key = groupOf(types[row[typeAt] ?? 0] ?? 'unknown', strings[row[nameAt] ?? 0] ?? '');
        if (key !== undefined) {
          const g = groups.get(key) ?? { count: 0, bytes: 0 };
          g.count++;
          g.bytes += row[sizeAt] ?? 0;
          groups.set(key, g);
        }
      }
    }
    if (c === 93) break; // ']' closes the node table
  }
  return groups;
}

function groupOf(type: string, name: string): string | undefined {
  switch (type) {
    case 'object':
    case 'native':
      return name;
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return '(string)';
    case 'code':
      return '(compiled code)';
    case 'hidden':
    case 'object shape':
      return '(system)';
    case 'synthetic':
      return undefined;
    default:
      return `(${type})`;
  }
}

export interface Growth {
  name: string;
  before: Group;
  after: Group;
}

export function diff(before: Map<string, Group>, after: Map<string, Group>): Growth[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  const zero: Group = { count: 0, bytes: 0 };
  return [...names].map((name) => ({ name, before: before.get(name) ?? zero, after: after.get(name) ?? zero }));
}

export function totals(groups: Map<string, Group>): Group {
  let count = 0;
  let bytes = 0;
  for (const g of groups.values()) {
    count += g.count;
    bytes += g.bytes;
  }
  return { count, bytes };
}

const kib = (n: number): string => (n / 1024).toFixed(1);
const signed = (n: number, f: (v: number) => string = String): string => (n > 0 ? `+${f(n)}` : f(n));

/** The `top` constructors that grew most by `by`, as a markdown table. */
export function growthTable(rows: Growth[], by: 'count' | 'bytes', top = 15): string[] {
  const grown = rows
    .map((r) => ({ ...r, d: r.after[by] - r.before[by] }))
    .filter((r) => r.d > 0)
    .sort((a, b) => b.d - a.d)
    .slice(0, top);
  const out = ['| constructor | count before | count after | Δ count | KiB before | KiB after | Δ KiB |', '|---|---:|---:|---:|---:|---:|---:|'];
  for (const r of grown) {
    const name = r.name.length > 60 ? `${r.name.slice(0, 57)}…` : r.name;
    out.push(
      `| ${name.replace(/\|/g, '\\|').replace(/\s+/g, ' ')} | ${r.before.count} | ${r.after.count} | ${signed(r.after.count - r.before.count)} | ${kib(r.before.bytes)} | ${kib(r.after.bytes)} | ${signed(r.after.bytes - r.before.bytes, kib)} |`,
    );
  }
  return out;
}
