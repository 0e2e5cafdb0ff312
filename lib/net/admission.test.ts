/** Admission: per-source connection caps and connection rate (RFC 6120 §13.12, XEP-0205 §4.1–4.2). */
import { Admission } from "./admission";

describe("Admission.sourceKey", () => {
  test("IPv4 and IPv4-mapped IPv6 count as the same source", () => {
    expect(Admission.sourceKey("192.0.2.7")).toBe("192.0.2.7");
    expect(Admission.sourceKey("::ffff:192.0.2.7")).toBe("192.0.2.7");
  });

  test("IPv6 counts per /64, whatever the spelling", () => {
    const k = Admission.sourceKey("2001:db8:0:1::5");
    expect(k).toBe("2001:db8:0:1::/64");
    expect(Admission.sourceKey("2001:0db8:0000:0001:ffff:1:2:3")).toBe(k);
    expect(Admission.sourceKey("2001:db8:0:2::5")).not.toBe(k);
    expect(Admission.sourceKey("::1")).toBe("0:0:0:0::/64");
    expect(Admission.sourceKey("fe80::")).toBe("fe80:0:0:0::/64");
    expect(Admission.sourceKey(undefined)).toBe("?");
  });
});

describe("Admission.admit", () => {
  test("caps open connections per source; a release makes room; other sources are unaffected", () => {
    const a = new Admission({ maxPerAddress: 2, ratePerSecond: 0, burst: 0 });
    expect(a.admit("x")).toBe("ok");
    expect(a.admit("x")).toBe("ok");
    expect(a.admit("x")).toBe("too-many-connections");
    expect(a.admit("y")).toBe("ok");
    a.release("x");
    expect(a.openFrom("x")).toBe(1);
    expect(a.admit("x")).toBe("ok");
    a.release("x");
    a.release("x");
    expect(a.openFrom("x")).toBe(0);
  });

  test("allows a burst, then the average rate", () => {
    let t = 0;
    const a = new Admission({ maxPerAddress: 0, ratePerSecond: 2, burst: 3 }, () => t);
    expect([a.admit("x"), a.admit("x"), a.admit("x")]).toEqual(["ok", "ok", "ok"]);
    expect(a.admit("x")).toBe("too-fast");
    expect(a.admit("y")).toBe("ok");
    t = 499; // 0.998 of a token
    expect(a.admit("x")).toBe("too-fast");
    t = 1000; // refilled to about 2
    expect([a.admit("x"), a.admit("x"), a.admit("x")]).toEqual(["ok", "ok", "too-fast"]);
    t = 60_000; // never more than the burst
    expect([a.admit("x"), a.admit("x"), a.admit("x"), a.admit("x")]).toEqual(["ok", "ok", "ok", "too-fast"]);
  });

  test("a refused attempt does not count as open", () => {
    const a = new Admission({ maxPerAddress: 1, ratePerSecond: 0, burst: 0 });
    expect(a.admit("x")).toBe("ok");
    expect(a.admit("x")).toBe("too-many-connections");
    a.release("x");
    expect(a.openFrom("x")).toBe(0);
  });

  test("remembers a bounded number of sources for the rate (oldest forgotten first)", () => {
    const t = 0;
    const a = new Admission({ maxPerAddress: 0, ratePerSecond: 1, burst: 1 }, () => t);
    expect(a.admit("first")).toBe("ok");
    expect(a.admit("first")).toBe("too-fast");
    for (let i = 0; i < 100_000; i++) {
      a.admit(`s${i}`);
      a.release(`s${i}`);
    }
    // "first" was the stalest entry and has been forgotten: it starts again with a full burst.
    expect(a.admit("first")).toBe("ok");
    const buckets = (a as unknown as { buckets: Map<string, unknown> }).buckets;
    expect(buckets.size).toBeLessThanOrEqual(100_000);
  });
});
