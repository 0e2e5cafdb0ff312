import { el } from "../../lib/stanza";
import { addH, distanceH, H_MODULUS, parseH } from "./counter";
import { UnackedQueue } from "./unacked";

describe("h arithmetic (XEP-0198 §4)", () => {
  it("wraps from 2^32-1 to 0", () => {
    expect(addH(H_MODULUS - 1)).toBe(0);
    expect(addH(H_MODULUS - 2, 3)).toBe(1);
  });

  it("measures distance across the wrap", () => {
    expect(distanceH(1, H_MODULUS - 2)).toBe(3);
    expect(distanceH(5, 5)).toBe(0);
  });

  it("parses unsignedInt only", () => {
    expect(parseH("0")).toBe(0);
    expect(parseH("4294967295")).toBe(H_MODULUS - 1);
    expect(parseH("4294967296")).toBeUndefined();
    expect(parseH("-1")).toBeUndefined();
    expect(parseH("1e3")).toBeUndefined();
    expect(parseH("")).toBeUndefined();
    expect(parseH(undefined)).toBeUndefined();
  });
});

describe("UnackedQueue", () => {
  const m = (id: string) => el("message", { id });

  it("drops the acknowledged prefix and keeps the rest in order", () => {
    const q = new UnackedQueue();
    ["a", "b", "c"].forEach((id) => q.push(m(id)));
    expect(q.ack(2)).toEqual({ ok: true, removed: 2 });
    expect(q.all().map((u) => u.stanza.attrs.id)).toEqual(["c"]);
    expect(q.sent).toBe(3);
    expect(q.ack(2)).toEqual({ ok: true, removed: 0 });
  });

  it("refuses an h beyond what was sent and changes nothing", () => {
    const q = new UnackedQueue();
    q.push(m("a"));
    expect(q.ack(2)).toEqual({ ok: false, sendCount: 1 });
    expect(q.length).toBe(1);
    expect(q.acked).toBe(0);
  });

  it("keeps counting across the 2^32 wrap", () => {
    const q = new UnackedQueue();
    q.push(m("x"));
    q.ack(1);
    // Pretend we are near the end of the counter space.
    (q as unknown as { ackedH: number }).ackedH = H_MODULUS - 1;
    q.push(m("y"));
    q.push(m("z"));
    expect(q.sent).toBe(1);
    expect(q.ack(0)).toEqual({ ok: true, removed: 1 });
    expect(q.ack(1)).toEqual({ ok: true, removed: 1 });
    expect(q.length).toBe(0);
  });
});
