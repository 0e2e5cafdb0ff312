/**
 * Running an archive query: the form's filters define the result set, RSM picks the page.
 *
 * - Forward paging (no <before/>) takes the first `max` items after the cursor; backward paging
 *   (<before/>, empty for the last page) the last `max` before it, sent in chronological order.
 *   'complete' says whether the page reached the end of the result set in the paging direction.
 * - The form's after-id/before-id and RSM's after/before may both be given (a client paging
 *   through a range): the cursor is the more restrictive of the two, found with one indexed count.
 * - 'with' is matched against the stored bare JID; a full JID additionally keeps only items whose
 *   contact was exactly that resource, walking the bare JID's items in batches. Such queries
 *   report no <count/> or index, which would need a walk over every item with that contact.
 * - Unknown ids reject with ArchiveKeyNotFoundError, which the caller answers with item-not-found.
 *
 * References:
 * - XEP-0313 §4.1 (filters), §4.1.1 (with: bare matches any resource; full matches exactly),
 *   §4.1.3 (unknown before-id/after-id/ids: item-not-found), §4.3 (paging; 'complete'),
 *   §4.3.3 (the last page), §9 (RSM before/after versus before-id/after-id)
 * - XEP-0059 §2.2 (after; count and first/@index), §2.3 (before), §2.5 (last page), §2.7 (max=0)
 */
import { ArchiveKeyNotFoundError } from "../../lib/storage/archive-query";
import type { ArchiveItem, ArchiveQuery, ArchiveStore } from "../../lib/storage/types";
import type { QueryFilter } from "./form";
import type { ArchivedMessage } from "./record";
import type { PageRequest } from "./rsm";

export interface QueryLimits {
  /** Page size when the client gives no <max/>. */
  defaultMax: number;
  /** The most items one page may hold, whatever the client asks. */
  hardMax: number;
}

export interface QueryResult {
  /** Chronological. */
  items: ArchiveItem<ArchivedMessage>[];
  complete: boolean;
  count?: number;
  firstIndex?: number;
}

type Item = ArchiveItem<ArchivedMessage>;

/** Rows read per round when a full-JID 'with' filters items the store cannot select itself. */
const WALK_BATCH = 200;

async function walk(store: ArchiveStore<ArchivedMessage>, user: string, q: ArchiveQuery, want: number, keep?: (i: Item) => boolean) {
  if (!keep) {
    const found = await store.find(user, { ...q, limit: want + 1 });
    return { items: found.slice(0, want), more: found.length > want };
  }
  const items: Item[] = [];
  let cursor = q;
  for (;;) {
    const batch = await store.find(user, { ...cursor, limit: WALK_BATCH });
    for (const item of batch) {
      if (!keep(item)) continue;
      if (items.length === want) return { items, more: true };
      items.push(item);
    }
    if (batch.length < WALK_BATCH) return { items, more: false };
    const last = batch[batch.length - 1].key;
    cursor = q.reverse ? { ...cursor, before: last } : { ...cursor, after: last };
  }
}

export async function runQuery(
  store: ArchiveStore<ArchivedMessage>,
  user: string,
  filter: QueryFilter,
  page: PageRequest,
  limits: QueryLimits,
): Promise<QueryResult> {
  const exists = async (key: string) => (await store.count(user, { ids: [key] })) === 1;
  /** Of two positions, the later (for after) or the earlier (for before); both must exist. */
  const tighter = async (side: "after" | "before", a: string | undefined, b: string | undefined) => {
    if (a === undefined || b === undefined) return a ?? b;
    if (!(await exists(b))) throw new ArchiveKeyNotFoundError(b);
    return (await store.count(user, { [side]: a, ids: [b] })) === 1 ? b : a;
  };

  if (filter.ids && filter.ids.length > 0 && (await store.count(user, { ids: filter.ids })) !== filter.ids.length) {
    throw new ArchiveKeyNotFoundError(filter.ids.join(" "));
  }
  const max = Math.min(page.max ?? limits.defaultMax, limits.hardMax);
  const withJid = filter.with;
  const base: ArchiveQuery = { start: filter.start, end: filter.end, with: withJid?.bare.toString(), ids: filter.ids };
  const set: ArchiveQuery = { ...base, after: filter.afterId, before: filter.beforeId };
  const backward = page.before !== undefined;
  const after = await tighter("after", filter.afterId, page.after);
  const before = await tighter("before", filter.beforeId, page.before === "" ? undefined : page.before);
  const keep = withJid && !withJid.isBare ? (i: Item) => i.value.peer === withJid.toString() : undefined;

  const { items, more } = await walk(store, user, { ...base, after, before, reverse: backward }, max, keep);
  if (backward) items.reverse();
  const result: QueryResult = { items, complete: !more };
  if (!keep) {
    result.count = await store.count(user, set);
    if (items.length > 0) result.firstIndex = await store.count(user, { ...set, before: items[0].key });
  }
  return result;
}
