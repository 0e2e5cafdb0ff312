import { LruCache } from "./lru-cache";

describe("LruCache", () => {
  test("never holds more than its capacity", () => {
    const c = new LruCache<number, number>(10);
    for (let i = 0; i < 1000; i++) c.set(i, i);
    expect(c.size).toBeLessThanOrEqual(10);
    expect(c.get(999)).toBe(999);
    expect(c.get(0)).toBeUndefined();
  });

  test("keeps recently read entries and drops stale ones", () => {
    const c = new LruCache<string, number>(4);
    c.set("a", 1);
    c.set("b", 2);
    c.set("c", 3); // "a" and "b" move to the old generation
    expect(c.get("a")).toBe(1); // read: promoted back
    c.set("d", 4);
    c.set("e", 5); // the old generation, holding "b", is dropped
    expect(c.get("a")).toBe(1);
    expect(c.get("b")).toBeUndefined();
  });

  test("set replaces a value in place", () => {
    const c = new LruCache<string, number>(4);
    c.set("a", 1);
    c.set("a", 2);
    expect(c.get("a")).toBe(2);
    expect(c.size).toBe(1);
  });

  test("keys like __proto__ behave like any other", () => {
    const c = new LruCache<string, string>(4);
    c.set("__proto__", "x");
    c.set("constructor", "y");
    expect(c.get("__proto__")).toBe("x");
    expect(c.get("constructor")).toBe("y");
    expect(c.get("toString")).toBeUndefined();
  });

  test("clear empties it", () => {
    const c = new LruCache<string, number>(4);
    c.set("a", 1);
    c.clear();
    expect(c.size).toBe(0);
    expect(c.get("a")).toBeUndefined();
  });

  test("rejects a capacity below 2", () => {
    expect(() => new LruCache(1)).toThrow(RangeError);
    expect(() => new LruCache(2.5)).toThrow(RangeError);
  });
});
