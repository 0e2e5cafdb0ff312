import { EventBus, Priority } from "./events";

describe("EventBus", () => {
  it("runs handlers by priority, higher first, keeping registration order on ties", () => {
    const bus = new EventBus();
    const order: string[] = [];
    bus.on("e", () => void order.push("default-1"));
    bus.on("e", () => void order.push("high"), Priority.HIGH);
    bus.on("e", () => void order.push("fallback"), Priority.FALLBACK);
    bus.on("e", () => void order.push("default-2"));
    expect(bus.fire("e", {})).toBe(false);
    expect(order).toEqual(["high", "default-1", "default-2", "fallback"]);
  });

  it("stops the chain when a handler returns true", () => {
    const bus = new EventBus();
    const seen: number[] = [];
    bus.on("e", () => (seen.push(1), true), 10);
    bus.on("e", () => void seen.push(2));
    expect(bus.fire("e", {})).toBe(true);
    expect(seen).toEqual([1]);
  });

  it("stays synchronous until a handler returns a promise, then awaits in order", async () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.on("e", () => void seen.push("sync"), 10);
    bus.on("e", async () => {
      await new Promise((r) => setTimeout(r, 5));
      seen.push("async");
    });
    bus.on("e", () => (seen.push("last"), true), -1);
    const r = bus.fire("e", {});
    expect(r).toBeInstanceOf(Promise);
    expect(seen).toEqual(["sync"]);
    await expect(r).resolves.toBe(true);
    expect(seen).toEqual(["sync", "async", "last"]);
  });

  it("removes exactly the handler whose remover is called, even during a fire", () => {
    const bus = new EventBus();
    const seen: string[] = [];
    let offB: () => void = () => {};
    bus.on("e", () => {
      seen.push("a");
      offB();
    });
    offB = bus.on("e", () => void seen.push("b"));
    void bus.fire("e", {});
    expect(seen).toEqual(["a", "b"]); // the list being iterated is not mutated
    void bus.fire("e", {});
    expect(seen).toEqual(["a", "b", "a"]);
    expect(bus.count("e")).toBe(1);
  });

  it("treats event names like __proto__ as plain strings", () => {
    const bus = new EventBus();
    let hit = 0;
    bus.on("__proto__", () => void hit++);
    expect(bus.fire("constructor", {})).toBe(false);
    void bus.fire("__proto__", {});
    expect(hit).toBe(1);
  });
});
