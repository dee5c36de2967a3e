// policies/capabilities.json lists exactly what the gateway's WASM host can run: every builtin in
// it is either compiled into the module or implemented by the opa-wasm SDK, and the built-in
// nondeterministic clock is not among them.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { readBundle } from '../../gateway/src/policy/index.js';
import { CHILD_TIMEOUT_MS, execFileAsync, opaPath, repoRoot, withTempDir } from './support.js';

interface Capability {
  name: string;
  infix?: string;
  decl?: { args?: unknown[]; variadic?: unknown };
}

/** What @open-policy-agent/opa-wasm implements in JavaScript (src/builtins/*.js). */
const SDK_BUILTINS = new Set(['sprintf', 'regex.split', 'json.is_valid', 'yaml.is_valid', 'yaml.marshal', 'yaml.unmarshal']);

async function capabilities(): Promise<Capability[]> {
  const text = await readFile(join(repoRoot, 'policies/capabilities.json'), 'utf8');
  return (JSON.parse(text) as { builtins: Capability[] }).builtins;
}

describe('policies/capabilities.json', () => {
  test('leaves out host builtins the gateway does not provide', async () => {
    const names = new Set((await capabilities()).map((b) => b.name));
    for (const missing of ['time.now_ns', 'time.parse_rfc3339_ns', 'http.send', 'io.jwt.decode_verify', 'crypto.sha256', 'rand.intn', 'uuid.rfc4122', 'opa.runtime', 'print', 'internal.print']) {
      assert.equal(names.has(missing), false, missing);
    }
    for (const present of ['sprintf', 'regex.match', 'glob.match', 'object.union', 'json.remove', 'numbers.range', 'internal.member_2', 'internal.template_string']) {
      assert.equal(names.has(present), true, present);
    }
  });

  test('every listed builtin is compiled into WASM or implemented by the SDK', async () => {
    const callable = (await capabilities()).filter((b) => b.infix === undefined && !b.name.startsWith('internal.') && b.decl?.variadic === undefined);
    assert.ok(callable.length > 70, `${callable.length} builtins`);
    const rules = callable.map((b, i) => {
      const args = (b.decl?.args ?? []).map((_, j) => `input.a${j}`);
      return `r${i} := ${b.name}(${args.join(', ')})`;
    });
    const rego = `package caps\n\n${rules.join('\n\n')}\n\nall := [${callable.map((_, i) => `r${i}`).join(', ')}]\n`;
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'caps.rego'), rego);
      const out = join(dir, 'caps.tar.gz');
      const caps = join(repoRoot, 'policies/capabilities.json');
      await execFileAsync(opaPath, ['build', '-t', 'wasm', '-e', 'caps/all', '--capabilities', caps, '-o', out, 'caps.rego'], { cwd: dir, timeout: CHILD_TIMEOUT_MS });
      const { wasm } = await readBundle(await readFile(out));
      const policy = await loadPolicy(wasm);
      // The module's `builtins()` export names what it dispatches to the host (OPA's WASM ABI).
      const instance = policy.wasmInstance as unknown as { exports: Record<string, unknown> };
      const dump = instance.exports['opa_json_dump'] as (addr: number) => number;
      const list = instance.exports['builtins'] as () => number;
      const memory = policy.mem as unknown as { buffer: ArrayBuffer };
      const start = dump(list());
      const bytes = new Uint8Array(memory.buffer);
      let end = start;
      while (bytes[end] !== 0) end++;
      const dispatched = Object.keys(JSON.parse(Buffer.from(bytes.subarray(start, end)).toString('utf8')) as Record<string, number>);
      const unsupported = dispatched.filter((name) => !SDK_BUILTINS.has(name));
      assert.deepEqual(unsupported, [], 'builtins the host would have to provide');
      assert.ok(dispatched.includes('sprintf'), 'the SDK-provided builtins are dispatched to the host');
    });
  });
});
