// A bundle source speaking OPA's bundle service protocol: GET the bundle URL, send back the last
// activated ETag as If-None-Match (304 = unchanged), and optionally long-poll with
// `Prefer: wait=N`, which the server acknowledges with Content-Type
// application/vnd.openpolicyagent.bundles.
import { GatewayError } from '../errors.js';
import { loggableSource } from './bundle-manifest.js';
import { DEFAULT_BUNDLE_LIMITS, readBundle, type BundleLimits } from './bundle-reader.js';
import type { BundleSource, SourceCheck } from './bundle-source.js';
import { thrownMessage } from './thrown-message.js';

export const LONG_POLLING_CONTENT_TYPE = 'application/vnd.openpolicyagent.bundles';

export interface HttpBundleSourceOptions {
  url: string;
  fetch: typeof fetch;
  /** Sent as `Authorization: Bearer …`; never logged. */
  bearerToken?: string;
  /** 0 disables long polling. */
  longPollingTimeoutS: number;
  timeoutMs: number;
  limits?: Partial<BundleLimits>;
}

function unavailable(detail: string, cause?: unknown): GatewayError {
  return new GatewayError('GW_ERR_BUNDLE_UNAVAILABLE', cause === undefined ? { detail } : { detail, cause });
}

/** Reads the body up to `max` bytes, so an endless or oversized answer cannot exhaust memory. */
async function readCapped(response: Response, max: number): Promise<Uint8Array> {
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  if (length > max) {
    await response.body?.cancel();
    throw new GatewayError('GW_ERR_BUNDLE_INVALID', { detail: `The bundle is ${length} bytes; the limit is ${max}.` });
  }
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw new GatewayError('GW_ERR_BUNDLE_INVALID', { detail: `The bundle is larger than the limit of ${max} bytes.` });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

export function createHttpBundleSource(options: HttpBundleSourceOptions): BundleSource {
  const maxBytes = options.limits?.maxCompressedBytes ?? DEFAULT_BUNDLE_LIMITS.maxCompressedBytes;
  let etag: string | undefined;
  let serverHoldsRequests = false;

  async function check(signal: AbortSignal): Promise<SourceCheck> {
    const headers: Record<string, string> = { accept: `application/gzip, ${LONG_POLLING_CONTENT_TYPE}` };
    if (etag !== undefined) headers['if-none-match'] = etag;
    if (options.bearerToken !== undefined) headers['authorization'] = `Bearer ${options.bearerToken}`;
    let timeoutMs = options.timeoutMs;
    if (options.longPollingTimeoutS > 0) {
      headers['prefer'] = `wait=${options.longPollingTimeoutS}`;
      timeoutMs += options.longPollingTimeoutS * 1000;
    }
    let response: Response;
    try {
      response = await options.fetch(options.url, { headers, signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]), redirect: 'follow' });
    } catch (err) {
      throw unavailable(`GET ${loggableSource(options.url)} failed: ${thrownMessage(err)}`, err);
    }
    const contentType = response.headers.get('content-type') ?? '';
    serverHoldsRequests = options.longPollingTimeoutS > 0 && contentType.startsWith(LONG_POLLING_CONTENT_TYPE);
    if (response.status === 304) {
      await response.body?.cancel();
      return { kind: 'unchanged' };
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw unavailable(`GET ${loggableSource(options.url)} answered ${response.status}.`);
    }
    let bytes: Uint8Array;
    try {
      bytes = await readCapped(response, maxBytes);
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      throw unavailable(`GET ${loggableSource(options.url)}: the body could not be read: ${thrownMessage(err)}`, err);
    }
    const bundle = await readBundle(bytes, options.limits);
    const result: SourceCheck = { kind: 'bundle', bundle };
    const tag = response.headers.get('etag');
    if (tag !== null && tag !== '') result.etag = tag;
    return result;
  }

  return {
    description: loggableSource(options.url),
    check,
    // Only an activated bundle's ETag is sent back, as OPA does: a refused one is fetched again.
    accepted(result) {
      if (result.kind === 'bundle') etag = result.etag;
    },
    failed() {
      etag = undefined;
      serverHoldsRequests = false;
    },
    holdsRequests: () => serverHoldsRequests,
  };
}
