// Shared helpers for the policy tests: the real opa binary, fixture bundles and archives, logs.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
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
  revision = 'fixture-1',
): Promise<Buffer> {
  return withTempDir(async (dir) => {
    const src = join(dir, 'src');
    for (const [name, text] of Object.entries(sources)) {
      await mkdir(dirname(join(src, name)), { recursive: true });
      await writeFile(join(src, name), text);
    }
    const out = join(dir, 'bundle.tar.gz');
    const args = ['build', '--bundle', '--target', 'wasm', ...entrypoints.flatMap((e) => ['-e', e]), '--revision', revision, '--output', out, '.'];
    await execFileAsync(opaPath, args, { cwd: src, timeout: CHILD_TIMEOUT_MS });
    return readFile(out);
  });
}

export const devPrivateKeyPath = join(repoRoot, 'config/dev-keys/bundle-signing.pem');
export const devPublicKeyPath = join(repoRoot, 'config/dev-keys/bundle-signing.pub.pem');

export interface SigningOptions {
  keyFile: string;
  /** Written as the deprecated `keyid` claim, which opa's verifier falls back to. */
  keyId?: string;
  scope?: string;
  algorithm?: string;
}

/** The development signing OPA's own scripts use for the committed bundle. */
export const DEV_SIGNING: SigningOptions = { keyFile: devPrivateKeyPath, keyId: 'palisade-dev', scope: 'development' };

/** Writes `files` into a directory, signs it with the real `opa sign`, and returns the signed files. */
export async function signFiles(files: ReadonlyMap<string, Uint8Array>, signing: SigningOptions): Promise<Map<string, Uint8Array>> {
  return withTempDir(async (dir) => {
    const bundleDir = join(dir, 'bundle');
    await writeBundleDirectory(bundleDir, files);
    const claims: Record<string, string> = {};
    if (signing.keyId !== undefined) claims['keyid'] = signing.keyId;
    if (signing.scope !== undefined) claims['scope'] = signing.scope;
    const args = ['sign', '--bundle', '.', '--signing-key', signing.keyFile, '--signing-alg', signing.algorithm ?? 'RS256', '--output-file-path', '.'];
    if (Object.keys(claims).length > 0) {
      await writeFile(join(dir, 'claims.json'), JSON.stringify(claims));
      args.push('--claims-file', join(dir, 'claims.json'));
    }
    await execFileAsync(opaPath, args, { cwd: bundleDir, timeout: CHILD_TIMEOUT_MS });
    const signed = new Map(files);
    signed.set('.signatures.json', await readFile(join(bundleDir, '.signatures.json')));
    return signed;
  });
}

export async function writeBundleDirectory(dir: string, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  for (const [name, body] of files) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), body);
  }
}

export function filesToTarGz(files: ReadonlyMap<string, Uint8Array>): Promise<Buffer> {
  return makeTarGz([...files].map(([name, body]) => ({ name: `/${name}`, body })));
}

/** buildFixtureBundle, then signed by `opa sign`, repacked as a .tar.gz. */
export async function buildSignedFixtureBundle(
  sources: Record<string, string>,
  signing: SigningOptions = DEV_SIGNING,
  entrypoints?: readonly string[],
): Promise<Buffer> {
  const unsigned = await readBundle(await buildFixtureBundle(sources, entrypoints));
  return filesToTarGz(await signFiles(unsigned.files, signing));
}

/** A PEM key pair written to `dir`; returns the two paths. */
export async function writeKeyPair(dir: string, name: string, type: 'rsa' | 'ec' = 'rsa'): Promise<{ privateKey: string; publicKey: string }> {
  const pair = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateKey = join(dir, `${name}.pem`);
  const publicKey = join(dir, `${name}.pub.pem`);
  await writeFile(privateKey, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(publicKey, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  return { privateKey, publicKey };
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
