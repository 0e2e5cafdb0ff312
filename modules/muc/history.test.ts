import { parse } from "ltx";
import { el } from "../../lib/stanza";
import { History, historyRequest } from "./history";

const msg = (n: number) => el("message", { type: "groupchat", from: "r@muc/n" }, el("body", {}, `m${n}`));
const bodies = (h: History, ...args: Parameters<History["select"]>) => h.select(...args).map((e) => e.stanza.getChildText("body"));
const t0 = Date.UTC(2024, 0, 1);

function filled(n: number, max = 10): History {
  const h = new History(max);
  for (let i = 1; i <= n; i++) h.add(msg(i), new Date(t0 + i * 1000));
  return h;
}

describe("MUC discussion history (XEP-0045 §7.2.14)", () => {
  it("keeps the newest maxEntries", () => {
    const h = filled(15);
    expect(h.size).toBe(10);
    expect(bodies(h, { maxstanzas: 100 }, 20)).toEqual(["m6", "m7", "m8", "m9", "m10", "m11", "m12", "m13", "m14", "m15"]);
  });

  it("sends the default count when nothing is asked", () => {
    expect(bodies(filled(5), {}, 2)).toEqual(["m4", "m5"]);
  });

  it("honours maxstanzas, seconds and since together (the smallest wins)", () => {
    const h = filled(8);
    expect(bodies(h, { maxstanzas: 3 }, 20)).toEqual(["m6", "m7", "m8"]);
    expect(bodies(h, { seconds: 2 }, 20, new Date(t0 + 8000))).toEqual(["m6", "m7", "m8"]);
    expect(bodies(h, { since: new Date(t0 + 7000), maxstanzas: 5 }, 20)).toEqual(["m7", "m8"]);
  });

  it("counts maxchars in whole stanzas; 0 means none", () => {
    const h = filled(3);
    const one = h.select({ maxstanzas: 1 }, 20)[0].chars;
    expect(bodies(h, { maxchars: one * 2 + 1 }, 20)).toEqual(["m2", "m3"]);
    expect(bodies(h, { maxchars: 0 }, 20)).toEqual([]);
  });

  it("bounds characters as well as count", () => {
    const h = new History(10, 100);
    for (let i = 0; i < 5; i++) h.add(el("message", {}, el("body", {}, "x".repeat(40))), new Date());
    expect(h.size).toBe(1);
  });

  it("stores nothing when the limit is 0", () => {
    const h = new History(0);
    h.add(msg(1), new Date());
    expect(h.size).toBe(0);
  });

  it("parses the join presence's <history/>, ignoring what does not parse", () => {
    const p = parse("<presence><x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='5' maxchars='-1' seconds='x' since='1970-01-01T00:00:00Z'/></x></presence>");
    expect(historyRequest(p)).toEqual({ maxstanzas: 5, maxchars: undefined, seconds: undefined, since: new Date(0) });
    expect(historyRequest(parse("<presence/>"))).toEqual({});
  });
});
