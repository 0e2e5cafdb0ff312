import { Element } from "ltx";
import { emptyRoster, rosterFromJson, rosterToJson, versionOf, parseVersion } from "./model";
import { inbound, NO_STATE, outbound, stateName, SubState } from "./state-machine";
import { loadElement, storeElement } from "./stored-element";

const S = (subscription: SubState["subscription"], ask = false, pendingIn = false, approved = false): SubState => ({ subscription, ask, pendingIn, approved });

describe("state machine invariants over every state (RFC 6121 Appendix A)", () => {
  const all: SubState[] = [];
  for (const sub of ["none", "to", "from", "both"] as const) {
    for (const ask of [false, true]) {
      for (const pendingIn of [false, true]) {
        for (const approved of [false, true]) {
          // Appendix A.1: no Pending Out alongside To, no Pending In or approval alongside From.
          if (ask && (sub === "to" || sub === "both")) continue;
          if ((pendingIn || approved) && (sub === "from" || sub === "both")) continue;
          all.push(S(sub, ask, pendingIn, approved));
        }
      }
    }
  }
  const types = ["subscribe", "subscribed", "unsubscribe", "unsubscribed"] as const;

  it.each(all.map((s) => [stateName(s), s] as const))("%s: every transition lands in a defined state", (_n, s) => {
    for (const t of types) {
      for (const next of [outbound(t, s).next, inbound(t, s).next]) {
        const to = next.subscription === "to" || next.subscription === "both";
        const from = next.subscription === "from" || next.subscription === "both";
        expect(next.ask && to).toBe(false);
        expect((next.pendingIn || next.approved) && from).toBe(false);
      }
    }
  });

  it("never delivers what changed nothing, and never answers for the user unless already subscribed or pre-approved", () => {
    for (const s of all) {
      for (const t of types) {
        const r = inbound(t, s);
        const changed = JSON.stringify(r.next) !== JSON.stringify(s);
        if (r.deliver) expect(changed).toBe(true);
        if (r.autoReply) expect(t === "subscribe" && (s.approved || s.subscription === "from" || s.subscription === "both")).toBe(true);
      }
    }
  });

  it("pre-approval: set by subscribed with nothing pending, consumed by the next request", () => {
    const pre = outbound("subscribed", NO_STATE);
    expect(pre).toEqual({ next: S("none", false, false, true), route: false });
    const accepted = inbound("subscribe", pre.next);
    expect(accepted.next).toEqual(S("from"));
    expect(accepted.autoReply).toBe("subscribed");
    expect(accepted.deliver).toBe(false);
    expect(outbound("unsubscribed", pre.next)).toEqual({ next: NO_STATE, route: false });
  });
});

describe("roster storage form", () => {
  it("round-trips items, pending requests and tombstones, and survives garbage", () => {
    const doc = emptyRoster();
    doc.n = 3;
    doc.items.set("__proto__@x.example", { name: "n", groups: ["g"], subscription: "both", ask: false, approved: false, v: 2 });
    doc.items.set("a@x.example", { groups: [], subscription: "none", ask: true, approved: true, v: 3 });
    doc.pending.set("b@x.example", { id: "r1", stanza: ["presence", { type: "subscribe" }] });
    doc.gone.set("c@x.example", 1);
    const back = rosterFromJson(JSON.parse(JSON.stringify(rosterToJson(doc))))!;
    expect(back).toEqual(doc);
    expect(versionOf(back)).toBe(`${doc.epoch}-3`);
    expect(parseVersion(back, `${doc.epoch}-2`)).toBe(2);
    expect(parseVersion(back, `${doc.epoch}-4`)).toBeUndefined();
    expect(parseVersion(back, "other-2")).toBeUndefined();
    expect(rosterFromJson("nonsense")).toBeUndefined();
    expect(rosterFromJson({ items: [{ jid: 1 }, null, { jid: "x@y", subscription: "evil" }] })!.items.get("x@y")?.subscription).toBe("none");
  });

  it("keeps a stanza's children, text and order", () => {
    const p = new Element("presence", { type: "subscribe", from: "a@b" });
    p.c("status").t("hi <there>").up().c("nick", { xmlns: "http://jabber.org/protocol/nick" }).t("A").up().t("tail");
    const back = loadElement(JSON.parse(JSON.stringify(storeElement(p))));
    expect(back.toString()).toBe(p.toString());
  });
});
