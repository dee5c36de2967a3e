// A bounded set of the most recent record ids, so redelivered Kafka messages are not appended twice.

export class RecentIds {
  readonly #capacity: number;
  readonly #set = new Set<string>();
  readonly #order: string[] = [];
  #head = 0;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, Math.floor(capacity));
  }

  has(id: string): boolean {
    return this.#set.has(id);
  }

  add(id: string): void {
    if (this.#set.has(id)) return;
    this.#set.add(id);
    // A ring buffer keeps eviction O(1) without shifting an array of up to `capacity` ids.
    if (this.#order.length < this.#capacity) {
      this.#order.push(id);
      return;
    }
    this.#set.delete(this.#order[this.#head]!);
    this.#order[this.#head] = id;
    this.#head = (this.#head + 1) % this.#capacity;
  }

  get size(): number {
    return this.#set.size;
  }
}
