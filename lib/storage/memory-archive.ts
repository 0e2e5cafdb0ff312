/**
 * One user's archive for the memory driver, and the reference implementation of ArchiveQuery
 * selection that the SQLite driver's SQL must agree with (the conformance suite checks both).
 */
import { ArchiveKeyNotFoundError, type CheckedQuery } from "./archive-query";

export interface StoredItem {
  seq: number;
  key: string;
  json: string;
  whenMs: number;
  with: string;
}

export class ArchiveLog {
  // Kept in seq order: appends always carry a larger seq than anything already here.
  private items: StoredItem[] = [];
  private readonly byKey = new Map<string, StoredItem>();

  get size(): number {
    return this.items.length;
  }

  append(item: StoredItem): void {
    const old = this.byKey.get(item.key);
    if (old) this.items = this.items.filter((i) => i !== old);
    this.items.push(item);
    this.byKey.set(item.key, item);
  }

  select(q: CheckedQuery): StoredItem[] {
    const afterSeq = q.after === undefined ? undefined : this.seqOf(q.after);
    const beforeSeq = q.before === undefined ? undefined : this.seqOf(q.before);
    const ids = q.ids && new Set(q.ids);
    const out = this.items.filter(
      (i) =>
        (q.startMs === undefined || i.whenMs >= q.startMs) &&
        (q.endMs === undefined || i.whenMs <= q.endMs) &&
        (q.with === undefined || i.with === q.with) &&
        (afterSeq === undefined || i.seq > afterSeq) &&
        (beforeSeq === undefined || i.seq < beforeSeq) &&
        (ids === undefined || ids.has(i.key)),
    );
    if (q.reverse) out.reverse();
    return q.limit === undefined ? out : out.slice(0, q.limit);
  }

  remove(doomed: readonly StoredItem[]): void {
    if (doomed.length === 0) return;
    const gone = new Set(doomed);
    this.items = this.items.filter((i) => !gone.has(i));
    for (const i of doomed) this.byKey.delete(i.key);
  }

  private seqOf(key: string): number {
    const item = this.byKey.get(key);
    if (!item) throw new ArchiveKeyNotFoundError(key);
    return item.seq;
  }
}
