import { orderSrv } from "./srv-order";

const rec = (priority: number, weight: number, name: string) => ({ priority, weight, name });

describe("orderSrv (RFC 2782)", () => {
  it("orders by ascending priority", () => {
    const out = orderSrv([rec(20, 0, "c"), rec(5, 0, "a"), rec(10, 0, "b")]);
    expect(out.map((r) => r.name)).toEqual(["a", "b", "c"]);
  });

  it("picks by weight within a priority, proportionally", () => {
    const counts = { heavy: 0, light: 0 };
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let i = 0; i < 4000; i++) {
      const first = orderSrv([rec(1, 10, "light"), rec(1, 90, "heavy")], random)[0];
      counts[first.name as "heavy" | "light"]++;
    }
    expect(counts.heavy / 4000).toBeGreaterThan(0.85);
    expect(counts.light / 4000).toBeGreaterThan(0.05);
  });

  it("keeps every record exactly once", () => {
    const input = [rec(1, 0, "a"), rec(1, 5, "b"), rec(1, 0, "c"), rec(2, 1, "d"), rec(0, 3, "e")];
    const out = orderSrv(input);
    expect(out).toHaveLength(5);
    expect(new Set(out.map((r) => r.name))).toEqual(new Set(["a", "b", "c", "d", "e"]));
    expect(out[0].name).toBe("e");
    expect(out[4].name).toBe("d");
  });

  it("gives zero-weight records a chance only when the pick is zero", () => {
    // random() = 0 picks the first record: a zero-weight one, which sorts first.
    expect(orderSrv([rec(1, 5, "w"), rec(1, 0, "z")], () => 0)[0].name).toBe("z");
    expect(orderSrv([rec(1, 5, "w"), rec(1, 0, "z")], () => 0.99)[0].name).toBe("w");
  });
});
