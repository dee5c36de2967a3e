// A bundle source on the local file system: a .tar.gz bundle file or an unpacked bundle
// directory, re-read when it changes. Half-written updates are harmless: they fail signature
// verification, and the next check picks up the finished bundle.
import { readFile, stat } from 'node:fs/promises';
import { GatewayError } from '../errors.js';
import { readBundleDirectory } from './bundle-directory.js';
import { readBundle, type BundleLimits } from './bundle-reader.js';
import type { BundleSource, SourceCheck } from './bundle-source.js';

function unavailable(path: string, err: unknown): GatewayError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'error';
  return new GatewayError('GW_ERR_BUNDLE_UNAVAILABLE', { detail: `${path} cannot be read (${code}).`, cause: err });
}

export function createFileBundleSource(path: string, limits: Partial<BundleLimits> = {}): BundleSource {
  // The file's size, time and inode, and the digest, of what was last handed out (activated or
  // refused): the same bytes are never loaded twice, and a bad file is re-read only once it changes.
  let lastStamp: string | undefined;
  let lastDigest: string | undefined;
  let pendingStamp: string | undefined;
  let pendingDigest: string | undefined;

  async function check(): Promise<SourceCheck> {
    pendingStamp = undefined;
    pendingDigest = undefined;
    const info = await stat(path).catch((err: unknown) => {
      throw unavailable(path, err);
    });
    if (info.isDirectory()) {
      // Read whole: a change deep inside a directory leaves the top directory's stamp alone.
      const bundle = await readBundleDirectory(path, limits);
      if (bundle.digest === lastDigest) return { kind: 'unchanged' };
      pendingDigest = bundle.digest;
      return { kind: 'bundle', bundle };
    }
    const stamp = `${info.size}:${info.mtimeMs}:${info.ino}`;
    if (stamp === lastStamp) return { kind: 'unchanged' };
    pendingStamp = stamp;
    const bytes = await readFile(path).catch((err: unknown) => {
      throw unavailable(path, err);
    });
    const bundle = await readBundle(bytes, limits);
    pendingDigest = bundle.digest;
    if (bundle.digest === lastDigest) {
      lastStamp = stamp;
      return { kind: 'unchanged' };
    }
    return { kind: 'bundle', bundle };
  }

  function remember(): void {
    if (pendingStamp !== undefined) lastStamp = pendingStamp;
    if (pendingDigest !== undefined) lastDigest = pendingDigest;
  }

  return {
    description: path,
    check,
    accepted: remember,
    failed: remember,
    holdsRequests: () => false,
  };
}
