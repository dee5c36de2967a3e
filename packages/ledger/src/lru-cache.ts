// A small least-recently-used map, used to keep recently read tiles and bundles in memory within a budget.

export class LruCache<K, V> {
  readonly #max: number;
  readonly #weigh: (value: V) => number;
  readonly #map = new Map<K, { value: V; weight: number }>();
  #total = 0;

  /** `max` bounds the summed weight of the values; without `weigh` every value weighs 1. */
  constructor(max: number, weigh: (value: V) => number = () => 1) {
    this.#max = Math.max(0, Math.floor(max));
    this.#weigh = weigh;
  }

  get(key: K): V | undefined {
    const slot = this.#map.get(key);
    if (slot === undefined) return undefined;
    // Map keeps insertion order, so re-inserting marks the entry most recent.
    this.#map.delete(key);
    this.#map.set(key, slot);
    return slot.value;
  }

  set(key: K, value: V): void {
    if (this.#max === 0) return;
    this.delete(key);
    const weight = this.#weigh(value);
    this.#map.set(key, { value, weight });
    this.#total += weight;
    while (this.#total > this.#max && this.#map.size > 1) {
      const oldest = this.#map.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
  }

  delete(key: K): void {
    const slot = this.#map.get(key);
    if (slot === undefined) return;
    this.#total -= slot.weight;
    this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
    this.#total = 0;
  }

  get weight(): number {
    return this.#total;
  }
}
