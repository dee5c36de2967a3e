// The in-memory cache store: bounded by bytes, least recently used first out, TTL honoured.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLruStore } from '../../gateway/src/cache/index.js';

describe('in-memory LRU store', () => {
  it('never holds more bytes than its bound, evicting the least recently used', async () => {
    let now = 0;
    const store = createLruStore({ maxBytes: 10_000, clock: () => now });
    const value = 'v'.repeat(1000);
    for (let i = 0; i < 50; i++) {
      await store.set(`key-${i}`, value, 60_000);
      if (i === 5) assert.equal(await store.get('key-0'), value, 'touching key-0 makes it recent');
      assert.ok((store.bytes() ?? Infinity) <= 10_000, `${store.bytes()} bytes after ${i + 1} entries`);
    }
    assert.equal(await store.get('key-49'), value);
    assert.equal(await store.get('key-1'), undefined, 'the oldest untouched entries went first');
    now += 1;
  });

  it('does not serve expired entries, and refuses entries larger than the bound', async () => {
    let now = 1_000;
    const store = createLruStore({ maxBytes: 4_000, clock: () => now });
    await store.set('a', 'answer', 1_000);
    now += 999;
    assert.equal(await store.get('a'), 'answer');
    now += 1;
    assert.equal(await store.get('a'), undefined);
    await store.set('huge', 'x'.repeat(5_000), 1_000);
    assert.equal(await store.get('huge'), undefined);
    assert.equal(store.bytes(), 0);
  });
});
