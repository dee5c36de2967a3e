// Reads a bearer token from a file that something else keeps fresh (a workload identity agent,
// `gcloud auth print-access-token` on a timer), re-reading it at most every `maxAgeMs`.
import { readFile } from 'node:fs/promises';
import { upstreamError } from './upstream-error.js';

export interface TokenFileOptions {
  provider: string;
  path: string;
  maxAgeMs: number;
  clock: () => number;
  read?: (path: string) => Promise<string>;
}

export function createTokenFileReader(o: TokenFileOptions): () => Promise<string> {
  const read = o.read ?? ((p: string) => readFile(p, 'utf8'));
  let cached: { token: string; at: number } | undefined;
  return async () => {
    const now = o.clock();
    if (cached && now - cached.at < o.maxAgeMs) return cached.token;
    let token: string;
    try {
      token = (await read(o.path)).trim();
    } catch (cause) {
      // Without a token nothing can be sent; another target may still answer.
      throw upstreamError('GW_ERR_UPSTREAM_UNREACHABLE', { provider: o.provider, retryable: false, cause });
    }
    if (token === '') throw upstreamError('GW_ERR_UPSTREAM_UNREACHABLE', { provider: o.provider, retryable: false });
    cached = { token, at: now };
    return token;
  };
}
