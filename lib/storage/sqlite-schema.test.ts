import Database from "better-sqlite3";
import { StorageError } from "../errors";
import { MIGRATIONS, migrate, schemaVersion, type Migration } from "./sqlite-schema";

// The shipped list has one migration so far; these exercise the mechanism with made-up ones.
const v1: Migration = (db) => db.exec("CREATE TABLE t (name TEXT)");
const v2: Migration = (db) => {
  db.exec("ALTER TABLE t ADD COLUMN upper TEXT");
  db.exec("UPDATE t SET upper = upper(name)");
};
const v3: Migration = (db) => db.exec("CREATE INDEX t_upper ON t (upper)");

describe("migrate", () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(":memory:");
  });
  afterEach(() => db.close());

  it("brings an empty database to the latest version", () => {
    expect(migrate(db, [v1, v2])).toEqual({ from: 0, to: 2 });
    expect(schemaVersion(db)).toBe(2);
    db.exec("INSERT INTO t (name, upper) VALUES ('a', 'A')");
  });

  it("applies only the pending migrations, in order, to an older database with data", () => {
    migrate(db, [v1]);
    db.exec("INSERT INTO t (name) VALUES ('alice'), ('bob')");
    const ran: number[] = [];
    const spy = (n: number, m: Migration): Migration => (d) => {
      ran.push(n);
      m(d);
    };
    expect(migrate(db, [spy(1, v1), spy(2, v2), spy(3, v3)])).toEqual({ from: 1, to: 3 });
    expect(ran).toEqual([2, 3]);
    expect(db.prepare("SELECT upper FROM t ORDER BY name").pluck().all()).toEqual(["ALICE", "BOB"]);
    expect(schemaVersion(db)).toBe(3);
  });

  it("does nothing at the latest version", () => {
    migrate(db, [v1, v2]);
    const boom: Migration = () => {
      throw new Error("must not run");
    };
    expect(migrate(db, [boom, boom])).toEqual({ from: 2, to: 2 });
  });

  it("refuses a newer database with StorageError and changes nothing", () => {
    migrate(db, [v1, v2, v3]);
    expect(() => migrate(db, [v1, v2])).toThrow(StorageError);
    expect(() => migrate(db, [v1, v2])).toThrow("database schema version 3 is newer than this server supports (2)");
    expect(schemaVersion(db)).toBe(3);
  });

  it("rolls a failed migration back completely, version included", () => {
    migrate(db, [v1]);
    db.exec("INSERT INTO t (name) VALUES ('alice')");
    const half: Migration = (d) => {
      d.exec("CREATE TABLE half_done (x)");
      throw new Error("disk on fire");
    };
    expect(() => migrate(db, [v1, v2, half])).toThrow("disk on fire");
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
    expect(db.prepare("SELECT count(*) FROM pragma_table_info('t') WHERE name = 'upper'").pluck().get()).toBe(0);
  });

  it("ships migrations that create the documented tables and indexes", () => {
    migrate(db);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
    expect(names).toEqual(["archive", "archive_by_user", "archive_by_with", "keyval", "map"]);
    const indexCols = db.prepare("SELECT name FROM pragma_index_info('archive_by_user') ORDER BY seqno").pluck().all();
    expect(indexCols).toEqual(["host", "store", "user", "id"]);
    const pk = (t: string): unknown[] => db.prepare(`SELECT name FROM pragma_table_info('${t}') WHERE pk > 0 ORDER BY pk`).pluck().all();
    expect(pk("keyval")).toEqual(["host", "store", "user"]);
    expect(pk("map")).toEqual(["host", "store", "user", "key"]);
    // Archive keys are unique per user, not globally.
    const ins = db.prepare(`INSERT INTO archive (host, store, "user", "key", when_ms, with_jid, value) VALUES (?, 's', ?, 'k', 0, '', '1')`);
    ins.run("h", "alice");
    ins.run("h", "bob");
    ins.run("h2", "alice");
    expect(() => ins.run("h", "alice")).toThrow(/UNIQUE/);
  });
});
