// Answers in this process's memory, bounded by bytes: least recently used answers go first, and
// expired ones are never served.
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
  // A Map iterates in insertion order; re-inserting on every hit keeps the oldest use first.
  const entries = new Map<string, Entry>();
  let total = 0;

  const remove = (key: string, e: Entry): void => {
    entries.delete(key);
    total -= e.bytes;
  };

  return {
    backend: 'memory',
    get(key) {
      const e = entries.get(key);
      if (e === undefined) return Promise.resolve(undefined);
      if (e.expiresAt <= clock()) {
        remove(key, e);
        return Promise.resolve(undefined);
      }
      entries.delete(key);
      entries.set(key, e);
      return Promise.resolve(e.value);
    },
    set(key, value, ttlMs) {
      const bytes = Buffer.byteLength(value, 'utf8') + key.length + ENTRY_OVERHEAD_BYTES;
      const old = entries.get(key);
      if (old !== undefined) remove(key, old);
      if (bytes > maxBytes) return Promise.resolve();
      // Expired entries need no sweep: they count against the bound until they are evicted or looked up.
      for (const [k, e] of entries) {
        if (total + bytes <= maxBytes) break;
        remove(k, e);
      }
      entries.set(key, { value, bytes, expiresAt: clock() + ttlMs });
      total += bytes;
      return Promise.resolve();
    },
    bytes: () => total,
    status: () => ({ ready: true }),
    close() {
      entries.clear();
      total = 0;
      return Promise.resolve();
    },
  };
}
