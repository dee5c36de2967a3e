// Shared helpers for the policy tests: the real opa binary, fixture bundles and archives, logs.
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { pino, type Logger } from 'pino';
import { pack } from 'tar-stream';
import { readBundle } from '../../gateway/src/policy/index.js';

export const execFileAsync = promisify(execFile);

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const committedBundlePath = join(repoRoot, 'bundles/palisade.tar.gz');
export const opaPath = process.env['PALISADE_OPA'] ?? join(homedir(), '.cache/palisade/bin/opa');

/** Every child process a test starts is stopped after this long. */
export const CHILD_TIMEOUT_MS = 60_000;

export function readCommittedBundle(): Promise<Buffer> {
  return readFile(committedBundlePath);
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'palisade-policy-test-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Compiles Rego sources into a WASM bundle with the real opa, as scripts/build-bundles.sh does,
 * and returns the archive bytes.
 */
export async function buildFixtureBundle(
  sources: Record<string, string>,
  entrypoints: readonly string[] = ['palisade/request/decision', 'palisade/response/decision'],
): Promise<Buffer> {
  return withTempDir(async (dir) => {
    const src = join(dir, 'src');
    for (const [name, text] of Object.entries(sources)) {
      await mkdir(dirname(join(src, name)), { recursive: true });
      await writeFile(join(src, name), text);
    }
    const out = join(dir, 'bundle.tar.gz');
    const args = ['build', '--bundle', '--target', 'wasm', ...entrypoints.flatMap((e) => ['-e', e]), '--revision', 'fixture-1', '--output', out, '.'];
    await execFileAsync(opaPath, args, { cwd: src, timeout: CHILD_TIMEOUT_MS });
    return readFile(out);
  });
}

/** A response policy that allows everything, for fixtures that only exercise the request side. */
export const ALLOW_RESPONSE_REGO = `package palisade.response

decision := {"allow": true, "reasons": []}
`;

export interface TarEntry {
  name: string;
  body?: string | Uint8Array;
  type?: 'file' | 'symlink' | 'directory';
  linkname?: string;
}

/** Writes a tar archive with tar-stream, so tests can make archives opa never would. */
export async function makeTar(entries: readonly TarEntry[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => {
    if (Buffer.isBuffer(chunk)) chunks.push(chunk);
  });
  const done = new Promise<void>((resolveDone, reject) => {
    archive.on('end', () => resolveDone());
    archive.on('error', reject);
  });
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    if (type === 'file') {
      archive.entry({ name: entry.name, type }, Buffer.from(entry.body ?? ''));
    } else {
      archive.entry(entry.linkname === undefined ? { name: entry.name, type } : { name: entry.name, type, linkname: entry.linkname });
    }
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

export async function makeTarGz(entries: readonly TarEntry[]): Promise<Buffer> {
  return gzipSync(await makeTar(entries));
}

/** Unpacks a bundle built by opa into tar entries, so a test can alter one file and repack. */
export async function bundleEntries(archive: Uint8Array): Promise<TarEntry[]> {
  const bundle = await readBundle(archive);
  return [...bundle.files].map(([name, body]) => ({ name: `/${name}`, body }));
}

export interface CapturedLogger {
  logger: Logger;
  lines: () => Record<string, unknown>[];
}

/** A real pino logger whose JSON lines the test can read back. */
export function captureLogger(): CapturedLogger {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      raw.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = pino({ level: 'debug' }, destination);
  return {
    logger,
    lines: () => raw.join('').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
