/**
 * The storage driver conformance suite (architecture.md §8.5): every driver runs these same jest
 * tests, so modules can rely on the contract in types.ts rather than on one driver's habits.
 *
 * Usage, in a driver's test file:
 *   runStorageConformance("sqlite", () => new SqliteDriver({ path: freshTempFile() }));
 * `makeDriver` must return a new, empty, unopened driver each time; the suite opens it before
 * each test and closes it after.
 *
 * Imported from @jest/globals (installed with jest) rather than using the ambient globals so this
 * file also compiles under tsconfig.build.json, which leaves the jest types out; a triple-slash
 * reference would instead leak the jest globals into the type-check of every production file.
 */
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { StorageError } from "../errors";
import { ArchiveKeyNotFoundError } from "./archive-query";
import type { ArchiveQuery, ArchiveStore, Json, StorageDriver } from "./types";

const T0 = Date.UTC(2024, 0, 1);
const at = (minute: number): Date => new Date(T0 + minute * 60_000);
const key = (i: number): string => `k${String(i).padStart(2, "0")}`;
const keysOf = (items: { key: string }[]): string[] => items.map((i) => i.key);
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

const BOB = "bob@example.net";
const CAROL = "carol@example.org";

/** Appends items 0..n-1: key kNN, value {i}, at minute i, alternating carol (even) and bob (odd). */
async function fill(a: ArchiveStore, user: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await a.append(user, key(i), { i }, at(i), i % 2 ? BOB : CAROL);
}

/** Calls f, failing the test if it throws synchronously instead of returning a promise. */
function call<T>(f: () => Promise<T>): Promise<T> {
  let p: Promise<T> | undefined;
  expect(() => {
    p = f();
  }).not.toThrow();
  expect(p).toBeInstanceOf(Promise);
  return p as Promise<T>;
}

/** An object whose own "__proto__" property is data, as JSON.parse makes it (a literal would set the prototype). */
function withProtoKey(value: Json): Record<string, Json> {
  const o: Record<string, Json> = {};
  Object.defineProperty(o, "__proto__", { value, enumerable: true, writable: true, configurable: true });
  return o;
}

function bigValue(): { text: string; obj: Json } {
  const text = "x😀é\u0000".repeat(20_000); // ~100 KB as UTF-16, more as UTF-8
  const obj: Record<string, Json> = {};
  for (let i = 0; i < 2_000; i++) obj[`field${i}`] = { n: i, s: `value ${i} ${"y".repeat(30)}`, a: [i, null, true] };
  return { text, obj };
}

export function runStorageConformance(name: string, makeDriver: () => Promise<StorageDriver> | StorageDriver): void {
  describe(`storage driver conformance: ${name}`, () => {
    let driver: StorageDriver;

    beforeEach(async () => {
      driver = await makeDriver();
      await driver.open();
    });

    afterEach(async () => {
      await driver.close();
    });

    describe("keyval", () => {
      it("gives undefined for a user with no value", async () => {
        await expect(driver.keyval("h", "s").get("nobody")).resolves.toBeUndefined();
      });

      it("returns what was set", async () => {
        const kv = driver.keyval("h", "s");
        await kv.set("alice", { a: 1, b: [1, "two", { c: null }] });
        await expect(kv.get("alice")).resolves.toEqual({ a: 1, b: [1, "two", { c: null }] });
      });

      it("overwrites, and undefined deletes", async () => {
        const kv = driver.keyval<Json>("h", "s");
        await kv.set("alice", { v: 1 });
        await kv.set("alice", { w: 2 });
        await expect(kv.get("alice")).resolves.toEqual({ w: 2 });
        await kv.set("alice", undefined);
        await expect(kv.get("alice")).resolves.toBeUndefined();
        await expect(kv.set("alice", undefined)).resolves.toBeUndefined();
      });

      it("stores null and falsy values as values, not deletions", async () => {
        const kv = driver.keyval<Json>("h", "s");
        const values: Json[] = [null, false, 0, "", [], {}];
        for (const [i, v] of values.entries()) await kv.set(`u${i}`, v);
        for (const [i, v] of values.entries()) await expect(kv.get(`u${i}`)).resolves.toEqual(v);
        expect(await driver.listUsers("h", "s")).toHaveLength(values.length);
      });

      it("keeps hosts, stores and users apart", async () => {
        const scopes = [
          ["h1", "s1", "u1"],
          ["h1", "s1", "u2"],
          ["h1", "s2", "u1"],
          ["h2", "s1", "u1"],
          ["h1", "s1", ""],
        ] as const;
        for (const [h, s, u] of scopes) await driver.keyval(h, s).set(u, `${h}/${s}/${u}`);
        for (const [h, s, u] of scopes) await expect(driver.keyval(h, s).get(u)).resolves.toBe(`${h}/${s}/${u}`);
        await driver.keyval("h1", "s1").set("u1", undefined);
        await expect(driver.keyval("h1", "s1").get("u1")).resolves.toBeUndefined();
        for (const [h, s, u] of scopes.slice(1)) await expect(driver.keyval(h, s).get(u)).resolves.toBe(`${h}/${s}/${u}`);
      });

      it("does not confuse separators inside host, store and user names", async () => {
        await driver.keyval("a", "b:c").set("d", 1);
        await driver.keyval("a:b", "c").set("d", 2);
        await driver.keyval("a", "b").set("c:d", 3);
        await expect(driver.keyval("a", "b:c").get("d")).resolves.toBe(1);
        await expect(driver.keyval("a:b", "c").get("d")).resolves.toBe(2);
        await expect(driver.keyval("a", "b").get("c:d")).resolves.toBe(3);
      });

      it("treats __proto__ and constructor as ordinary user names", async () => {
        const kv = driver.keyval<Json>("h", "s");
        await expect(kv.get("__proto__")).resolves.toBeUndefined();
        await expect(kv.get("constructor")).resolves.toBeUndefined();
        await kv.set("__proto__", { polluted: true });
        await kv.set("constructor", "c");
        await expect(kv.get("__proto__")).resolves.toEqual({ polluted: true });
        await expect(kv.get("constructor")).resolves.toBe("c");
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        await kv.set("__proto__", undefined);
        await expect(kv.get("__proto__")).resolves.toBeUndefined();
      });

      it("copies values in and out", async () => {
        const kv = driver.keyval<{ list: number[] }>("h", "s");
        const v = { list: [1] };
        await kv.set("alice", v);
        v.list.push(2);
        const got = await kv.get("alice");
        expect(got).toEqual({ list: [1] });
        got!.list.push(3);
        await expect(kv.get("alice")).resolves.toEqual({ list: [1] });
      });

      it("is a namespace separate from map and archive stores of the same name", async () => {
        await driver.keyval("h", "s").set("alice", "kv");
        await expect(driver.map("h", "s").count("alice")).resolves.toBe(0);
        await expect(driver.archive("h", "s").count("alice")).resolves.toBe(0);
        await driver.map("h", "s").set("alice", "k", "map");
        await expect(driver.keyval("h", "s").get("alice")).resolves.toBe("kv");
      });
    });

    describe("map", () => {
      it("gives undefined, an empty map and zero for an unknown user", async () => {
        const m = driver.map("h", "s");
        await expect(m.get("nobody", "k")).resolves.toBeUndefined();
        await expect(m.getAll("nobody")).resolves.toEqual(new Map());
        await expect(m.count("nobody")).resolves.toBe(0);
      });

      it("sets, overwrites and deletes single keys", async () => {
        const m = driver.map<Json>("h", "s");
        await m.set("alice", "a", 1);
        await m.set("alice", "b", { x: [1] });
        await m.set("alice", "a", 10);
        await expect(m.get("alice", "a")).resolves.toBe(10);
        await expect(m.get("alice", "b")).resolves.toEqual({ x: [1] });
        await m.set("alice", "a", undefined);
        await expect(m.get("alice", "a")).resolves.toBeUndefined();
        await expect(m.count("alice")).resolves.toBe(1);
        await m.set("alice", "never-set", undefined);
        await expect(m.count("alice")).resolves.toBe(1);
      });

      it("stores null as a value", async () => {
        const m = driver.map<Json>("h", "s");
        await m.set("alice", "n", null);
        await expect(m.get("alice", "n")).resolves.toBeNull();
        await expect(m.count("alice")).resolves.toBe(1);
      });

      it("setKeys writes and deletes in one call; getAll and count agree", async () => {
        const m = driver.map<Json>("h", "s");
        await m.setKeys("alice", { a: 1, b: 2, c: 3 });
        await m.setKeys("alice", { b: undefined, c: 30, d: "four", missing: undefined });
        await expect(m.getAll("alice")).resolves.toEqual(
          new Map<string, Json>([
            ["a", 1],
            ["c", 30],
            ["d", "four"],
          ]),
        );
        await expect(m.count("alice")).resolves.toBe(3);
        await expect(m.setKeys("alice", {})).resolves.toBeUndefined();
        await expect(m.count("alice")).resolves.toBe(3);
      });

      it("setKeys is all or nothing when a value cannot be stored", async () => {
        const m = driver.map<Json>("h", "s");
        await m.setKeys("alice", { a: 1, b: 2 });
        const bad = { a: 100, b: undefined, z: 26, bad: 10n as unknown as Json, after: 1 };
        await expect(call(() => m.setKeys("alice", bad))).rejects.toBeInstanceOf(TypeError);
        await expect(m.getAll("alice")).resolves.toEqual(
          new Map<string, Json>([
            ["a", 1],
            ["b", 2],
          ]),
        );
      });

      it("counts and lists only the user's own keys", async () => {
        await driver.map("h1", "s1").setKeys("u1", { a: 1, b: 2 });
        await driver.map("h1", "s1").setKeys("u2", { c: 3 });
        await driver.map("h1", "s2").setKeys("u1", { d: 4 });
        await driver.map("h2", "s1").setKeys("u1", { e: 5 });
        await expect(driver.map("h1", "s1").count("u1")).resolves.toBe(2);
        await expect(driver.map("h1", "s1").getAll("u2")).resolves.toEqual(new Map([["c", 3]]));
        await expect(driver.map("h1", "s2").getAll("u1")).resolves.toEqual(new Map([["d", 4]]));
        await expect(driver.map("h2", "s1").getAll("u1")).resolves.toEqual(new Map([["e", 5]]));
        await expect(driver.map("h2", "s1").get("u1", "a")).resolves.toBeUndefined();
      });

      it("treats __proto__ and constructor as ordinary users and keys", async () => {
        const m = driver.map<Json>("h", "s");
        await m.setKeys("__proto__", JSON.parse('{"__proto__": 1, "constructor": 2, "toString": 3}') as Record<string, Json>);
        await m.set("constructor", "__proto__", "p");
        await expect(m.get("__proto__", "__proto__")).resolves.toBe(1);
        await expect(m.get("__proto__", "hasOwnProperty")).resolves.toBeUndefined();
        await expect(m.count("__proto__")).resolves.toBe(3);
        const all = await m.getAll("__proto__");
        expect([...all.entries()].sort()).toEqual([
          ["__proto__", 1],
          ["constructor", 2],
          ["toString", 3],
        ]);
        await expect(m.get("constructor", "__proto__")).resolves.toBe("p");
        await m.setKeys("__proto__", withProtoKey(undefined as unknown as Json) as Record<string, Json | undefined>);
        await expect(m.get("__proto__", "__proto__")).resolves.toBeUndefined();
        expect(({} as Record<string, unknown>).toString).toBe(Object.prototype.toString);
      });

      it("copies values out of getAll", async () => {
        const m = driver.map<{ n: number[] }>("h", "s");
        await m.set("alice", "a", { n: [1] });
        (await m.getAll("alice")).get("a")!.n.push(2);
        (await m.get("alice", "a"))!.n.push(3);
        await expect(m.get("alice", "a")).resolves.toEqual({ n: [1] });
      });
    });

    describe("archive", () => {
      it("appends and finds in insertion order with every field intact", async () => {
        const a = driver.archive<Json>("h", "archive");
        await expect(a.append("alice", "first", { body: "hi" }, at(5), BOB)).resolves.toBe("first");
        await a.append("alice", "second", ["x"], at(1), CAROL);
        const items = await a.find("alice");
        expect(items).toEqual([
          { key: "first", value: { body: "hi" }, when: at(5), with: BOB },
          { key: "second", value: ["x"], when: at(1), with: CAROL },
        ]);
        expect(items[0].when).toBeInstanceOf(Date);
      });

      it("finds nothing for an unknown user", async () => {
        const a = driver.archive("h", "archive");
        await expect(a.find("nobody")).resolves.toEqual([]);
        await expect(a.count("nobody")).resolves.toBe(0);
        await expect(a.delete("nobody")).resolves.toBe(0);
      });

      it("generates unique keys that sort in insertion order", async () => {
        const a = driver.archive("h", "archive");
        const keys: string[] = [];
        for (let i = 0; i < 50; i++) keys.push(await a.append("alice", null, i, at(0), BOB));
        expect(new Set(keys).size).toBe(50);
        for (const k of keys) expect(typeof k === "string" && k.length > 0).toBe(true);
        expect([...keys].sort()).toEqual(keys);
        expect(keysOf(await a.find("alice"))).toEqual(keys);
        // A later append in another store still sorts after.
        const later = await driver.archive("h", "other").append("alice", null, 0, at(0), BOB);
        expect(later > keys[49]).toBe(true);
      });

      it("filters by start and end, both inclusive", async () => {
        const a = driver.archive("h", "archive");
        await fill(a, "alice", 10);
        expect(keysOf(await a.find("alice", { start: at(3) }))).toEqual(range(3, 10).map(key));
        expect(keysOf(await a.find("alice", { end: at(3) }))).toEqual(range(0, 4).map(key));
        expect(keysOf(await a.find("alice", { start: at(2), end: at(5) }))).toEqual(range(2, 6).map(key));
        expect(keysOf(await a.find("alice", { start: at(4), end: at(4) }))).toEqual([key(4)]);
        expect(await a.find("alice", { start: at(6), end: at(5) })).toEqual([]);
        expect(keysOf(await a.find("alice", { start: new Date(at(2).getTime() + 1) }))).toEqual(range(3, 10).map(key));
      });

      it("filters by time, not position, when items were appended out of time order", async () => {
        const a = driver.archive("h", "archive");
        await a.append("alice", "late", 0, at(9), BOB);
        await a.append("alice", "early", 0, at(1), BOB);
        await a.append("alice", "middle", 0, at(5), BOB);
        expect(keysOf(await a.find("alice", { start: at(2) }))).toEqual(["late", "middle"]);
        expect(keysOf(await a.find("alice", { end: at(5) }))).toEqual(["early", "middle"]);
      });

      it("filters by with, matching exactly", async () => {
        const a = driver.archive("h", "archive");
        await fill(a, "alice", 6);
        await a.append("alice", "full", 0, at(7), `${BOB}/phone`);
        expect(keysOf(await a.find("alice", { with: BOB }))).toEqual([key(1), key(3), key(5)]);
        expect(keysOf(await a.find("alice", { with: `${BOB}/phone` }))).toEqual(["full"]);
        expect(await a.find("alice", { with: "BOB@example.net" })).toEqual([]);
        expect(await a.find("alice", { with: "" })).toEqual([]);
      });

      it("treats after and before as exclusive positions", async () => {
        const a = driver.archive("h", "archive");
        await fill(a, "alice", 10);
        expect(keysOf(await a.find("alice", { after: key(6) }))).toEqual(range(7, 10).map(key));
        expect(keysOf(await a.find("alice", { before: key(3) }))).toEqual(range(0, 3).map(key));
        expect(keysOf(await a.find("alice", { after: key(2), before: key(6) }))).toEqual(range(3, 6).map(key));
        expect(await a.find("alice", { after: key(5), before: key(5) })).toEqual([]);
        expect(await a.find("alice", { after: key(7), before: key(2) })).toEqual([]);
        expect(await a.find("alice", { after: key(9) })).toEqual([]);
        expect(keysOf(await a.find("alice", { after: key(2), before: key(6), reverse: true }))).toEqual([key(5), key(4), key(3)]);
      });

      it("rejects an unknown after or before key with ArchiveKeyNotFoundError", async () => {
        const a = driver.archive("h", "archive");
        await fill(a, "alice", 3);
        await a.append("bob", "bobs-key", 0, at(0), CAROL);
        await driver.archive("h", "other").append("alice", "other-store-key", 0, at(0), CAROL);
        for (const q of [{ after: "nope" }, { before: "nope" }, { after: "bobs-key" }, { before: "other-store-key" }]) {
          await expect(call(() => a.find("alice", q))).rejects.toBeInstanceOf(ArchiveKeyNotFoundError);
          await expect(call(() => a.count("alice", q))).rejects.toBeInstanceOf(ArchiveKeyNotFoundError);
          await expect(call(() => a.delete("alice", q))).rejects.toBeInstanceOf(ArchiveKeyNotFoundError);
        }
        await expect(a.find("nobody", { after: key(0) })).rejects.toMatchObject({ key: key(0) });
        await expect(a.count("alice")).resolves.toBe(3);
      });

      it("applies limit after ordering, and reverse gives newest first", async () => {
        const a = driver.archive("h", "archive");
        await fill(a, "alice", 10);
        expect(await a.find("alice", { limit: 0 })).toEqual([]);
        expect(keysOf(await a.find("alice", { limit: 3 }))).toEqual([key(0), key(1), key(2)]);
        expect(keysOf(await a.find("alice", { limit: 50 }))).toEqual(range(0, 10).map(key));
        expect(keysOf(await a.find("alice", { reverse: true }))).toEqual(range(0, 10).reverse().map(key));
        expect(keysOf(await a.find("alice", { reverse: true, limit: 2 }))).toEqual([key(9), key(8)]);
        expect(keysOf(await a.find("alice", { reverse: false, limit: 1 }))).toEqual([key(0)]);
      });

      it("pages forward with after+limit and backward with before+limit+reverse", async () => {
        const a = driver.archive("h", "archive");
        await fill(a, "alice", 23);
        const forward: string[] = [];
        let page = await a.find("alice", { limit: 5 });
        // Bounded, so a driver whose after/before is inclusive fails instead of paging forever.
        for (let pages = 0; page.length > 0; pages++) {
          expect(pages).toBeLessThan(5);
          expect(page.length).toBeLessThanOrEqual(5);
          forward.push(...keysOf(page));
          page = await a.find("alice", { after: page[page.length - 1].key, limit: 5 });
        }
        expect(forward).toEqual(range(0, 23).map(key));

        const backward: string[] = [];
        page = await a.find("alice", { limit: 5, reverse: true });
        for (let pages = 0; page.length > 0; pages++) {
          expect(pages).toBeLessThan(5);
          backward.push(...keysOf(page));
          page = await a.find("alice", { before: page[page.length - 1].key, limit: 5, reverse: true });
        }
        expect(backward).toEqual(range(0, 23).reverse().map(key));
      });

      it("pages through a filtered view", async () => {
        const a = driver.archive("h", "archive");
        await fill(a, "alice", 20);
        const q: ArchiveQuery = { with: BOB, start: at(4), end: at(16) };
        const first = await a.find("alice", { ...q, limit: 2 });
        expect(keysOf(first)).toEqual([key(5), key(7)]);
        const second = await a.find("alice", { ...q, limit: 2, after: key(7) });
        expect(keysOf(second)).toEqual([key(9), key(11)]);
        const last = await a.find("alice", { ...q, limit: 2, reverse: true });
        expect(keysOf(last)).toEqual([key(15), key(13)]);
        // after may name an item outside the filter: it is a position.
        expect(keysOf(await a.find("alice", { ...q, after: key(8), limit: 1 }))).toEqual([key(9)]);
      });

      it("filters by ids, in insertion order, ignoring unknown ids", async () => {
        const a = driver.archive("h", "archive");
        await fill(a, "alice", 8);
        await a.append("bob", "bob-only", 0, at(0), CAROL);
        expect(keysOf(await a.find("alice", { ids: [key(5), key(1), "unknown", "bob-only", key(3)] }))).toEqual([key(1), key(3), key(5)]);
        expect(await a.find("alice", { ids: [] })).toEqual([]);
        expect(keysOf(await a.find("alice", { ids: [key(1), key(2), key(3)], with: BOB }))).toEqual([key(1), key(3)]);
        expect(keysOf(await a.find("alice", { ids: [key(1), key(2), key(3)], reverse: true, limit: 2 }))).toEqual([key(3), key(2)]);
        expect(keysOf(await a.find("alice", { ids: ["__proto__", "constructor"] }))).toEqual([]);
      });

      it("combines every filter", async () => {
        const a = driver.archive("h", "archive");
        await fill(a, "alice", 30);
        const q: ArchiveQuery = {
          start: at(4),
          end: at(25),
          with: CAROL,
          after: key(6),
          before: key(24),
          ids: range(0, 30).filter((i) => i % 3 !== 0).map(key),
          limit: 3,
          reverse: true,
        };
        // carol = even; in (6, 24); not a multiple of 3 → 22, 20, 16, 14, 10, 8; newest first, 3 of them
        expect(keysOf(await a.find("alice", q))).toEqual([key(22), key(20), key(16)]);
        expect(keysOf(await a.find("alice", { ...q, reverse: false }))).toEqual([key(8), key(10), key(14)]);
      });

      it("counts exactly what find returns", async () => {
        const a = driver.archive("h", "archive");
        await fill(a, "alice", 15);
        const queries: (ArchiveQuery | undefined)[] = [
          undefined,
          {},
          { with: BOB },
          { start: at(3), end: at(9) },
          { after: key(4) },
          { before: key(4), reverse: true },
          { limit: 4 },
          { limit: 0 },
          { with: CAROL, limit: 100 },
          { ids: [key(1), key(2), "x"] },
          { after: key(2), before: key(12), with: BOB, limit: 3 },
        ];
        for (const q of queries) {
          const n = (await a.find("alice", q)).length;
          await expect(a.count("alice", q)).resolves.toBe(n);
        }
        await expect(a.count("alice")).resolves.toBe(15);
        await expect(a.count("alice", { with: BOB })).resolves.toBe(7);
      });

      it("delete without a query empties the user's archive only", async () => {
        const a = driver.archive("h", "archive");
        await fill(a, "alice", 5);
        await fill(a, "bob", 2);
        await expect(a.delete("alice")).resolves.toBe(5);
        await expect(a.find("alice")).resolves.toEqual([]);
        await expect(a.count("bob")).resolves.toBe(2);
        await expect(a.delete("alice")).resolves.toBe(0);
      });

      it("deletes exactly the items a query selects", async () => {
        const a = driver.archive("h", "archive");
        await fill(a, "alice", 10);
        await expect(a.delete("alice", { with: BOB, start: at(3) })).resolves.toBe(4);
        expect(keysOf(await a.find("alice"))).toEqual([0, 1, 2, 4, 6, 8].map(key));
        await expect(a.delete("alice", { end: at(1) })).resolves.toBe(2);
        expect(keysOf(await a.find("alice"))).toEqual([2, 4, 6, 8].map(key));
        await expect(a.delete("alice", { ids: [key(6), "zzz"] })).resolves.toBe(1);
        await expect(a.delete("alice", { after: key(2), before: key(8) })).resolves.toBe(1);
        expect(keysOf(await a.find("alice"))).toEqual([key(2), key(8)]);
      });

      it("delete with limit removes the oldest, or the newest when reversed", async () => {
        const a = driver.archive("h", "archive");
        await fill(a, "alice", 10);
        await expect(a.delete("alice", { limit: 3 })).resolves.toBe(3);
        expect(keysOf(await a.find("alice"))).toEqual(range(3, 10).map(key));
        await expect(a.delete("alice", { limit: 2, reverse: true })).resolves.toBe(2);
        expect(keysOf(await a.find("alice"))).toEqual(range(3, 8).map(key));
        await expect(a.delete("alice", { limit: 0 })).resolves.toBe(0);
        await expect(a.delete("alice", { with: BOB, limit: 1 })).resolves.toBe(1);
        expect(keysOf(await a.find("alice"))).toEqual([4, 5, 6, 7].map(key));
      });

      it("appending an existing key replaces that item and moves it to the end", async () => {
        const a = driver.archive<Json>("h", "archive");
        await fill(a, "alice", 4);
        await expect(a.append("alice", key(1), "new", at(50), "dave@example.com")).resolves.toBe(key(1));
        const items = await a.find("alice");
        expect(keysOf(items)).toEqual([key(0), key(2), key(3), key(1)]);
        expect(items[3]).toEqual({ key: key(1), value: "new", when: at(50), with: "dave@example.com" });
        expect(keysOf(await a.find("alice", { after: key(3) }))).toEqual([key(1)]);
        // Same key for another user is a different item.
        await a.append("bob", key(1), "bob's", at(0), CAROL);
        await expect(a.count("alice")).resolves.toBe(4);
      });

      it("keeps hosts, stores and users apart", async () => {
        const scopes = [
          ["h1", "s1", "u1"],
          ["h1", "s1", "u2"],
          ["h1", "s2", "u1"],
          ["h2", "s1", "u1"],
        ] as const;
        for (const [n, [h, s, u]] of scopes.entries()) {
          for (let i = 0; i <= n; i++) await driver.archive(h, s).append(u, `same-key-${i}`, `${h}/${s}/${u}`, at(i), BOB);
        }
        for (const [n, [h, s, u]] of scopes.entries()) {
          const items = await driver.archive(h, s).find(u);
          expect(items.map((i) => i.value)).toEqual(Array(n + 1).fill(`${h}/${s}/${u}`));
        }
        await driver.archive("h1", "s1").delete("u1");
        await expect(driver.archive("h1", "s2").count("u1")).resolves.toBe(3);
        await expect(driver.archive("h2", "s1").count("u1")).resolves.toBe(4);
        await expect(driver.archive("h1", "s1").count("u2")).resolves.toBe(2);
      });

      it("treats __proto__ as an ordinary user, key and with", async () => {
        const a = driver.archive<Json>("h", "archive");
        await a.append("__proto__", "__proto__", withProtoKey(1), at(0), "__proto__");
        const [item] = await a.find("__proto__", { with: "__proto__", ids: ["__proto__"] });
        expect(item.key).toBe("__proto__");
        expect(Object.hasOwn(item.value as object, "__proto__")).toBe(true);
        expect(Object.getPrototypeOf(item.value)).toBe(Object.prototype);
        await expect(a.find("alice", { ids: ["__proto__"] })).resolves.toEqual([]);
        await expect(a.count("constructor")).resolves.toBe(0);
      });

      it("keeps the order of concurrent appends", async () => {
        const a = driver.archive<number>("h", "archive");
        const keys = await Promise.all(range(0, 100).map((i) => a.append("alice", null, i, at(i % 7), i % 2 ? BOB : CAROL)));
        expect(new Set(keys).size).toBe(100);
        const items = await a.find("alice");
        expect(items.map((i) => i.value)).toEqual(range(0, 100));
        expect(keysOf(items)).toEqual(keys);
        expect([...keys].sort()).toEqual(keys);
      });

      it("copies values out", async () => {
        const a = driver.archive<{ n: number[] }>("h", "archive");
        const v = { n: [1] };
        await a.append("alice", "k", v, at(0), BOB);
        v.n.push(2);
        const [item] = await a.find("alice");
        item.value.n.push(3);
        item.when.setTime(0);
        const [again] = await a.find("alice");
        expect(again.value).toEqual({ n: [1] });
        expect(again.when).toEqual(at(0));
      });

      it("keeps millisecond precision and dates before 1970", async () => {
        const a = driver.archive("h", "archive");
        const when = [new Date(1_700_000_000_123), new Date(-86_400_000 * 365 + 7), new Date(0)];
        for (const [i, w] of when.entries()) await a.append("alice", `t${i}`, i, w, BOB);
        expect((await a.find("alice")).map((i) => i.when)).toEqual(when);
        expect(keysOf(await a.find("alice", { end: new Date(0) }))).toEqual(["t1", "t2"]);
      });

      it("rejects malformed queries and arguments with TypeError, asynchronously", async () => {
        const a = driver.archive("h", "archive");
        await fill(a, "alice", 2);
        const bad: unknown[] = [
          { limit: -1 },
          { limit: 1.5 },
          { limit: Number.NaN },
          { start: new Date(Number.NaN) },
          { end: "2024-01-01" },
          { ids: "k00" },
          { ids: [1] },
          { after: 3 },
        ];
        for (const q of bad) {
          await expect(call(() => a.find("alice", q as ArchiveQuery))).rejects.toBeInstanceOf(TypeError);
          await expect(call(() => a.delete("alice", q as ArchiveQuery))).rejects.toBeInstanceOf(TypeError);
        }
        await expect(call(() => a.append("alice", null, 1, new Date(Number.NaN), BOB))).rejects.toBeInstanceOf(TypeError);
        await expect(a.count("alice")).resolves.toBe(2);
      });
    });

    describe("deleteUser", () => {
      it("removes the user from every store shape and store name of the host, and nothing else", async () => {
        for (const host of ["h1", "h2"]) {
          for (const user of ["alice", "bob"]) {
            for (const store of ["s1", "s2"]) {
              await driver.keyval(host, store).set(user, `${host}${user}${store}`);
              await driver.map(host, store).setKeys(user, { a: 1, b: 2 });
              await driver.archive(host, store).append(user, null, 1, at(0), BOB);
            }
          }
        }
        await driver.deleteUser("h1", "alice");
        for (const host of ["h1", "h2"]) {
          for (const user of ["alice", "bob"]) {
            const gone = host === "h1" && user === "alice";
            for (const store of ["s1", "s2"]) {
              await expect(driver.keyval(host, store).get(user)).resolves.toBe(gone ? undefined : `${host}${user}${store}`);
              await expect(driver.map(host, store).count(user)).resolves.toBe(gone ? 0 : 2);
              await expect(driver.archive(host, store).count(user)).resolves.toBe(gone ? 0 : 1);
            }
          }
        }
        expect(await driver.listUsers("h1", "s1")).toEqual(["bob"]);
      });

      it("reaches stores that only hold one shape", async () => {
        await driver.keyval("h", "only-kv").set("alice", 1);
        await driver.map("h", "only-map").set("alice", "k", 1);
        await driver.archive("h", "only-archive").append("alice", null, 1, at(0), BOB);
        await driver.deleteUser("h", "alice");
        await expect(driver.keyval("h", "only-kv").get("alice")).resolves.toBeUndefined();
        await expect(driver.map("h", "only-map").count("alice")).resolves.toBe(0);
        await expect(driver.archive("h", "only-archive").count("alice")).resolves.toBe(0);
      });

      it("is a no-op for an unknown user, and the user can store again afterwards", async () => {
        await expect(driver.deleteUser("h", "nobody")).resolves.toBeUndefined();
        await expect(driver.deleteUser("no-such-host", "nobody")).resolves.toBeUndefined();
        await driver.keyval("h", "s").set("alice", 1);
        await driver.deleteUser("h", "alice");
        await driver.keyval("h", "s").set("alice", 2);
        await driver.archive("h", "a").append("alice", "k", 1, at(0), BOB);
        await expect(driver.keyval("h", "s").get("alice")).resolves.toBe(2);
        await expect(driver.archive("h", "a").count("alice")).resolves.toBe(1);
      });

      it("handles __proto__ and the host-wide user", async () => {
        await driver.keyval("h", "s").set("__proto__", 1);
        await driver.keyval("h", "s").set("", "host-wide");
        await driver.deleteUser("h", "__proto__");
        await expect(driver.keyval("h", "s").get("__proto__")).resolves.toBeUndefined();
        await expect(driver.keyval("h", "s").get("")).resolves.toBe("host-wide");
        await driver.deleteUser("h", "");
        await expect(driver.keyval("h", "s").get("")).resolves.toBeUndefined();
      });
    });

    describe("listUsers", () => {
      it("lists users with a keyval value in that store, sorted", async () => {
        const kv = driver.keyval("h", "accounts");
        for (const u of ["zoe", "alice", "__proto__", "émile", "bob", "Bob"]) await kv.set(u, { password: "x" });
        await kv.set("gone", 1);
        await kv.set("gone", undefined);
        await driver.keyval("h", "other").set("in-other-store", 1);
        await driver.keyval("h2", "accounts").set("in-other-host", 1);
        await driver.map("h", "accounts").set("map-only", "k", 1);
        await driver.archive("h", "accounts").append("archive-only", null, 1, at(0), BOB);
        expect(await driver.listUsers("h", "accounts")).toEqual(["Bob", "__proto__", "alice", "bob", "zoe", "émile"]);
      });

      it("sorts by JS string order even beyond the basic multilingual plane", async () => {
        const users = ["\u{1F600}", "\uFB01", "a"]; // UTF-8 byte order would put the emoji last
        for (const u of users) await driver.keyval("h", "s").set(u, 1);
        expect(await driver.listUsers("h", "s")).toEqual([...users].sort());
      });

      it("gives [] for an empty or unknown store", async () => {
        await expect(driver.listUsers("h", "nothing")).resolves.toEqual([]);
      });
    });

    describe("values", () => {
      it("round-trips unicode in values, users, keys, hosts and stores", async () => {
        const text = "héllo wörld — 日本語 — עברית — \u{1F469}\u200D\u{1F4BB} — e\u0301 — \u0000\u0001\u001f — \ud800 lone — \u2028\u2029";
        const host = "例え.テスト";
        const user = "ñandú\u{1F600}";
        await driver.keyval(host, "störe").set(user, { text, [text]: text });
        await expect(driver.keyval(host, "störe").get(user)).resolves.toEqual({ text, [text]: text });
        await driver.map(host, "störe").set(user, "ключ\u{1F511}", text);
        await expect(driver.map(host, "störe").get(user, "ключ\u{1F511}")).resolves.toBe(text);
        await driver.archive(host, "störe").append(user, "ключ\u{1F511}", text, at(0), `${user}@${host}`);
        const [item] = await driver.archive(host, "störe").find(user, { with: `${user}@${host}` });
        expect(item.value).toBe(text);
        expect(await driver.listUsers(host, "störe")).toEqual([user]);
      });

      it("round-trips ~100 KB values in every store shape", async () => {
        const { text, obj } = bigValue();
        expect(JSON.stringify(obj).length).toBeGreaterThan(100_000);
        await driver.keyval("h", "s").set("alice", text);
        await driver.keyval("h", "s").set("bob", obj);
        await driver.map("h", "s").setKeys("alice", { t: text, o: obj });
        await driver.archive("h", "s").append("alice", "big", obj, at(0), BOB);
        await driver.archive("h", "s").append("alice", "bigger", text, at(1), BOB);
        await expect(driver.keyval("h", "s").get("alice")).resolves.toBe(text);
        await expect(driver.keyval("h", "s").get("bob")).resolves.toEqual(obj);
        await expect(driver.map("h", "s").get("alice", "t")).resolves.toBe(text);
        await expect(driver.map("h", "s").get("alice", "o")).resolves.toEqual(obj);
        expect((await driver.archive("h", "s").find("alice")).map((i) => i.value)).toEqual([obj, text]);
      });

      it("round-trips numbers, deep nesting and key order", async () => {
        const numbers = [0, 1, -1, 0.1, 1 / 3, 1e308, -5e-324, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
        let deep: Json = "bottom";
        for (let i = 0; i < 200; i++) deep = i % 2 ? [deep] : { d: deep };
        const ordered = { z: 1, a: 2, m: { y: 1, b: 2 } };
        const kv = driver.keyval<Json>("h", "s");
        await kv.set("numbers", numbers);
        await kv.set("deep", deep);
        await kv.set("ordered", ordered);
        await expect(kv.get("numbers")).resolves.toEqual(numbers);
        await expect(kv.get("deep")).resolves.toEqual(deep);
        expect(JSON.stringify(await kv.get("ordered"))).toBe(JSON.stringify(ordered));
      });

      it("keeps an own __proto__ property as data and the string '__proto__' as a string", async () => {
        const kv = driver.keyval<Json>("h", "s");
        const v = withProtoKey({ inner: withProtoKey("deep") });
        await kv.set("alice", v);
        await kv.set("bob", "__proto__");
        const got = (await kv.get("alice")) as Record<string, Json>;
        expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
        expect(Object.hasOwn(got, "__proto__")).toBe(true);
        expect(JSON.stringify(got)).toBe('{"__proto__":{"inner":{"__proto__":"deep"}}}');
        await expect(kv.get("bob")).resolves.toBe("__proto__");
        await driver.map<Json>("h", "s").set("alice", "k", v);
        expect(JSON.stringify(await driver.map("h", "s").get("alice", "k"))).toBe(JSON.stringify(got));
      });

      it("rejects values JSON cannot hold with TypeError, asynchronously, storing nothing", async () => {
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        const bad = [10n, cyclic, () => 1, Symbol("s")] as unknown as Json[];
        for (const v of bad) {
          await expect(call(() => driver.keyval<Json>("h", "s").set("alice", v))).rejects.toBeInstanceOf(TypeError);
          await expect(call(() => driver.map<Json>("h", "s").set("alice", "k", v))).rejects.toBeInstanceOf(TypeError);
          await expect(call(() => driver.archive<Json>("h", "s").append("alice", null, v, at(0), BOB))).rejects.toBeInstanceOf(TypeError);
        }
        await expect(driver.keyval("h", "s").get("alice")).resolves.toBeUndefined();
        await expect(driver.map("h", "s").count("alice")).resolves.toBe(0);
        await expect(driver.archive("h", "s").count("alice")).resolves.toBe(0);
      });
    });

    describe("lifecycle", () => {
      it("keeps data across close and open", async () => {
        await driver.keyval("h", "s").set("alice", { v: 1 });
        await driver.map("h", "s").set("alice", "k", 2);
        const k = await driver.archive("h", "s").append("alice", null, 3, at(0), BOB);
        await driver.close();
        await driver.open();
        await expect(driver.keyval("h", "s").get("alice")).resolves.toEqual({ v: 1 });
        await expect(driver.map("h", "s").get("alice", "k")).resolves.toBe(2);
        expect(keysOf(await driver.archive("h", "s").find("alice"))).toEqual([k]);
      });

      it("treats open() on an open driver as a no-op", async () => {
        await driver.keyval("h", "s").set("alice", 1);
        await driver.open();
        await expect(driver.keyval("h", "s").get("alice")).resolves.toBe(1);
      });

      it("rejects every operation with StorageError once closed, without throwing", async () => {
        const kv = driver.keyval<Json>("h", "s");
        const m = driver.map<Json>("h", "s");
        const a = driver.archive<Json>("h", "s");
        await driver.close();
        await expect(driver.close()).resolves.toBeUndefined();
        const ops: (() => Promise<unknown>)[] = [
          () => kv.get("alice"),
          () => kv.set("alice", 1),
          () => kv.set("alice", undefined),
          () => m.get("alice", "k"),
          () => m.set("alice", "k", 1),
          () => m.setKeys("alice", { k: 1 }),
          () => m.getAll("alice"),
          () => m.count("alice"),
          () => a.append("alice", null, 1, at(0), BOB),
          () => a.find("alice"),
          () => a.count("alice"),
          () => a.delete("alice"),
          () => driver.keyval("h", "s").get("alice"),
          () => driver.deleteUser("h", "alice"),
          () => driver.listUsers("h", "s"),
        ];
        for (const op of ops) await expect(call(op)).rejects.toBeInstanceOf(StorageError);
        await driver.open();
        await expect(kv.get("alice")).resolves.toBeUndefined();
      });
    });
  });
}
