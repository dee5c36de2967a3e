// The independent verifier in this folder (Go's golang.org/x/mod/sumdb/tlog and sumdb/note),
// built once per source and Go version into the cache, for the tests that check our ledgers and
// evidence packages with code that is not ours.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const HERE = import.meta.dirname;

const goVersion = spawnSync('go', ['version'], { encoding: 'utf8' });
/** Why the Go verifier cannot run here, for a test's `skip`; false when it can. */
export const goMissing: string | false =
  goVersion.error !== undefined || goVersion.status !== 0 ? 'go is not installed (install Go to run the independent verifier)' : false;

export async function buildVerifier(): Promise<string> {
  const digest = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go', 'evidence.go']) digest.update(await readFile(join(HERE, f)));
  digest.update(goVersion.stdout);
  const bin = join(homedir(), '.cache/palisade/interop', digest.digest('hex').slice(0, 16), 'interop');
  if (!existsSync(bin)) {
    await mkdir(join(bin, '..'), { recursive: true });
    await execFileAsync('go', ['build', '-o', bin, '.'], { cwd: HERE, timeout: 240_000 });
  }
  return bin;
}

export async function runVerifier(bin: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(bin, args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
