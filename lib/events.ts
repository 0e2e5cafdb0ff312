/**
 * A priority event bus. Higher priority runs first; equal priorities keep registration order.
 * A handler returns true to stop the chain. Handlers may be async; fire() stays synchronous
 * (no promise allocated) until a handler actually returns a promise.
 */

export const Priority = {
  FIRST: 1000,
  FILTER: 500,
  HIGH: 100,
  DEFAULT: 0,
  FALLBACK: -10,
  LAST: -100,
} as const;

export type HandlerResult = boolean | void | undefined;
export type Handler<T> = (data: T) => HandlerResult | Promise<HandlerResult>;

interface Entry {
  handler: Handler<any>;
  priority: number;
  seq: number;
}

export class EventBus {
  private readonly handlers = new Map<string, Entry[]>();
  private seq = 0;

  /** Registers a handler; returns the function that removes it. */
  on<T>(event: string, handler: Handler<T>, priority: number = Priority.DEFAULT): () => void {
    const entry: Entry = { handler, priority, seq: this.seq++ };
    // Copy-on-write so a handler list being iterated is never mutated under the iterator.
    const list = [...(this.handlers.get(event) ?? []), entry].sort((a, b) => b.priority - a.priority || a.seq - b.seq);
    this.handlers.set(event, list);
    return () => {
      const current = this.handlers.get(event);
      if (!current) return;
      const next = current.filter((e) => e !== entry);
      if (next.length) this.handlers.set(event, next);
      else this.handlers.delete(event);
    };
  }

  has(event: string): boolean {
    return this.handlers.has(event);
  }

  count(event?: string): number {
    if (event !== undefined) return this.handlers.get(event)?.length ?? 0;
    let n = 0;
    for (const list of this.handlers.values()) n += list.length;
    return n;
  }

  /** Runs the handlers in order; the result is true when one of them stopped the chain. */
  fire<T>(event: string, data: T): boolean | Promise<boolean> {
    const list = this.handlers.get(event);
    if (!list) return false;
    for (let i = 0; i < list.length; i++) {
      const r = list[i].handler(data);
      if (r === true) return true;
      if (r instanceof Promise) return this.continueAsync(list, i, r, data);
    }
    return false;
  }

  private async continueAsync<T>(list: Entry[], index: number, pending: Promise<HandlerResult>, data: T): Promise<boolean> {
    if ((await pending) === true) return true;
    for (let i = index + 1; i < list.length; i++) {
      if ((await list[i].handler(data)) === true) return true;
    }
    return false;
  }
}
