/** An ordered queue of inbound events that a script step can wait on, with a deadline. */

export class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = "TimeoutError";
  }
}

export class Inbox<T> {
  private readonly items: T[] = [];
  private waiter?: (item: T) => void;

  push(item: T): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(item);
    } else this.items.push(item);
  }

  get size(): number {
    return this.items.length;
  }

  /** The next event, oldest first; rejects with TimeoutError when none arrives in time. */
  next(timeoutMs: number): Promise<T> {
    if (this.items.length) return Promise.resolve(this.items.shift()!);
    if (this.waiter) return Promise.reject(new Error("Inbox: only one reader may wait at a time"));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new TimeoutError(timeoutMs));
      }, timeoutMs);
      this.waiter = (item) => {
        clearTimeout(timer);
        resolve(item);
      };
    });
  }

  /** Waits `ms` and returns whatever is queued by then (without consuming it), so a caller can assert silence. */
  async quiet(ms: number): Promise<T[]> {
    if (this.items.length === 0) await new Promise((r) => setTimeout(r, ms));
    return [...this.items];
  }

  drain(): T[] {
    return this.items.splice(0);
  }
}
