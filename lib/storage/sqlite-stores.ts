/**
 * Keyval and map stores over the SQLite connection.
 */
import { checkString } from "./archive-query";
import { decodeJson, encodeJson } from "./json-value";
import type { SqliteRunner } from "./sqlite-conn";
import type { Json, KeyValStore, MapStore } from "./types";

const KV_GET = `SELECT value FROM keyval WHERE host = ? AND store = ? AND "user" = ?`;
const KV_PUT = `INSERT INTO keyval (host, store, "user", value) VALUES (?, ?, ?, ?)
  ON CONFLICT (host, store, "user") DO UPDATE SET value = excluded.value`;
const KV_DEL = `DELETE FROM keyval WHERE host = ? AND store = ? AND "user" = ?`;

const MAP_GET = `SELECT value FROM map WHERE host = ? AND store = ? AND "user" = ? AND "key" = ?`;
const MAP_PUT = `INSERT INTO map (host, store, "user", "key", value) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (host, store, "user", "key") DO UPDATE SET value = excluded.value`;
const MAP_DEL = `DELETE FROM map WHERE host = ? AND store = ? AND "user" = ? AND "key" = ?`;
const MAP_ALL = `SELECT "key", value FROM map WHERE host = ? AND store = ? AND "user" = ?`;
const MAP_COUNT = `SELECT count(*) AS n FROM map WHERE host = ? AND store = ? AND "user" = ?`;

export class SqliteKeyValStore<T extends Json> implements KeyValStore<T> {
  constructor(private readonly runner: SqliteRunner, private readonly host: string, private readonly store: string) {}

  async get(user: string): Promise<T | undefined> {
    checkString("user", user);
    return this.runner.use("keyval.get", (c) => {
      const row = c.stmt(KV_GET).get(this.host, this.store, user) as { value: string } | undefined;
      return row && decodeJson<T>(row.value);
    });
  }

  async set(user: string, value: T | undefined): Promise<void> {
    checkString("user", user);
    const json = value === undefined ? undefined : encodeJson(value);
    return this.runner.use("keyval.set", (c) => {
      if (json === undefined) c.stmt(KV_DEL).run(this.host, this.store, user);
      else c.stmt(KV_PUT).run(this.host, this.store, user, json);
    });
  }
}

export class SqliteMapStore<T extends Json> implements MapStore<T> {
  constructor(private readonly runner: SqliteRunner, private readonly host: string, private readonly store: string) {}

  async get(user: string, key: string): Promise<T | undefined> {
    checkString("user", user);
    checkString("key", key);
    return this.runner.use("map.get", (c) => {
      const row = c.stmt(MAP_GET).get(this.host, this.store, user, key) as { value: string } | undefined;
      return row && decodeJson<T>(row.value);
    });
  }

  async set(user: string, key: string, value: T | undefined): Promise<void> {
    return this.setKeys(user, { [key]: value } as Record<string, T | undefined>);
  }

  async setKeys(user: string, kv: Record<string, T | undefined>): Promise<void> {
    checkString("user", user);
    if (kv === null || typeof kv !== "object") throw new TypeError("setKeys: kv must be an object");
    // Encoded up front so a bad value fails before the transaction starts.
    const rows = Object.entries(kv).map(([k, v]) => [k, v === undefined ? undefined : encodeJson(v)] as const);
    return this.runner.use("map.setKeys", (c) =>
      c.write(() => {
        for (const [k, json] of rows) {
          if (json === undefined) c.stmt(MAP_DEL).run(this.host, this.store, user, k);
          else c.stmt(MAP_PUT).run(this.host, this.store, user, k, json);
        }
      }),
    );
  }

  async getAll(user: string): Promise<Map<string, T>> {
    checkString("user", user);
    return this.runner.use("map.getAll", (c) => {
      const rows = c.stmt(MAP_ALL).all(this.host, this.store, user) as { key: string; value: string }[];
      return new Map(rows.map((r) => [r.key, decodeJson<T>(r.value)]));
    });
  }

  async count(user: string): Promise<number> {
    checkString("user", user);
    return this.runner.use("map.count", (c) => (c.stmt(MAP_COUNT).get(this.host, this.store, user) as { n: number }).n);
  }
}
