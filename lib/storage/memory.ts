/**
 * In-memory storage driver: the tests' default and the reference behaviour for other drivers.
 *
 * Everything is keyed by Map (never a plain object indexed by user input, so "__proto__" is just
 * another name), and values are held as their JSON text, which deep-copies them in and out.
 * Data survives close() and open() again, like a database file would.
 */
import { StorageError } from "../errors";
import { archiveKeys } from "./archive-key";
import { checkQuery, checkString, checkWhen } from "./archive-query";
import { decodeJson, encodeJson } from "./json-value";
import { ArchiveLog } from "./memory-archive";
import type { ArchiveItem, ArchiveQuery, ArchiveStore, Json, KeyValStore, MapStore, StorageDriver } from "./types";

/** host → store → user → V */
type Scoped<V> = Map<string, Map<string, Map<string, V>>>;

function usersOf<V>(all: Scoped<V>, host: string, store: string, create: true): Map<string, V>;
function usersOf<V>(all: Scoped<V>, host: string, store: string, create: false): Map<string, V> | undefined;
function usersOf<V>(all: Scoped<V>, host: string, store: string, create: boolean): Map<string, V> | undefined {
  let stores = all.get(host);
  if (!stores) {
    if (!create) return undefined;
    stores = new Map();
    all.set(host, stores);
  }
  let users = stores.get(store);
  if (!users && create) {
    users = new Map();
    stores.set(store, users);
  }
  return users;
}

export class MemoryDriver implements StorageDriver {
  readonly name = "memory";
  private isOpen = false;
  private readonly keyvals: Scoped<string> = new Map();
  private readonly maps: Scoped<Map<string, string>> = new Map();
  private readonly archives: Scoped<ArchiveLog> = new Map();
  private nextSeq = 1;

  async open(): Promise<void> {
    this.isOpen = true;
  }

  async close(): Promise<void> {
    this.isOpen = false;
  }

  keyval<T extends Json>(host: string, store: string): KeyValStore<T> {
    const users = (): Map<string, string> => usersOf(this.keyvals, host, store, true);
    return {
      get: async (user) => {
        this.guard();
        const json = users().get(checkString("user", user));
        return json === undefined ? undefined : decodeJson<T>(json);
      },
      set: async (user, value) => {
        checkString("user", user);
        const json = value === undefined ? undefined : encodeJson(value);
        this.guard();
        if (json === undefined) users().delete(user);
        else users().set(user, json);
      },
    };
  }

  map<T extends Json>(host: string, store: string): MapStore<T> {
    const users = (): Map<string, Map<string, string>> => usersOf(this.maps, host, store, true);
    // Encode everything before touching the store, so a bad value leaves setKeys with no effect.
    const write = (user: string, entries: [string, T | undefined][]): void => {
      checkString("user", user);
      const encoded = entries.map(([k, v]) => [checkString("key", k), v === undefined ? undefined : encodeJson(v)] as const);
      this.guard();
      let keys = users().get(user);
      for (const [k, json] of encoded) {
        if (json !== undefined) {
          if (!keys) users().set(user, (keys = new Map()));
          keys.set(k, json);
        } else keys?.delete(k);
      }
      if (keys?.size === 0) users().delete(user);
    };
    return {
      get: async (user, key) => {
        this.guard();
        const json = users().get(checkString("user", user))?.get(checkString("key", key));
        return json === undefined ? undefined : decodeJson<T>(json);
      },
      set: async (user, key, value) => write(user, [[key, value]]),
      setKeys: async (user, kv) => {
        if (kv === null || typeof kv !== "object") throw new TypeError("setKeys: kv must be an object");
        write(user, Object.entries(kv));
      },
      getAll: async (user) => {
        this.guard();
        const out = new Map<string, T>();
        for (const [k, json] of users().get(checkString("user", user)) ?? []) out.set(k, decodeJson<T>(json));
        return out;
      },
      count: async (user) => {
        this.guard();
        return users().get(checkString("user", user))?.size ?? 0;
      },
    };
  }

  archive<T extends Json>(host: string, store: string): ArchiveStore<T> {
    const users = (): Map<string, ArchiveLog> => usersOf(this.archives, host, store, true);
    const toItem = (i: { key: string; json: string; whenMs: number; with: string }): ArchiveItem<T> => ({
      key: i.key,
      value: decodeJson<T>(i.json),
      when: new Date(i.whenMs),
      with: i.with,
    });
    return {
      append: async (user, key, value, when, withJid) => {
        checkString("user", user);
        if (key !== null) checkString("key", key);
        const whenMs = checkWhen(when);
        checkString("with", withJid);
        const json = encodeJson(value);
        this.guard();
        let log = users().get(user);
        if (!log) users().set(user, (log = new ArchiveLog()));
        const k = key ?? archiveKeys.next();
        log.append({ seq: this.nextSeq++, key: k, json, whenMs, with: withJid });
        return k;
      },
      find: async (user, q) => {
        const query = checkQuery(q);
        this.guard();
        return this.logOf(users(), user).select(query).map(toItem);
      },
      count: async (user, q) => {
        const query = checkQuery(q);
        this.guard();
        return this.logOf(users(), user).select(query).length;
      },
      delete: async (user, q?: ArchiveQuery) => {
        const query = checkQuery(q);
        this.guard();
        const log = this.logOf(users(), user);
        const doomed = log.select(query);
        log.remove(doomed);
        if (log.size === 0) users().delete(user);
        return doomed.length;
      },
    };
  }

  async deleteUser(host: string, user: string): Promise<void> {
    checkString("user", user);
    this.guard();
    for (const all of [this.keyvals, this.maps, this.archives] as Scoped<unknown>[]) {
      for (const users of all.get(host)?.values() ?? []) users.delete(user);
    }
  }

  async listUsers(host: string, store: string): Promise<string[]> {
    this.guard();
    return [...(usersOf(this.keyvals, host, store, false)?.keys() ?? [])].sort();
  }

  // An empty log still has to answer after/before lookups (with ArchiveKeyNotFoundError).
  private logOf(users: Map<string, ArchiveLog>, user: string): ArchiveLog {
    return users.get(checkString("user", user)) ?? new ArchiveLog();
  }

  private guard(): void {
    if (!this.isOpen) throw new StorageError("storage driver memory is not open");
  }
}
