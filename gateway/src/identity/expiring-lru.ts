// A bounded map whose entries expire: the least recently used go first when it is full.
import { LRUCache } from 'lru-cache';

export interface ExpiringLru<V> {
  get(key: string, now: number): V | undefined;
  set(key: string, value: V, expiresAt: number): void;
  delete(key: string): void;
  readonly size: number;
}

interface Slot<V> {
  value: V;
  expiresAt: number;
}

export function createExpiringLru<V>(maxEntries: number): ExpiringLru<V> {
  // Expiry is an absolute time from the caller's clock (a token's exp), checked against the `now`
  // the caller passes: lru-cache's own TTL reads a clock of its own and counts from insertion.
  const entries = new LRUCache<string, Slot<V>>({ max: maxEntries });
  return {
    get(key, now) {
      const slot = entries.get(key);
      if (slot === undefined) return undefined;
      if (slot.expiresAt <= now) {
        entries.delete(key);
        return undefined;
      }
      return slot.value;
    },
    set(key, value, expiresAt) {
      entries.set(key, { value, expiresAt });
    },
    delete(key) {
      entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}
