/**
 * One task at a time per key (here: per account), in arrival order; different keys run in
 * parallel. Storing and delivering an account's offline messages both go through it, so the
 * quota check and the append are one step, and two resources coming online at once cannot
 * both read the same rows before either deletes them.
 */
export class KeyedSerial {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    // A failed task must not poison the queue for the tasks behind it.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with queued or running work (for tests: the map must not grow without bound). */
  get busyKeys(): number {
    return this.tails.size;
  }
}
