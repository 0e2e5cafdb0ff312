import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { StorageError } from "../errors";
import { runStorageConformance } from "./conformance";
import { SqliteDriver } from "./sqlite";
import { MIGRATIONS, schemaVersion } from "./sqlite-schema";

const dir = mkdtempSync(join(tmpdir(), "xmppd-storage-"));
let n = 0;
const freshPath = (): string => join(dir, `db${++n}`, "xmppd.sqlite");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// On a real file, not ":memory:", so WAL and the file system are really in play.
runStorageConformance("sqlite", () => new SqliteDriver({ path: freshPath() }));

/** The driver's own connection, for fault injection only. */
function connectionOf(driver: SqliteDriver): Database.Database {
  return (driver as unknown as { db: Database.Database }).db;
}

async function opened(path: string, opts: { busyTimeoutMs?: number; quickCheck?: boolean } = {}): Promise<SqliteDriver> {
  const d = new SqliteDriver({ path, ...opts });
  await d.open();
  return d;
}

function codeOf(e: unknown): unknown {
  return ((e as StorageError).cause as { code?: unknown } | undefined)?.code;
}

describe("SqliteDriver: files and settings", () => {
  it("creates the parent directory and a WAL-mode database at the latest schema version", async () => {
    const path = freshPath();
    const d = await opened(path);
    await d.keyval("h", "s").set("alice", 1);
    expect(existsSync(path)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(true);
    const db = connectionOf(d);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("synchronous", { simple: true })).toBe(1); // NORMAL
    expect(db.pragma("busy_timeout", { simple: true })).toBe(5000);
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    await d.close();
  });

  it("honours synchronous=FULL and a custom busy timeout", async () => {
    const d = new SqliteDriver({ path: freshPath(), synchronous: "FULL", busyTimeoutMs: 250 });
    await d.open();
    expect(connectionOf(d).pragma("synchronous", { simple: true })).toBe(2);
    expect(connectionOf(d).pragma("busy_timeout", { simple: true })).toBe(250);
    await d.close();
  });

  it("rejects nonsense options at construction", () => {
    expect(() => new SqliteDriver({ path: "x", busyTimeoutMs: -1 })).toThrow(TypeError);
    expect(() => new SqliteDriver({ path: "x", busyTimeoutMs: 1.5 })).toThrow(TypeError);
    expect(() => new SqliteDriver({ path: "x", synchronous: "OFF" as "FULL" })).toThrow(TypeError);
  });

  it("keeps data across close and a new driver instance", async () => {
    const path = freshPath();
    const a = await opened(path);
    await a.keyval("h", "s").set("alice", { v: "kept" });
    await a.map("h", "m").setKeys("alice", { x: 1, y: 2 });
    const key = await a.archive("h", "a").append("alice", null, "msg", new Date(5), "bob@x");
    await a.close();
    await a.close();
    expect(existsSync(`${path}-wal`)).toBe(false); // a clean close checkpoints
    const b = await opened(path);
    await expect(b.keyval("h", "s").get("alice")).resolves.toEqual({ v: "kept" });
    await expect(b.map("h", "m").count("alice")).resolves.toBe(2);
    await expect(b.archive("h", "a").find("alice")).resolves.toEqual([{ key, value: "msg", when: new Date(5), with: "bob@x" }]);
    await b.close();
  });

  it("lets two drivers share one file", async () => {
    const path = freshPath();
    const a = await opened(path);
    const b = await opened(path);
    await a.archive("h", "a").append("alice", "from-a", 1, new Date(0), "x");
    await b.archive("h", "a").append("alice", "from-b", 2, new Date(0), "x");
    expect((await a.archive("h", "a").find("alice")).map((i) => i.key)).toEqual(["from-a", "from-b"]);
    await a.close();
    await b.close();
  });

  it("works on :memory:", async () => {
    const d = await opened(":memory:");
    await d.keyval("h", "s").set("alice", [1]);
    await expect(d.keyval("h", "s").get("alice")).resolves.toEqual([1]);
    await d.close();
  });

  it("prepares each distinct SQL text once", async () => {
    const d = await opened(freshPath());
    const cache = (d as unknown as { statements: Map<string, unknown> }).statements;
    const a = d.archive("h", "a");
    const round = async (i: number): Promise<void> => {
      await d.keyval("h", `s${i}`).set(`u${i}`, i);
      await d.map("h", `m${i}`).setKeys(`u${i}`, { [`k${i}`]: i, gone: undefined });
      await a.append(`u${i}`, `key${i}`, i, new Date(i), `w${i}`);
      await a.append(`u${i}`, null, i, new Date(i), `w${i}`);
      await a.find(`u${i}`, { start: new Date(i), end: new Date(i + 1), with: `w${i}`, after: `key${i}`, ids: [`key${i}`, `x${i}`], limit: i });
      await a.count(`u${i}`, { before: `key${i}`, reverse: true });
      await a.delete(`u${i}`, { ids: [`nope${i}`] });
      await d.deleteUser("h", `other${i}`);
      await d.listUsers("h", `s${i}`);
    };
    await round(1);
    const size = cache.size;
    expect(size).toBeGreaterThan(5);
    for (let i = 2; i < 20; i++) await round(i);
    expect(cache.size).toBe(size);
    await d.close();
    expect(cache.size).toBe(0);
  });
});

describe("SqliteDriver: schema migrations", () => {
  it("migrates a database from every older version on open, keeping existing data", async () => {
    for (let from = 0; from < MIGRATIONS.length; from++) {
      const path = freshPath();
      mkdirSync(join(path, ".."), { recursive: true });
      const raw = new Database(path);
      raw.exec("CREATE TABLE unrelated (x INTEGER)");
      raw.exec("INSERT INTO unrelated VALUES (42)");
      for (let v = 0; v < from; v++) MIGRATIONS[v](raw);
      raw.pragma(`user_version = ${from}`);
      raw.close();

      const d = await opened(path);
      expect(schemaVersion(connectionOf(d))).toBe(MIGRATIONS.length);
      await d.archive("h", "a").append("alice", "k", 1, new Date(0), "x");
      await expect(d.archive("h", "a").count("alice")).resolves.toBe(1);
      expect(connectionOf(d).prepare("SELECT x FROM unrelated").pluck().get()).toBe(42);
      await d.close();
    }
  });

  it("refuses a database from a newer version with a clear StorageError and leaves it alone", async () => {
    const path = freshPath();
    const d = await opened(path);
    await d.keyval("h", "s").set("alice", 1);
    await d.close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();

    const newer = new SqliteDriver({ path });
    const err = await newer.open().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StorageError);
    expect((err as Error).message).toMatch(new RegExp(`schema version ${MIGRATIONS.length + 1} is newer than this server supports \\(${MIGRATIONS.length}\\)`));
    await expect(newer.keyval("h", "s").get("alice")).rejects.toBeInstanceOf(StorageError);
    const check = new Database(path, { readonly: true });
    expect(schemaVersion(check)).toBe(MIGRATIONS.length + 1);
    expect(check.prepare(`SELECT value FROM keyval WHERE "user" = 'alice'`).pluck().get()).toBe("1");
    check.close();
  });
});

describe("SqliteDriver: faults become StorageError", () => {
  it("fails a write with SQLITE_BUSY after busyTimeoutMs while another connection holds an exclusive lock, then recovers", async () => {
    const path = freshPath();
    const d = await opened(path, { busyTimeoutMs: 150 });
    await d.keyval("h", "s").set("alice", "before");
    const other = new Database(path);
    other.exec("BEGIN EXCLUSIVE");
    try {
      const t0 = Date.now();
      const err = await d.keyval("h", "s").set("alice", "during").catch((e: unknown) => e);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
      expect(err).toBeInstanceOf(StorageError);
      expect(codeOf(err)).toBe("SQLITE_BUSY");
      await expect(d.map("h", "m").setKeys("alice", { a: 1 })).rejects.toBeInstanceOf(StorageError);
      await expect(d.archive("h", "a").append("alice", null, 1, new Date(0), "x")).rejects.toBeInstanceOf(StorageError);
      await expect(d.deleteUser("h", "alice")).rejects.toBeInstanceOf(StorageError);
      // WAL readers are not blocked by the writer.
      await expect(d.keyval("h", "s").get("alice")).resolves.toBe("before");
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    await d.keyval("h", "s").set("alice", "after");
    await expect(d.keyval("h", "s").get("alice")).resolves.toBe("after");
    await d.close();
  });

  it("fails open() with StorageError while the database is locked, and opens once it is free", async () => {
    const path = freshPath();
    const first = await opened(path);
    await first.keyval("h", "s").set("alice", 1);
    await first.close();
    const raw = new Database(path);
    raw.exec("BEGIN EXCLUSIVE");
    const d = new SqliteDriver({ path, busyTimeoutMs: 50 });
    try {
      await expect(d.open()).rejects.toBeInstanceOf(StorageError);
      await expect(d.keyval("h", "s").get("alice")).rejects.toBeInstanceOf(StorageError);
    } finally {
      raw.exec("ROLLBACK");
      raw.close();
    }
    await d.open();
    await expect(d.keyval("h", "s").get("alice")).resolves.toBe(1);
    await d.close();
  });

  it("fails writes with SQLITE_FULL when the disk is full, keeps serving reads, and recovers", async () => {
    const d = await opened(freshPath());
    const db = connectionOf(d);
    await d.keyval("h", "s").set("alice", "small");
    const pages = db.pragma("page_count", { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const big = "z".repeat(200_000);
    const err = await d.archive("h", "a").append("alice", null, big, new Date(0), "x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect(codeOf(err)).toBe("SQLITE_FULL");
    await expect(d.map("h", "m").setKeys("alice", { a: big, b: big })).rejects.toBeInstanceOf(StorageError);
    await expect(d.keyval("h", "s").get("alice")).resolves.toBe("small");
    db.pragma("max_page_count = 1000000");
    await d.archive("h", "a").append("alice", null, big, new Date(0), "x");
    await expect(d.map("h", "m").count("alice")).resolves.toBe(0);
    await expect(d.archive("h", "a").count("alice")).resolves.toBe(1);
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    await d.close();
  });

  it("fails writes to a read-only connection with StorageError", async () => {
    const d = await opened(freshPath());
    await d.keyval("h", "s").set("alice", 1);
    connectionOf(d).pragma("query_only = ON");
    const err = await d.keyval("h", "s").set("alice", 2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect(codeOf(err)).toBe("SQLITE_READONLY");
    await expect(d.keyval("h", "s").get("alice")).resolves.toBe(1);
    await d.close();
  });

  it("rolls back all of setKeys when one row fails inside the transaction", async () => {
    const d = await opened(freshPath());
    await d.map("h", "m").setKeys("alice", { a: 1 });
    connectionOf(d).exec(`CREATE TEMP TRIGGER boom BEFORE INSERT ON map WHEN NEW."key" = 'boom' BEGIN SELECT RAISE(ABORT, 'injected'); END`);
    await expect(d.map("h", "m").setKeys("alice", { a: undefined, b: 2, boom: 3, c: 4 })).rejects.toBeInstanceOf(StorageError);
    await expect(d.map("h", "m").getAll("alice")).resolves.toEqual(new Map([["a", 1]]));
    await d.close();
  });

  it("rolls back all of deleteUser when one table fails", async () => {
    const d = await opened(freshPath());
    await d.keyval("h", "s").set("alice", 1);
    await d.map("h", "m").set("alice", "k", 1);
    await d.archive("h", "a").append("alice", null, 1, new Date(0), "x");
    connectionOf(d).exec(`CREATE TEMP TRIGGER boom BEFORE DELETE ON archive BEGIN SELECT RAISE(ABORT, 'injected'); END`);
    await expect(d.deleteUser("h", "alice")).rejects.toBeInstanceOf(StorageError);
    await expect(d.keyval("h", "s").get("alice")).resolves.toBe(1);
    await expect(d.map("h", "m").count("alice")).resolves.toBe(1);
    await d.close();
  });

  it("refuses a file that is not a database", async () => {
    const path = freshPath();
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, "this is not an SQLite database, just text that is long enough ".repeat(100));
    const d = new SqliteDriver({ path });
    const err = await d.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect(codeOf(err)).toBe("SQLITE_NOTADB");
    expect(readFileSync(path, "utf8")).toMatch(/^this is not/);
  });

  it("refuses a damaged database at open, and without quick_check damaged reads reject instead of crashing", async () => {
    const path = freshPath();
    const d = await opened(path);
    for (let i = 0; i < 300; i++) await d.archive("h", "a").append("alice", null, "v".repeat(100), new Date(i), "x");
    await d.close();
    const bytes = readFileSync(path);
    const pageSize = bytes.readUInt16BE(16);
    // Scribble over everything after the first two pages (schema and header stay readable).
    for (let i = pageSize * 2; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
    writeFileSync(path, bytes);
    expect(statSync(path).size).toBeGreaterThan(pageSize * 4);

    await expect(new SqliteDriver({ path }).open()).rejects.toBeInstanceOf(StorageError);

    const lax = await opened(path, { quickCheck: false });
    const err = await lax.archive("h", "a").find("alice").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect(String(codeOf(err))).toMatch(/^SQLITE_CORRUPT/);
    await lax.close();
  });
});

describe("SqliteDriver: crash durability", () => {
  const child = join(__dirname, "test-support", "child-writer.js");

  function run(args: string[], onLine?: (line: string, kill: () => void) => void): Promise<{ signal: NodeJS.Signals | null; code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const p = spawn(process.execPath, [child, ...args], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      let buf = "";
      p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      p.stdout.on("data", (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split("\n");
        buf = lines.pop()!;
        for (const line of lines) onLine?.(line, () => p.kill("SIGKILL"));
      });
      p.on("error", reject);
      p.on("close", (code, signal) => resolve({ code, signal, stderr }));
    });
  }

  it("keeps every write whose promise resolved before the process was SIGKILLed", async () => {
    const path = freshPath();
    const result = await run([path, "self-kill", "200"]);
    expect(result.stderr).toBe("");
    expect(result.signal).toBe("SIGKILL");
    // The WAL is still there: nothing was checkpointed or closed, recovery has to come from it.
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);

    const d = await opened(path);
    const items = await d.archive("h", "archive").find("alice");
    expect(items.map((i) => i.key)).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
    await expect(d.map("h", "map").getAll("alice")).resolves.toEqual(
      new Map([
        ["a", 1],
        ["b", 2],
      ]),
    );
    await expect(d.keyval("h", "kv").get("alice")).resolves.toEqual({ last: true });
    await d.close();
  });

  it("keeps every acknowledged write of a burst killed from outside, with no half rows", async () => {
    const path = freshPath();
    let acked = -1;
    const result = await run([path, "burst"], (line, kill) => {
      acked = Number(line);
      if (acked === 400) kill();
    });
    expect(result.signal).toBe("SIGKILL");
    expect(acked).toBeGreaterThanOrEqual(400);

    const d = await opened(path);
    const items = await d.archive<{ i: number; pad: string }>("h", "archive").find("alice");
    // Everything acked is there, in order; the child may have got a little further than we read.
    expect(items.length).toBeGreaterThan(acked);
    items.forEach((item, i) => {
      expect(item.key).toBe(`m${i}`);
      expect(item.value).toEqual({ i, pad: "x".repeat(200) });
    });
    const counter = (await d.keyval<number>("h", "kv").get("alice"))!;
    expect(counter).toBeGreaterThanOrEqual(acked);
    expect([items.length - 1, items.length - 2]).toContain(counter);
    expect(connectionOf(d).pragma("integrity_check", { simple: true })).toBe("ok");
    await d.close();
  });
});
