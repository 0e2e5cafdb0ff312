/**
 * Rosters in storage: one JSON document per user (keyval store "roster"). Changes to one user's
 * roster run one at a time, so concurrent subscription traffic cannot lose an update between a
 * read and a write, and roster pushes leave in the order the versions were issued.
 *
 * References:
 * - XEP-0237 §4 (a new version for every change the client can see)
 * - RFC 6121 §2.1.6 (roster pushes reflect changes in order)
 */
import type { Json, KeyValStore } from "../../lib/storage/types";
import { cloneRoster, emptyRoster, RosterDoc, RosterItem, rosterFromJson, rosterToJson, versionOf } from "./model";

/** Tombstones kept for version diffs; older removals force a full roster on stale clients. */
const MAX_TOMBSTONES = 200;
/** Rosters kept decoded in memory (least recently used first out). */
const CACHE_SIZE = 2000;

/** One change in progress: edits a private copy that replaces the stored roster on commit. */
export class RosterTx {
  private bumped = false;
  private persist = false;
  private readonly afterCommit: (() => void)[] = [];

  constructor(readonly doc: RosterDoc) {}

  get version(): string {
    return versionOf(this.doc);
  }

  item(jid: string): RosterItem | undefined {
    return this.doc.items.get(jid);
  }

  private bump(): number {
    if (!this.bumped) {
      this.doc.n++;
      this.bumped = true;
    }
    this.persist = true;
    return this.doc.n;
  }

  /** Stores an item the client sees changed; the roster version moves on. */
  putItem(jid: string, item: Omit<RosterItem, "v">): RosterItem {
    const stored = { ...item, v: this.bump() };
    this.doc.items.set(jid, stored);
    this.doc.gone.delete(jid);
    return stored;
  }

  removeItem(jid: string): void {
    if (!this.doc.items.delete(jid)) return;
    this.doc.gone.set(jid, this.bump());
    if (this.doc.gone.size > MAX_TOMBSTONES) {
      // Maps iterate in insertion order: the first tombstone is the oldest.
      const [oldest, v] = this.doc.gone.entries().next().value as [string, number];
      this.doc.gone.delete(oldest);
      this.doc.floor = Math.max(this.doc.floor, v);
    }
  }

  /** Changes nothing a client sees (pending requests): stored, but the version stays. */
  touch(): void {
    this.persist = true;
  }

  /** Runs once the change is stored, still in turn with this user's other changes. */
  after(fn: () => void): void {
    this.afterCommit.push(fn);
  }

  get dirty(): boolean {
    return this.persist;
  }

  runAfter(): void {
    for (const fn of this.afterCommit) fn();
  }
}

export class RosterStore {
  private readonly cache = new Map<string, RosterDoc>();
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Bumped by forget(): a change that started before an account deletion must not write it back. */
  private readonly generations = new Map<string, number>();

  constructor(private readonly kv: KeyValStore<Json>) {}

  /** The user's roster as last committed (undefined: never written). Treat it as read-only. */
  async read(user: string): Promise<RosterDoc | undefined> {
    const hit = this.cache.get(user);
    if (hit) {
      this.cache.delete(user);
      this.cache.set(user, hit);
      return hit;
    }
    const doc = rosterFromJson(await this.kv.get(user));
    if (doc) this.remember(user, doc);
    return doc;
  }

  /** Runs fn on a copy of the roster, in turn with the user's other changes; stores it if fn changed it. */
  transact<R>(user: string, fn: (tx: RosterTx) => R | Promise<R>): Promise<R> {
    return this.serialize(user, async () => {
      const generation = this.generations.get(user) ?? 0;
      const current = await this.read(user);
      const tx = new RosterTx(current ? cloneRoster(current) : emptyRoster());
      const result = await fn(tx);
      if (tx.dirty && (this.generations.get(user) ?? 0) === generation) {
        await this.kv.set(user, rosterToJson(tx.doc));
        this.remember(user, tx.doc);
      }
      tx.runAfter();
      return result;
    });
  }

  /** Runs fn with the committed roster while no change to it can start (for consistent replies). */
  withRoster<R>(user: string, fn: (doc: RosterDoc | undefined) => R | Promise<R>): Promise<R> {
    return this.serialize(user, async () => fn(await this.read(user)));
  }

  /** Drops what is cached for a user whose data storage has just deleted. */
  forget(user: string): void {
    this.cache.delete(user);
    this.generations.set(user, (this.generations.get(user) ?? 0) + 1);
  }

  private remember(user: string, doc: RosterDoc): void {
    this.cache.delete(user);
    this.cache.set(user, doc);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
  }

  private serialize<R>(user: string, fn: () => Promise<R>): Promise<R> {
    const prev = this.queues.get(user) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.queues.set(user, tail);
    void tail.then(() => {
      if (this.queues.get(user) === tail) this.queues.delete(user);
    });
    return run;
  }
}
