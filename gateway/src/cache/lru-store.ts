// Answers in this process's memory, bounded by bytes: least recently used answers go first, and
// expired ones are never served.
import { LRUCache } from 'lru-cache';
import type { CacheStore } from './cache-store.js';

interface Entry {
  value: string;
  bytes: number;
  expiresAt: number;
}

export interface LruStoreOptions {
  maxBytes: number;
  clock: () => number;
}

/** Per-entry bookkeeping (key, map slot, object) counted against the bound along with the value. */
const ENTRY_OVERHEAD_BYTES = 128;

export function createLruStore(options: LruStoreOptions): CacheStore {
  const { maxBytes, clock } = options;
  // Expiry is checked here against the injected clock rather than with lru-cache's TTL, which
  // treats an insertion at time 0 as "no TTL" and serves an entry on its very last millisecond.
  // Expired entries need no sweep: they count against the bound until they are evicted or looked up.
  // lru-cache needs a positive bound; a bound of 0 (no caching) becomes 1, which no entry fits.
  const entries = new LRUCache<string, Entry>({ maxSize: Math.max(1, maxBytes), sizeCalculation: (e) => e.bytes });

  return {
    backend: 'memory',
    get(key) {
      const e = entries.get(key);
      if (e === undefined) return Promise.resolve(undefined);
      if (e.expiresAt <= clock()) {
        entries.delete(key);
        return Promise.resolve(undefined);
      }
      return Promise.resolve(e.value);
    },
    set(key, value, ttlMs) {
      const bytes = Buffer.byteLength(value, 'utf8') + key.length + ENTRY_OVERHEAD_BYTES;
      // An entry larger than the whole bound is not kept, and replaces (drops) what the key held.
      entries.set(key, { value, bytes, expiresAt: clock() + ttlMs });
      return Promise.resolve();
    },
    bytes: () => entries.calculatedSize,
    status: () => ({ ready: true }),
    close() {
      entries.clear();
      return Promise.resolve();
    },
  };
}
