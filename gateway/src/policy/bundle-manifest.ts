// Parses an OPA bundle's .manifest and names the bundle for logs, readiness and audit records.
import { GatewayError } from '../errors.js';

export interface BundleManifest {
  revision: string;
  /** Data paths the bundle owns; OPA's default `[""]` owns everything. */
  roots: string[];
  wasm: { entrypoint: string; module: string }[];
  metadata: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function invalid(detail: string, cause?: unknown): GatewayError {
  return new GatewayError('GW_ERR_BUNDLE_INVALID', { detail, cause });
}

export function parseManifest(bytes: Uint8Array): BundleManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (err) {
    throw invalid('.manifest is not valid JSON.', err);
  }
  if (!isRecord(parsed)) throw invalid('.manifest must be a JSON object.');

  const { revision = '', roots = [''], wasm = [], metadata = {} } = parsed;
  if (typeof revision !== 'string') throw invalid('.manifest "revision" must be a string.');
  if (!Array.isArray(roots) || !roots.every((r) => typeof r === 'string')) {
    throw invalid('.manifest "roots" must be an array of strings.');
  }
  if (!Array.isArray(wasm) || !wasm.every((w) => isRecord(w) && typeof w['entrypoint'] === 'string' && typeof w['module'] === 'string')) {
    throw invalid('.manifest "wasm" must be an array of {entrypoint, module} strings.');
  }
  if (!isRecord(metadata)) throw invalid('.manifest "metadata" must be an object.');
  return { revision, roots: roots as string[], wasm: wasm as BundleManifest['wasm'], metadata };
}

/** The file name a bundle came from, without archive suffixes; URLs lose credentials and query. */
function sourceBaseName(source: string): string {
  let path = source;
  try {
    path = new URL(source).pathname;
  } catch {
    // Not a URL: a file path.
  }
  const base = path.split(/[/\\]/).pop() ?? '';
  return base.replace(/(\.tar\.gz|\.tgz|\.gz|\.tar)$/i, '');
}

/** metadata.name, else a single non-empty root, else the file name, else "bundle". */
export function bundleName(manifest: BundleManifest, source: string): string {
  const fromMetadata = manifest.metadata['name'];
  if (typeof fromMetadata === 'string' && fromMetadata !== '') return fromMetadata;
  const [onlyRoot, ...otherRoots] = manifest.roots;
  if (onlyRoot !== undefined && onlyRoot !== '' && otherRoots.length === 0) return onlyRoot;
  return sourceBaseName(source) || 'bundle';
}

/** A form of `source` safe to log: URLs keep scheme, host and path only. */
export function loggableSource(source: string): string {
  try {
    const url = new URL(source);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return source;
  }
}
