/**
 * The storage contract every driver implements, ported from Prosody's storagemanager to async TypeScript.
 *
 * Stores are scoped by (host, store); `user` is the account's localpart, or "" for host-wide data.
 * Values are JSON and go through JSON.stringify, so what round-trips is exactly what JSON can express
 * (no undefined members, no -0, no NaN).
 *
 * Failures of the storage medium reject with StorageError (lib/errors.ts) so callers can answer
 * wait/internal-server-error; passing a value or query that cannot be stored rejects with TypeError,
 * because that is a bug in the caller. No method ever throws synchronously.
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface KeyValStore<T extends Json = Json> {
  get(user: string): Promise<T | undefined>;
  /** `undefined` deletes; `null` is stored as a value. */
  set(user: string, value: T | undefined): Promise<void>;
}

export interface MapStore<T extends Json = Json> {
  get(user: string, key: string): Promise<T | undefined>;
  set(user: string, key: string, value: T | undefined): Promise<void>;
  /** All or nothing: either every key is written (or deleted, for undefined) or none is. */
  setKeys(user: string, kv: Record<string, T | undefined>): Promise<void>;
  /** In no particular order. */
  getAll(user: string): Promise<Map<string, T>>;
  count(user: string): Promise<number>;
}

/**
 * One selection, shared by find, count and delete: take the user's items in insertion order, keep
 * those matching every given filter, reverse if asked, then keep the first `limit`.
 *
 * - `start`/`end` are inclusive bounds on `when`.
 * - `with` matches the stored `with` string exactly (store bare JIDs if you want bare-JID queries).
 * - `after`/`before` are archive keys and exclusive; they are positions in insertion order whatever
 *   `reverse` says. An unknown key rejects with ArchiveKeyNotFoundError (XEP-0313 item-not-found).
 * - `ids` keeps only items whose key is listed; unknown ids are ignored; `[]` matches nothing.
 * - `limit` is a non-negative integer.
 */
export interface ArchiveQuery {
  start?: Date;
  end?: Date;
  with?: string;
  after?: string;
  before?: string;
  limit?: number;
  reverse?: boolean;
  ids?: string[];
}

export interface ArchiveItem<T> {
  key: string;
  value: T;
  when: Date;
  with: string;
}

export interface ArchiveStore<T extends Json = Json> {
  /**
   * Returns the key: generated when `key` is null (unique, and sorting generated keys as strings
   * gives insertion order within one process). Appending an existing key replaces that item and
   * moves it to the end, as Prosody does, so re-archiving after a crash does not duplicate.
   */
  append(user: string, key: string | null, value: T, when: Date, withJid: string): Promise<string>;
  find(user: string, q?: ArchiveQuery): Promise<ArchiveItem<T>[]>;
  /** The number of items `find` would return for the same query (so `limit` caps it). */
  count(user: string, q?: ArchiveQuery): Promise<number>;
  /** Deletes exactly the items `find` would return; resolves to how many. */
  delete(user: string, q?: ArchiveQuery): Promise<number>;
}

export interface StorageDriver {
  readonly name: string;
  /** Safe to call again while open; a closed driver may be opened again. */
  open(): Promise<void>;
  /** Idempotent. Afterwards every store operation rejects with StorageError. */
  close(): Promise<void>;
  keyval<T extends Json>(host: string, store: string): KeyValStore<T>;
  map<T extends Json>(host: string, store: string): MapStore<T>;
  archive<T extends Json>(host: string, store: string): ArchiveStore<T>;
  /** Removes the user's rows in every store of that host (account deletion). */
  deleteUser(host: string, user: string): Promise<void>;
  /** Users having a keyval value in that store, sorted by JS string order. */
  listUsers(host: string, store: string): Promise<string[]>;
}
