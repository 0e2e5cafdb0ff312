/**
 * A bounded cache that forgets the least recently used entries first, in two generations: new and
 * recently read entries live in `current`; when it is full it becomes `previous` and the old
 * `previous` is dropped whole. An entry read from `previous` moves back to `current`.
 *
 * Why not one Map with delete-oldest: V8 leaves a hole for each deleted entry until it rehashes,
 * so finding the oldest key with `keys().next()` walks over every earlier deletion and a cache
 * that evicts on each insert slows down by an order of magnitude. Here no operation iterates.
 *
 * Keys are compared with Map semantics: "__proto__" or "constructor" are ordinary keys.
 */

export class LruCache<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();
  private readonly generationSize: number;

  /** Holds at most `capacity` entries; at least the `capacity / 2` most recently used survive. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError("LruCache capacity must be an integer >= 2");
    this.generationSize = Math.floor(capacity / 2);
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }

  get(key: K): V | undefined {
    const value = this.current.get(key);
    if (value !== undefined) return value;
    const old = this.previous.get(key);
    if (old !== undefined) {
      this.previous.delete(key);
      this.insert(key, old);
    }
    return old;
  }

  set(key: K, value: V): void {
    if (this.current.has(key)) {
      this.current.set(key, value);
      return;
    }
    this.previous.delete(key);
    this.insert(key, value);
  }

  clear(): void {
    this.current = new Map();
    this.previous = new Map();
  }

  private insert(key: K, value: V): void {
    if (this.current.size >= this.generationSize) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }
}
