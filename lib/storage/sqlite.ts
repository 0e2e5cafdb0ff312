/**
 * SQLite storage driver (better-sqlite3): one database file, one connection, which is also the
 * only writer, as reliability.md §6 D7 asks.
 *
 * Durability: better-sqlite3 is synchronous, so when a write's promise resolves its transaction
 * has committed. Committed transactions survive a crash of the process (SIGKILL included) in any
 * journal mode. The default `synchronous=NORMAL` in WAL mode skips the fsync at each commit, so
 * an OS crash or power loss can roll back the last commits since the previous checkpoint (the
 * database itself stays consistent). `synchronous: "FULL"` closes that window at the price of an
 * fsync per write, which also blocks the event loop for its duration (better-sqlite3 is
 * synchronous). Measured on the dev VM (ext4 on virtio, one write per call, ~200-byte values):
 *   NORMAL: archive.append ≈ 14-17k/s, keyval.set ≈ 60k/s
 *   FULL:   archive.append ≈ 2.8-3.1k/s, keyval.set ≈ 4-6k/s (0.2-0.35 ms of blocked loop per write)
 * and disks that really flush (not a VM's write cache) are slower still under FULL. Every
 * acknowledged write already survives SIGKILL under NORMAL (the P0 guarantee, DUR-01), so we
 * default to NORMAL and accept the power-loss window of reliability.md §6 D5; deployments that
 * must not lose acknowledged messages on power loss set `synchronous: "FULL"`.
 *
 * Every failure reaches the caller as a rejected StorageError carrying the SQLite error as its
 * cause; nothing here throws synchronously or takes the process down.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { StorageError } from "../errors";
import { ArchiveKeyNotFoundError, checkString } from "./archive-query";
import { SqliteArchiveStore } from "./sqlite-archive";
import type { SqliteConn, SqliteRunner } from "./sqlite-conn";
import { migrate } from "./sqlite-schema";
import { SqliteKeyValStore, SqliteMapStore } from "./sqlite-stores";
import type { ArchiveStore, Json, KeyValStore, MapStore, StorageDriver } from "./types";

export interface SqliteDriverOptions {
  /** Database file; its directory is created. ":memory:" works but has no WAL and no persistence. */
  path: string;
  /**
   * How long a write waits for another connection's lock before failing (SQLITE_BUSY). Default 5000.
   * The wait blocks the event loop (better-sqlite3 is synchronous); only another process (an admin
   * tool, a backup) can hold the lock, since this driver is the server's only connection.
   */
  busyTimeoutMs?: number;
  /** See the durability note above. Default "NORMAL". */
  synchronous?: "NORMAL" | "FULL";
  /** Run PRAGMA quick_check at open and refuse a damaged database. Default true; it reads the whole file. */
  quickCheck?: boolean;
}

const TABLES = ["keyval", "map", "archive"] as const;

// Distinct stores of a host by repeated index seeks (a "loose index scan"): far cheaper than
// scanning every row of the host when the archive is large and the stores are few.
const storesOfHost = (table: string): string => `
  WITH RECURSIVE s(store) AS (
    SELECT min(store) FROM ${table} WHERE host = @host
    UNION ALL
    SELECT (SELECT min(store) FROM ${table} WHERE host = @host AND store > s.store) FROM s WHERE s.store IS NOT NULL
  )
  SELECT store FROM s WHERE store IS NOT NULL`;

function explain(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === "string" ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}

function isFile(path: string): boolean {
  return path !== ":memory:" && path !== "" && !path.startsWith("file:");
}

export class SqliteDriver implements StorageDriver, SqliteRunner {
  readonly name = "sqlite";
  private db: Database.Database | null = null;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly conn: SqliteConn;
  private readonly path: string;
  private readonly busyTimeoutMs: number;
  private readonly synchronous: "NORMAL" | "FULL";
  private readonly quickCheck: boolean;

  constructor(opts: SqliteDriverOptions) {
    this.path = opts.path;
    this.busyTimeoutMs = opts.busyTimeoutMs ?? 5000;
    this.synchronous = opts.synchronous ?? "NORMAL";
    this.quickCheck = opts.quickCheck ?? true;
    if (!Number.isSafeInteger(this.busyTimeoutMs) || this.busyTimeoutMs < 0) throw new TypeError("sqlite: busyTimeoutMs must be a non-negative integer");
    if (this.synchronous !== "NORMAL" && this.synchronous !== "FULL") throw new TypeError("sqlite: synchronous must be NORMAL or FULL");
    this.conn = {
      stmt: (sql) => this.statement(sql),
      write: (fn) => this.connection().transaction(fn).immediate(),
    };
  }

  async open(): Promise<void> {
    if (this.db) return;
    let db: Database.Database | undefined;
    try {
      if (isFile(this.path)) mkdirSync(dirname(this.path), { recursive: true });
      db = new Database(this.path, { timeout: this.busyTimeoutMs });
      db.pragma("journal_mode = WAL");
      db.pragma(`synchronous = ${this.synchronous}`);
      db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
      db.pragma("foreign_keys = ON");
      if (this.quickCheck) {
        const result = db.pragma("quick_check", { simple: true });
        if (result !== "ok") throw new StorageError(`sqlite: ${this.path} failed quick_check: ${String(result)}`);
      }
      migrate(db);
    } catch (e) {
      try {
        db?.close();
      } catch {
        // Already failing; the original error is the one worth reporting.
      }
      throw e instanceof StorageError ? e : new StorageError(`sqlite: cannot open ${this.path}: ${explain(e)}`, e);
    }
    this.db = db;
  }

  async close(): Promise<void> {
    const db = this.db;
    if (!db) return;
    this.db = null;
    this.statements.clear();
    try {
      db.close();
    } catch (e) {
      throw new StorageError(`sqlite: closing ${this.path}: ${explain(e)}`, e);
    }
  }

  async use<T>(op: string, fn: (c: SqliteConn) => T): Promise<T> {
    try {
      return fn(this.conn);
    } catch (e) {
      if (e instanceof StorageError || e instanceof ArchiveKeyNotFoundError) throw e;
      throw new StorageError(`sqlite ${op}: ${explain(e)}`, e);
    }
  }

  keyval<T extends Json>(host: string, store: string): KeyValStore<T> {
    return new SqliteKeyValStore<T>(this, host, store);
  }

  map<T extends Json>(host: string, store: string): MapStore<T> {
    return new SqliteMapStore<T>(this, host, store);
  }

  archive<T extends Json>(host: string, store: string): ArchiveStore<T> {
    return new SqliteArchiveStore<T>(this, host, store);
  }

  async deleteUser(host: string, user: string): Promise<void> {
    checkString("user", user);
    return this.use("deleteUser", (c) =>
      c.write(() => {
        for (const table of TABLES) {
          const stores = c.stmt(storesOfHost(table)).pluck().all({ host }) as string[];
          const del = c.stmt(`DELETE FROM ${table} WHERE host = ? AND store = ? AND "user" = ?`);
          for (const store of stores) del.run(host, store, user);
        }
      }),
    );
  }

  async listUsers(host: string, store: string): Promise<string[]> {
    return this.use("listUsers", (c) => {
      const users = c.stmt(`SELECT "user" FROM keyval WHERE host = ? AND store = ?`).pluck().all(host, store) as string[];
      // Sorted here, not by SQL: SQLite compares UTF-8 bytes, JS compares UTF-16 units, and both drivers must agree.
      return users.sort();
    });
  }

  private connection(): Database.Database {
    if (!this.db) throw new StorageError(`sqlite: storage driver for ${this.path} is not open`);
    return this.db;
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.connection().prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}
