/**
 * RFC 6121 §2: roster get, set, update, remove; pushes to every interested resource and only
 * those; item validation; the per-account size limit; nobody else's roster; forged pushes;
 * roster data gone with the account.
 */
import { el } from "../../lib/stanza";
import { startTestServer, TestServer } from "../support/harness";
import { fresh, isPresence, isPush, itemState, pushedItem, ROSTER, TestClient } from "./roster-support";
import { onlinePair, pendingIn } from "./subscription-support";

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => ts?.stop());

async function account(prefix: string, server: TestServer = ts): Promise<string> {
  const local = fresh(prefix);
  await server.addUser(local, "pw");
  return local;
}

function errorCondition(reply: { attrs: Record<string, string>; getChild(n: string): any }): string | undefined {
  if (reply.attrs.type !== "error") return undefined;
  const e = reply.getChild("error");
  return e?.children.find((c: any) => typeof c !== "string" && c.attrs.xmlns === "urn:ietf:params:xml:ns:xmpp-stanzas")?.name;
}

describe("roster get (RFC 6121 §2.2)", () => {
  it("returns an empty roster with a version for a new account", async () => {
    const u = await TestClient.login(ts, await account("user"), "pw");
    const r = await u.rosterGet();
    expect(r.attrs.type).toBe("result");
    const q = r.getChild("query", ROSTER)!;
    expect(q.getChildren("item")).toHaveLength(0);
    expect(q.attrs.ver).toEqual(expect.any(String));
    await u.disconnect();
  });
});

describe("roster set and pushes (RFC 6121 §2.3, §2.4)", () => {
  it("answers the setter and pushes to every interested resource, itself included, and no other", async () => {
    const local = await account("user");
    const [a, b, quiet] = await Promise.all([TestClient.login(ts, local, "pw", "a"), TestClient.login(ts, local, "pw", "b"), TestClient.login(ts, local, "pw", "c")]);
    await Promise.all([a.rosterGet(), b.rosterGet()]);
    await quiet.available(); // available but never asked for the roster: not interested
    const contact = `${fresh("contact")}@${ts.domain}`;

    const r = await a.rosterSet(contact, { name: "Contact", groups: ["Friends", "Work"] });
    expect(r.attrs.type).toBe("result");
    for (const c of [a, b]) {
      const push = await c.waitFor(isPush(contact), "the push");
      expect(push.attrs.from).toBeUndefined();
      expect(push.attrs.to).toBe(c.full);
      expect(push.getChild("query", ROSTER)!.attrs.ver).toEqual(expect.any(String));
      const item = pushedItem(push);
      expect(item.attrs).toMatchObject({ jid: contact, name: "Contact", subscription: "none" });
      expect(item.getChildren("group").map((g) => g.getText())).toEqual(["Friends", "Work"]);
    }
    await quiet.expectNone(isPush(), "a push to a resource that never asked for the roster");

    const roster = await quiet.roster();
    expect(roster.get(contact)?.attrs.name).toBe("Contact");
    await Promise.all([a.disconnect(), b.disconnect(), quiet.disconnect()]);
  });

  it("updates name and groups, keeping the subscription", async () => {
    const [u, c] = await onlinePair(ts, fresh("user"), fresh("contact"));
    u.presence({ to: c.bare, type: "subscribe" });
    await u.waitFor(isPush(c.bare), "the first push");
    const r = await u.rosterSet(c.bare, { name: "New name", groups: ["G"] });
    expect(r.attrs.type).toBe("result");
    const item = pushedItem(await u.waitFor(isPush(c.bare), "the update push"));
    expect(item.attrs).toMatchObject({ name: "New name", subscription: "none", ask: "subscribe" });
    expect(item.getChildren("group").map((g) => g.getText())).toEqual(["G"]);
    await Promise.all([u.disconnect(), c.disconnect()]);
  });

  it("ignores a client's subscription, ask and approved attributes (RFC 6121 §2.1.2)", async () => {
    const u = await TestClient.login(ts, await account("user"), "pw");
    await u.rosterGet();
    const contact = `${fresh("contact")}@${ts.domain}`;
    const r = await u.iq("set", `<query xmlns='${ROSTER}'><item jid='${contact}' subscription='both' ask='subscribe' approved='true'/></query>`);
    expect(r.attrs.type).toBe("result");
    expect(itemState(pushedItem(await u.waitFor(isPush(contact), "the push")))).toEqual({ subscription: "none" });
    await u.disconnect();
  });

  it("removes an item: result, push with subscription='remove' to interested resources, gone from the roster", async () => {
    const local = await account("user");
    const [a, b] = await Promise.all([TestClient.login(ts, local, "pw", "a"), TestClient.login(ts, local, "pw", "b")]);
    await Promise.all([a.rosterGet(), b.rosterGet()]);
    const contact = `${fresh("contact")}@${ts.domain}`;
    await a.rosterSet(contact);
    await Promise.all([a.waitFor(isPush(contact), "add push"), b.waitFor(isPush(contact), "add push")]);
    const r = await b.rosterSet(contact, { remove: true });
    expect(r.attrs.type).toBe("result");
    for (const c of [a, b]) expect(pushedItem(await c.waitFor(isPush(contact), "removal push")).attrs.subscription).toBe("remove");
    expect((await a.roster()).has(contact)).toBe(false);
    await Promise.all([a.disconnect(), b.disconnect()]);
  });
});

describe("roster set validation (RFC 6121 §2.3.3)", () => {
  let u: TestClient;
  beforeAll(async () => {
    u = await TestClient.login(ts, await account("user"), "pw");
    await u.rosterGet();
  });
  afterAll(async () => u?.disconnect());

  const contact = () => `${fresh("contact")}@${ts.domain}`;
  const cases: [string, () => string, string][] = [
    ["two items", () => `<item jid='${contact()}'/><item jid='${contact()}'/>`, "bad-request"],
    ["no item", () => "", "bad-request"],
    ["an item without a jid", () => "<item name='x'/>", "bad-request"],
    ["a malformed jid", () => "<item jid='a@b@c'/>", "jid-malformed"],
    ["a full JID", () => `<item jid='${contact()}/res'/>`, "bad-request"],
    ["the same group twice", () => `<item jid='${contact()}'><group>G</group><group>G</group></item>`, "bad-request"],
    ["an empty group", () => `<item jid='${contact()}'><group/></item>`, "not-acceptable"],
    ["a name over the length limit", () => `<item jid='${contact()}' name='${"n".repeat(1025)}'/>`, "not-acceptable"],
    ["a group over the length limit", () => `<item jid='${contact()}'><group>${"g".repeat(1025)}</group></item>`, "not-acceptable"],
    ["too many groups", () => `<item jid='${contact()}'>${Array.from({ length: 65 }, (_, i) => `<group>g${i}</group>`).join("")}</item>`, "not-acceptable"],
  ];
  it.each(cases)("refuses %s", async (_what, item, condition) => {
    const r = await u.iq("set", `<query xmlns='${ROSTER}'>${item()}</query>`);
    expect(errorCondition(r)).toBe(condition);
    await u.expectNone(isPush(), "a push after a refused set", 50);
  });

  it("refuses the account's own JID (not-allowed)", async () => {
    const r = await u.rosterSet(u.bare);
    expect(errorCondition(r)).toBe("not-allowed");
  });

  it("accepts a name and a group at the length limit, counted in characters", async () => {
    const c = contact();
    const r = await u.rosterSet(c, { name: "é".repeat(1024), groups: ["😀".repeat(1024)] });
    expect(r.attrs.type).toBe("result");
    await u.waitFor(isPush(c), "the push");
  });
});

describe("roster size limits (roster_max_items, roster_max_pending_requests)", () => {
  let small: TestServer;
  beforeAll(async () => {
    small = await startTestServer({ yaml: "roster_max_items: 3\nroster_max_pending_requests: 2" });
  });
  afterAll(async () => small?.stop());

  it("refuses a new item beyond the limit with not-allowed, still allows updates and removals", async () => {
    const u = await TestClient.login(small, await account("user", small), "pw");
    await u.rosterGet();
    const jids = [1, 2, 3, 4].map((i) => `c${i}@${small.domain}`);
    for (const j of jids.slice(0, 3)) expect((await u.rosterSet(j)).attrs.type).toBe("result");
    const r = await u.rosterSet(jids[3]);
    expect(errorCondition(r)).toBe("not-allowed");
    expect(r.getChild("error")!.attrs.type).toBe("cancel");
    expect((await u.rosterSet(jids[0], { name: "renamed" })).attrs.type).toBe("result");
    // A subscription request that would need a new item is refused too.
    u.presence({ to: jids[3], type: "subscribe" });
    const err = await u.waitFor(isPresence("error"), "the refused subscription");
    expect(err.getChild("error")?.getChild("not-allowed")).toBeDefined();
    expect((await u.roster()).size).toBe(3);
    expect((await u.rosterSet(jids[0], { remove: true })).attrs.type).toBe("result");
    expect((await u.rosterSet(jids[3])).attrs.type).toBe("result");
    await u.disconnect();
  });

  it("drops subscription requests beyond the pending limit", async () => {
    const u = await TestClient.login(small, await account("user", small), "pw");
    await u.available();
    const peers = [1, 2, 3].map((i) => `spammer${i}@elsewhere.example`);
    for (const p of peers) void small.server.router.post(el("presence", { type: "subscribe", from: p, to: u.bare }));
    await u.waitFor(isPresence("subscribe", peers[0]), "first request");
    await u.waitFor(isPresence("subscribe", peers[1]), "second request");
    await u.expectNone(isPresence("subscribe", peers[2]), "a request beyond the limit");
    expect(await pendingIn(small, u.local, peers[2])).toBe(false);
    await u.disconnect();
  });
});

describe("someone else's roster (RFC 6121 §2.3.3, reliability RT-02, RT-03)", () => {
  it("refuses a get or set addressed to another account with forbidden, changing nothing", async () => {
    const [mallory, victim] = await onlinePair(ts, fresh("mallory"), fresh("victim"));
    const get = await mallory.iq("get", `<query xmlns='${ROSTER}'/>`, victim.bare);
    expect(errorCondition(get)).toBe("forbidden");
    const set = await mallory.iq("set", `<query xmlns='${ROSTER}'><item jid='${mallory.bare}'/></query>`, victim.bare);
    expect(errorCondition(set)).toBe("forbidden");
    await victim.expectNone(isPush(), "a push at the victim");
    expect((await victim.roster()).size).toBe(0);
    await Promise.all([mallory.disconnect(), victim.disconnect()]);
  });

  it("does not deliver a forged roster push to a client's full JID", async () => {
    const [mallory, victim] = await onlinePair(ts, fresh("mallory"), fresh("victim"));
    const r = await mallory.iq("set", `<query xmlns='${ROSTER}'><item jid='${mallory.bare}' subscription='both'/></query>`, victim.full);
    expect(errorCondition(r)).toBe("service-unavailable");
    await victim.expectNone((e) => e.name === "iq", "the forged push");
    await Promise.all([mallory.disconnect(), victim.disconnect()]);
  });

  it("still delivers other IQs to a full JID", async () => {
    const [a, b] = await onlinePair(ts, fresh("a"), fresh("b"));
    a.send(`<iq type='get' id='v1' to='${b.full}'><query xmlns='jabber:iq:version'/></iq>`);
    const got = await b.waitFor((e) => e.name === "iq" && e.attrs.id === "v1", "the version query");
    expect(got.attrs.from).toBe(a.full);
    await Promise.all([a.disconnect(), b.disconnect()]);
  });
});

it("removes the roster and pending requests with the account", async () => {
  const local = await account("user");
  const u = await TestClient.login(ts, local, "pw");
  await u.rosterGet();
  await u.rosterSet(`friend@${ts.domain}`);
  void ts.server.router.post(el("presence", { type: "subscribe", from: "asker@elsewhere.example", to: u.bare }));
  await new Promise((r) => setTimeout(r, 50));
  expect(await pendingIn(ts, local, "asker@elsewhere.example")).toBe(true);
  await u.disconnect();

  await ts.server.accounts.delete(ts.domain, local);
  expect(await pendingIn(ts, local, "asker@elsewhere.example")).toBe(false);
  await ts.addUser(local, "pw2");
  const again = await TestClient.login(ts, local, "pw2");
  expect((await again.roster()).size).toBe(0);
  await again.available();
  await again.expectNone(isPresence("subscribe"), "a request from before the deletion");
  await again.disconnect();
});
