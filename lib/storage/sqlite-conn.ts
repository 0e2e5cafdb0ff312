/**
 * What the SQLite stores need from the driver: a guarded way to reach the open connection.
 */
import type BetterSqlite3 from "better-sqlite3";

export interface SqliteConn {
  /** A prepared statement, cached per SQL text for the life of the connection. */
  stmt(sql: string): BetterSqlite3.Statement;
  /** Runs fn in a BEGIN IMMEDIATE transaction: the write lock is taken (waiting up to busy_timeout) before any read. */
  write<T>(fn: () => T): T;
}

export interface SqliteRunner {
  /**
   * Runs fn against the open connection. Resolves once fn's writes are committed; rejects with
   * StorageError if the driver is closed or SQLite fails in any way.
   */
  use<T>(op: string, fn: (c: SqliteConn) => T): Promise<T>;
}
