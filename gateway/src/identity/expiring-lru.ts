// A bounded map whose entries expire: the least recently used go first when it is full.

export interface ExpiringLru<V> {
  get(key: string, now: number): V | undefined;
  set(key: string, value: V, expiresAt: number): void;
  delete(key: string): void;
  readonly size: number;
}

export function createExpiringLru<V>(maxEntries: number): ExpiringLru<V> {
  // A Map iterates in insertion order; re-inserting on every hit keeps the oldest use first.
  const entries = new Map<string, { value: V; expiresAt: number }>();
  return {
    get(key, now) {
      const e = entries.get(key);
      if (!e) return undefined;
      entries.delete(key);
      if (e.expiresAt <= now) return undefined;
      entries.set(key, e);
      return e.value;
    },
    set(key, value, expiresAt) {
      entries.delete(key);
      entries.set(key, { value, expiresAt });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
    delete(key) {
      entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}
