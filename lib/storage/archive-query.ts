/**
 * ArchiveQuery checking, shared by the drivers so that a bad query fails the same way everywhere.
 */
import type { ArchiveQuery } from "./types";

/**
 * `after`/`before` named a key the user's archive does not hold. Not a StorageError: the storage
 * is fine, and XEP-0313 §5.1.2 wants item-not-found for it rather than a wait-type error.
 */
export class ArchiveKeyNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`archive key not found: ${key}`);
    this.name = "ArchiveKeyNotFoundError";
  }
}

/** The query with defaults filled in and times as epoch milliseconds. */
export interface CheckedQuery {
  startMs?: number;
  endMs?: number;
  with?: string;
  after?: string;
  before?: string;
  limit?: number;
  reverse: boolean;
  ids?: string[];
}

function timeOf(name: string, d: unknown): number | undefined {
  if (d === undefined) return undefined;
  if (!(d instanceof Date) || !Number.isFinite(d.getTime())) throw new TypeError(`archive query: ${name} must be a valid Date`);
  return d.getTime();
}

function stringOf(name: string, s: unknown): string | undefined {
  if (s === undefined) return undefined;
  if (typeof s !== "string") throw new TypeError(`archive query: ${name} must be a string`);
  return s;
}

export function checkQuery(q: ArchiveQuery | undefined): CheckedQuery {
  if (q === undefined) return { reverse: false };
  if (q === null || typeof q !== "object") throw new TypeError("archive query must be an object");
  const { limit, ids } = q;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new TypeError("archive query: limit must be a non-negative integer");
  }
  if (ids !== undefined && !(Array.isArray(ids) && ids.every((id) => typeof id === "string"))) {
    throw new TypeError("archive query: ids must be an array of strings");
  }
  return {
    startMs: timeOf("start", q.start),
    endMs: timeOf("end", q.end),
    with: stringOf("with", q.with),
    after: stringOf("after", q.after),
    before: stringOf("before", q.before),
    limit,
    reverse: q.reverse === true,
    ids: ids && [...ids],
  };
}

export function checkWhen(when: unknown): number {
  if (!(when instanceof Date) || !Number.isFinite(when.getTime())) throw new TypeError("archive append: when must be a valid Date");
  return when.getTime();
}

export function checkString(name: string, s: unknown): string {
  if (typeof s !== "string") throw new TypeError(`storage: ${name} must be a string`);
  return s;
}
