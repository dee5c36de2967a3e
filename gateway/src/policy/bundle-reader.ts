// Reads an OPA bundle (.tar.gz) into memory and refuses anything that is not a well-formed,
// size-bounded WASM bundle, before any of it reaches the WASM runtime.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, type InputType, type ZlibOptions } from 'node:zlib';
import { extract } from 'tar-stream';
import { GatewayError } from '../errors.js';
import { parseManifest, type BundleManifest } from './bundle-manifest.js';

const gunzipAsync = promisify<InputType, ZlibOptions, Buffer>(gunzip);

export interface BundleLimits {
  /** Largest archive accepted, as received. */
  maxCompressedBytes: number;
  /** Largest total of the archive's contents; guards against gzip bombs. */
  maxUncompressedBytes: number;
  maxFiles: number;
}

export const DEFAULT_BUNDLE_LIMITS: Readonly<BundleLimits> = Object.freeze({
  maxCompressedBytes: 16 * 1024 * 1024,
  maxUncompressedBytes: 64 * 1024 * 1024,
  maxFiles: 10_000,
});

export interface PolicyBundle {
  /** `sha256:<hex>` of the archive bytes; for a directory, of its listing (see bundle-directory.ts). */
  digest: string;
  manifest: BundleManifest;
  wasm: Uint8Array;
  /** The bundle's data document (`/data.json`), `{}` when the bundle has none. */
  data: Record<string, unknown>;
  /** Every file by path without the leading `/`, e.g. `policy.wasm`, `.signatures.json`. */
  files: ReadonlyMap<string, Uint8Array>;
  compressedBytes: number;
  uncompressedBytes: number;
}

function invalid(detail: string, cause?: unknown): GatewayError {
  return new GatewayError('GW_ERR_BUNDLE_INVALID', { detail, cause });
}

/** Bundle paths are stored with a leading `/`; anything that could escape or alias is refused. */
export function normalisePath(raw: string): string {
  const path = raw.replace(/^\.?\/+/, '');
  const segments = path.split('/');
  if (path === '' || path.includes('\0') || path.includes('\\') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw invalid(`The archive holds an unsafe path "${raw.slice(0, 200)}".`);
  }
  return path;
}

async function gunzipBounded(archive: Uint8Array, limits: BundleLimits): Promise<Buffer> {
  try {
    return await gunzipAsync(archive, { maxOutputLength: limits.maxUncompressedBytes });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw invalid(`The archive unpacks to more than ${limits.maxUncompressedBytes} bytes.`, err);
    }
    throw invalid('The archive is not valid gzip (corrupt or truncated).', err);
  }
}

async function untar(tar: Buffer, limits: BundleLimits): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const extractor = extract();
  extractor.end(tar);
  try {
    for await (const entry of extractor) {
      const { name, type } = entry.header;
      if (type === 'directory') {
        entry.resume();
        continue;
      }
      if (type !== 'file' && type !== 'contiguous-file') {
        throw invalid(`The archive entry "${name.slice(0, 200)}" is a ${type ?? 'special file'}; bundles hold regular files only.`);
      }
      const path = normalisePath(name);
      if (files.has(path)) throw invalid(`The archive holds "${path}" twice.`);
      if (files.size >= limits.maxFiles) throw invalid(`The archive holds more than ${limits.maxFiles} files.`);
      const chunks: Buffer[] = [];
      for await (const chunk of entry as AsyncIterable<unknown>) {
        if (!Buffer.isBuffer(chunk)) throw invalid(`The archive entry "${path}" could not be read.`);
        chunks.push(chunk);
      }
      files.set(path, Buffer.concat(chunks));
    }
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    throw invalid('The archive is not a valid tar file (corrupt or truncated).', err);
  }
  return files;
}

function parseData(bytes: Uint8Array | undefined): Record<string, unknown> {
  if (bytes === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (err) {
    throw invalid('data.json is not valid JSON.', err);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalid('data.json must hold a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

/**
 * Checks the files of a bundle (paths without a leading `/`) and assembles what the engine needs.
 * Shared by archives and unpacked bundle directories.
 */
export function assembleBundle(files: ReadonlyMap<string, Uint8Array>, sizes: { digest: string; compressedBytes: number; uncompressedBytes: number }): PolicyBundle {
  const manifestBytes = files.get('.manifest');
  if (manifestBytes === undefined) throw invalid('The bundle has no .manifest.');
  const manifest = parseManifest(manifestBytes);

  const wasm = files.get('policy.wasm');
  if (wasm === undefined) throw invalid('The bundle has no /policy.wasm; build it with opa build -t wasm.');
  const foreignModule = manifest.wasm.find((w) => w.module !== '/policy.wasm');
  if (foreignModule) throw invalid(`The manifest names WASM module "${foreignModule.module}"; only /policy.wasm is supported.`);

  // A WASM bundle merges all data into /data.json; data files elsewhere would be silently ignored.
  for (const path of files.keys()) {
    if (path === 'data.yaml' || path === 'data.yml' || path.endsWith('/data.yaml') || path.endsWith('/data.yml') || path.endsWith('/data.json')) {
      throw invalid(`The bundle holds "${path}"; a WASM bundle keeps all its data in /data.json.`);
    }
  }
  const data = parseData(files.get('data.json'));

  return { ...sizes, manifest, wasm, data, files };
}

/**
 * Reads a WASM bundle as `opa build -t wasm` writes it. Throws GW_ERR_BUNDLE_INVALID, with a
 * detail saying what is wrong, for anything else.
 */
export async function readBundle(archive: Uint8Array, limits: Partial<BundleLimits> = {}): Promise<PolicyBundle> {
  const bounds: BundleLimits = { ...DEFAULT_BUNDLE_LIMITS, ...limits };
  if (archive.byteLength > bounds.maxCompressedBytes) {
    throw invalid(`The archive is ${archive.byteLength} bytes; the limit is ${bounds.maxCompressedBytes}.`);
  }
  const digest = `sha256:${createHash('sha256').update(archive).digest('hex')}`;
  const tar = await gunzipBounded(archive, bounds);
  const files = await untar(tar, bounds);
  return assembleBundle(files, { digest, compressedBytes: archive.byteLength, uncompressedBytes: tar.byteLength });
}
