// Reads an unpacked bundle directory (what `tar -xzf bundle.tar.gz` or `opa sign` work on) with
// the same bounds and checks as an archive: regular files only, no links, size-limited.
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GatewayError } from '../errors.js';
import { assembleBundle, DEFAULT_BUNDLE_LIMITS, normalisePath, type BundleLimits, type PolicyBundle } from './bundle-reader.js';

function invalid(detail: string, cause?: unknown): GatewayError {
  return new GatewayError('GW_ERR_BUNDLE_INVALID', cause === undefined ? { detail } : { detail, cause });
}

/** Relative paths of every regular file under `root`, refusing anything else. */
async function listFiles(root: string, limits: BundleLimits): Promise<string[]> {
  const out: string[] = [];
  const pending: string[] = [''];
  while (pending.length > 0) {
    const rel = pending.pop()!;
    let entries;
    try {
      entries = await readdir(join(root, rel), { withFileTypes: true });
    } catch (err) {
      throw new GatewayError('GW_ERR_BUNDLE_UNAVAILABLE', { detail: `The bundle directory cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`, cause: err });
    }
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) out.push(normalisePath(path));
      else throw invalid(`"${path.slice(0, 200)}" is not a regular file; bundle directories hold regular files only.`);
      if (out.length > limits.maxFiles) throw invalid(`The directory holds more than ${limits.maxFiles} files.`);
    }
  }
  return out.sort();
}

/**
 * Reads the bundle in `dir`. The digest is `sha256:` of every file framed by its path and size,
 * in byte order of the paths, so the same files always give the same digest.
 */
export async function readBundleDirectory(dir: string, limits: Partial<BundleLimits> = {}): Promise<PolicyBundle> {
  const bounds: BundleLimits = { ...DEFAULT_BUNDLE_LIMITS, ...limits };
  const paths = await listFiles(dir, bounds);
  const files = new Map<string, Uint8Array>();
  const listing = createHash('sha256');
  let total = 0;
  for (const path of paths) {
    const full = join(dir, path);
    // A file swapped for a link between listing and reading is refused too.
    const stat = await lstat(full).catch((err: unknown) => {
      throw new GatewayError('GW_ERR_BUNDLE_UNAVAILABLE', { detail: `"${path}" disappeared while the bundle was read.`, cause: err });
    });
    if (!stat.isFile()) throw invalid(`"${path.slice(0, 200)}" is not a regular file; bundle directories hold regular files only.`);
    total += stat.size;
    if (total > bounds.maxUncompressedBytes) throw invalid(`The directory holds more than ${bounds.maxUncompressedBytes} bytes.`);
    const bytes = await readFile(full);
    // The file may have grown since it was measured.
    total += bytes.byteLength - stat.size;
    if (total > bounds.maxUncompressedBytes) throw invalid(`The directory holds more than ${bounds.maxUncompressedBytes} bytes.`);
    files.set(path, bytes);
    listing.update(`${path}\0${bytes.byteLength}\0`).update(bytes);
  }
  return assembleBundle(files, { digest: `sha256:${listing.digest('hex')}`, compressedBytes: total, uncompressedBytes: total });
}
