// Turns Kubernetes' OpenAPI v2 document (api/openapi-spec/swagger.json of the k8s.io/kubernetes module) into one strict JSON Schema per kind, laid out as kubeconform looks them up, so manifests are validated without fetching schemas at run time.
//
// Usage: node --import tsx scripts/k8s-json-schemas.ts SWAGGER_JSON OUT_DIR
// Writes OUT_DIR/<kind><-group prefix>-<version>.json (deployment-apps-v1.json, service-v1.json),
// the names kubeconform's "{{ .ResourceKind }}{{ .KindSuffix }}.json" template gives.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

type Schema = { [key: string]: unknown };

interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

const REF_PREFIX = '#/definitions/';

// Both are strings in the OpenAPI document, but the API server also takes the bare number, as people write them.
const SCALARS: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { oneOf: [{ type: 'string' }, { type: 'integer' }] },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
};

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A copy of one schema node made strict: objects that list their properties accept no others (as
 * the API server's strict field validation does), and extension keywords are dropped. Records every
 * definition it refers to in `refs`.
 */
function strict(node: Schema, refs: Set<string>): Schema {
  const ref = node['$ref'];
  if (typeof ref === 'string') {
    const name = ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
    refs.add(name);
    return { $ref: `${REF_PREFIX}${name}` };
  }
  if (node['format'] === 'int-or-string') return structuredClone(SCALARS['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] ?? {});
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-') || key === 'description') continue;
    if (key === 'properties' && isSchema(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, isSchema(sub) ? strict(sub, refs) : sub]));
    } else if ((key === 'items' || key === 'additionalProperties') && isSchema(value)) {
      out[key] = strict(value, refs);
    } else {
      out[key] = value;
    }
  }
  if (isSchema(out['properties']) && out['additionalProperties'] === undefined) out['additionalProperties'] = false;
  return out;
}

function fileName(gvk: GroupVersionKind): string {
  const groupPrefix = gvk.group === '' ? '' : `-${gvk.group.split('.')[0]}`;
  return `${gvk.kind.toLowerCase()}${groupPrefix}-${gvk.version}.json`.toLowerCase();
}

async function main(swaggerPath: string, outDir: string): Promise<void> {
  const swagger = JSON.parse(await readFile(swaggerPath, 'utf8')) as { definitions?: Record<string, Schema> };
  const definitions = swagger.definitions;
  if (!definitions) throw new Error(`${swaggerPath}: no definitions`);

  const converted = new Map<string, { schema: Schema; refs: Set<string> }>();
  const convert = (name: string) => {
    let done = converted.get(name);
    if (!done) {
      const refs = new Set<string>();
      const scalar = SCALARS[name];
      const source = definitions[name];
      if (!scalar && !source) throw new Error(`${swaggerPath}: ${name} is referred to but not defined`);
      done = { schema: scalar ? structuredClone(scalar) : strict(source ?? {}, refs), refs };
      converted.set(name, done);
    }
    return done;
  };

  // Written beside the target and renamed into place, so a run cut short leaves no half-made folder.
  const staging = `${outDir}.partial-${process.pid}`;
  await mkdir(staging, { recursive: true });
  let written = 0;
  for (const [name, definition] of Object.entries(definitions)) {
    const kinds = definition['x-kubernetes-group-version-kind'];
    if (!Array.isArray(kinds) || kinds.length !== 1) continue; // several kinds: shared option types such as DeleteOptions, never a manifest
    const gvk = kinds[0] as GroupVersionKind;
    // Only the definitions this kind reaches, so each file stands alone and stays small.
    const needed = new Set<string>();
    const queue = [name];
    while (queue.length > 0) {
      const next = queue.pop() as string;
      if (needed.has(next)) continue;
      needed.add(next);
      queue.push(...convert(next).refs);
    }
    const root = convert(name).schema;
    const schema: Schema = {
      ...root,
      definitions: Object.fromEntries([...needed].filter((n) => n !== name).sort().map((n) => [n, convert(n).schema])),
    };
    await writeFile(join(staging, fileName(gvk)), JSON.stringify(schema));
    written += 1;
  }
  await rename(staging, outDir);
  process.stdout.write(`${written} kinds written to ${outDir}\n`);
}

const [swaggerPath, outDir] = process.argv.slice(2);
if (!swaggerPath || !outDir) {
  process.stderr.write('usage: k8s-json-schemas.ts SWAGGER_JSON OUT_DIR\n');
  process.exit(2);
}
await main(swaggerPath, outDir);
