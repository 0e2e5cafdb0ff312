/**
 * The SQLite schema as an ordered list of migrations; PRAGMA user_version counts how many a
 * database has had. Never edit a shipped migration: append a new one, because databases in the
 * field already ran the old ones.
 */
import type BetterSqlite3 from "better-sqlite3";
import { StorageError } from "../errors";

export type Migration = (db: BetterSqlite3.Database) => void;

export const MIGRATIONS: readonly Migration[] = [
  // 1: the three store shapes. STRICT so a bug cannot slip a non-text value or a float time in.
  (db) =>
    db.exec(`
      CREATE TABLE keyval (
        host TEXT NOT NULL, store TEXT NOT NULL, "user" TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (host, store, "user")
      ) STRICT;
      CREATE TABLE map (
        host TEXT NOT NULL, store TEXT NOT NULL, "user" TEXT NOT NULL, "key" TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (host, store, "user", "key")
      ) STRICT;
      -- AUTOINCREMENT: ids are never reused, so "after"/"before" positions and insertion order
      -- stay meaningful even after the newest rows are deleted.
      CREATE TABLE archive (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        host TEXT NOT NULL, store TEXT NOT NULL, "user" TEXT NOT NULL, "key" TEXT NOT NULL,
        when_ms INTEGER NOT NULL, with_jid TEXT NOT NULL, value TEXT NOT NULL,
        UNIQUE (host, store, "user", "key")
      ) STRICT;
      CREATE INDEX archive_by_user ON archive (host, store, "user", id);
      -- MAM queries filtered by conversation partner would otherwise scan the whole archive.
      CREATE INDEX archive_by_with ON archive (host, store, "user", with_jid, id);
    `),
];

export function schemaVersion(db: BetterSqlite3.Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/**
 * Brings the database to `migrations.length`, all in one IMMEDIATE transaction, so a failed
 * migration leaves the previous version intact and two processes opening at once do not both
 * migrate. Refuses a database written by a newer server: running old code on it could corrupt it.
 */
export function migrate(db: BetterSqlite3.Database, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  const target = migrations.length;
  return db
    .transaction(() => {
      const from = schemaVersion(db);
      if (from > target) {
        throw new StorageError(
          `database schema version ${from} is newer than this server supports (${target}); refusing to open it (upgrade the server or restore a backup)`,
        );
      }
      for (let v = from; v < target; v++) migrations[v](db);
      if (from !== target) db.pragma(`user_version = ${target}`);
      return { from, to: target };
    })
    .immediate();
}
