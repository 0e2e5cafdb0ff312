/**
 * Blocklists per account: stored as JID strings, cached because every stanza to or from an account
 * is checked against its list, and changed one operation at a time per account so two resources
 * blocking at once cannot lose each other's entries.
 */
import { LruCache } from "../../lib/jid/lru-cache";
import type { KeyValStore } from "../../lib/storage/types";

export type Blocklist = ReadonlySet<string>;

const EMPTY: Blocklist = new Set();

export class BlocklistStore {
  private readonly cache: LruCache<string, Blocklist>;
  /** The tail of each account's queue of loads and updates. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly kv: KeyValStore<string[]>,
    cacheSize = 10000,
  ) {
    this.cache = new LruCache(cacheSize);
  }

  /** The account's list: synchronously when cached (the common case on the stanza path). */
  get(user: string): Blocklist | Promise<Blocklist> {
    return this.cache.get(user) ?? this.enqueue(user, () => this.read(user));
  }

  /** Replaces the list with change(current); resolves to [before, after]. */
  update(user: string, change: (current: Blocklist) => Set<string>): Promise<[Blocklist, Blocklist]> {
    return this.enqueue(user, async () => {
      const before = await this.read(user);
      const after = change(before);
      await this.kv.set(user, after.size ? [...after] : undefined);
      this.cache.set(user, after);
      return [before, after] as [Blocklist, Blocklist];
    });
  }

  /** The account is gone (its stored list went with it). */
  forget(user: string): void {
    this.cache.set(user, EMPTY);
  }

  private async read(user: string): Promise<Blocklist> {
    const cached = this.cache.get(user);
    if (cached) return cached;
    const list: Blocklist = new Set((await this.kv.get(user)) ?? []);
    this.cache.set(user, list);
    return list;
  }

  private enqueue<T>(user: string, op: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(user) ?? Promise.resolve();
    const run = prev.then(op, op);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(user, tail);
    void tail.then(() => {
      if (this.queues.get(user) === tail) this.queues.delete(user);
    });
    return run;
  }
}
