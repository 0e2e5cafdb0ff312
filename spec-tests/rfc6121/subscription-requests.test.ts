/**
 * Subscription requests over time: kept for an offline contact and delivered when it becomes
 * available, once per newly available resource, until answered, across a restart; pre-approval;
 * what removing a roster item tells the contact; requests that go nowhere.
 *
 * References: RFC 6121 §3.1.2, §3.1.3, §3.4, §2.5.2, §8.5.1
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Priority } from "../../lib/events";
import type { StanzaEvent } from "../../lib/router";
import { startTestServer, TestServer } from "../support/harness";
import { fresh, isPresence, isPush, itemState, postAuthFeatures, pushedItem, TestClient } from "./roster-support";
import { enterState, onlinePair, pendingIn, rosterItemState } from "./subscription-support";

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => ts?.stop());

async function account(prefix: string): Promise<string> {
  const local = fresh(prefix);
  await ts.addUser(local, "pw");
  return local;
}

async function online(local: string, resource?: string, server: TestServer = ts): Promise<TestClient> {
  const c = await TestClient.login(server, local, "pw", resource);
  await c.rosterGet();
  return c;
}

describe("a request for an offline contact (RFC 6121 §3.1.3)", () => {
  it("is kept, then delivered with its extended content at the contact's initial presence, once", async () => {
    const alice = await online(await account("alice"));
    const bobLocal = await account("bob");
    const bobBare = `${bobLocal}@${ts.domain}`;
    alice.presence({ to: bobBare, type: "subscribe" }, "<status>it is Alice</status>");
    await alice.waitFor(isPush(bobBare), "the pending-out push");
    await alice.disconnect();

    const bob = await online(bobLocal);
    // Not before the resource is available: binding and fetching the roster are not enough.
    await bob.expectNone(isPresence("subscribe"), "request before initial presence");
    await bob.available();
    const req = await bob.waitFor(isPresence("subscribe", alice.bare), "the stored request");
    expect(req.attrs.to).toBe(bobBare);
    expect(req.getChildText("status")).toBe("it is Alice");
    // A presence update is not a new login: no second copy.
    bob.presence({}, "<show>away</show>");
    await bob.expectNone(isPresence("subscribe", alice.bare), "second copy of the request");
    await bob.disconnect();
  });

  it("is delivered again at each later login until it is answered, then never again", async () => {
    const aliceLocal = await account("alice");
    const bobLocal = await account("bob");
    const alice = await online(aliceLocal);
    alice.presence({ to: `${bobLocal}@${ts.domain}`, type: "subscribe" });
    await alice.waitFor(isPush(), "the pending-out push");
    await alice.disconnect();

    for (let login = 0; login < 2; login++) {
      const bob = await online(bobLocal);
      await bob.available();
      await bob.waitFor(isPresence("subscribe", alice.bare), `the request at login ${login + 1}`);
      await bob.expectNone(isPresence("subscribe", alice.bare), "a duplicate at this login");
      await bob.disconnect();
    }
    const bob = await online(bobLocal);
    await bob.available();
    await bob.waitFor(isPresence("subscribe", alice.bare), "the request once more");
    bob.presence({ to: alice.bare, type: "subscribed" });
    await bob.waitFor(isPush(alice.bare), "the approval push");
    await bob.disconnect();

    const again = await online(bobLocal);
    await again.available();
    await again.expectNone(isPresence("subscribe"), "an answered request");
    await again.disconnect();
    expect(await pendingIn(ts, bobLocal, alice.bare)).toBe(false);
  });

  it("reaches every resource that becomes available later, and none twice", async () => {
    const [alice, bob] = await onlinePair(ts, fresh("alice"), fresh("bob"));
    alice.presence({ to: bob.bare, type: "subscribe" });
    await bob.waitFor(isPresence("subscribe", alice.bare), "the request at the online resource");
    const second = await online(bob.local, "second");
    await second.available();
    await second.waitFor(isPresence("subscribe", alice.bare), "the request at the new resource");
    await Promise.all([
      bob.expectNone(isPresence("subscribe"), "the request again at the first resource"),
      second.expectNone(isPresence("subscribe"), "the request twice at the new resource"),
    ]);
    await Promise.all([alice.disconnect(), bob.disconnect(), second.disconnect()]);
  });

  it("is handed to a resource once, even if it goes unavailable and available again", async () => {
    const [alice, bob] = await onlinePair(ts, fresh("alice"), fresh("bob"));
    alice.presence({ to: bob.bare, type: "subscribe" });
    await bob.waitFor(isPresence("subscribe", alice.bare), "the request");
    bob.presence({ type: "unavailable" });
    await bob.waitFor(isPresence("unavailable", bob.full), "own unavailable");
    await bob.available();
    await bob.expectNone(isPresence("subscribe"), "the same request again");
    await Promise.all([alice.disconnect(), bob.disconnect()]);
  });

  it("is denied by an offline-delivered unsubscribed, which reaches the requester", async () => {
    const aliceLocal = await account("alice");
    const bobLocal = await account("bob");
    const alice = await online(aliceLocal);
    await alice.available();
    alice.presence({ to: `${bobLocal}@${ts.domain}`, type: "subscribe" });
    await alice.waitFor(isPush(), "the pending-out push");
    const bob = await online(bobLocal);
    await bob.available();
    await bob.waitFor(isPresence("subscribe", alice.bare), "the request");
    bob.presence({ to: alice.bare, type: "unsubscribed" });
    await alice.waitFor(isPresence("unsubscribed", bob.bare), "the denial");
    expect(itemState(pushedItem(await alice.waitFor(isPush(bob.bare), "the push")))).toEqual({ subscription: "none" });
    expect(await pendingIn(ts, bobLocal, alice.bare)).toBe(false);
    await Promise.all([alice.disconnect(), bob.disconnect()]);
  });
});

it("keeps a request across a server restart (SQLite storage) and delivers it once", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "xmppd-roster-"));
  try {
    let server = await startTestServer({ storage: "sqlite", dir });
    try {
      await server.addUser("alice", "pw");
      await server.addUser("bob", "pw");
      const alice = await online("alice", undefined, server);
      alice.presence({ to: `bob@${server.domain}`, type: "subscribe" }, "<status>remember me</status>");
      await alice.waitFor(isPush(`bob@${server.domain}`), "the pending-out push");
      await alice.disconnect();
    } finally {
      await server.stop();
    }
    server = await startTestServer({ storage: "sqlite", dir });
    try {
      const bob = await online("bob", undefined, server);
      await bob.available();
      const req = await bob.waitFor(isPresence("subscribe", `alice@${server.domain}`), "the request after the restart");
      expect(req.getChildText("status")).toBe("remember me");
      await bob.expectNone(isPresence("subscribe"), "a second copy");
      // Alice's side survived too.
      const alice = await online("alice", undefined, server);
      expect(await rosterItemState(alice, `bob@${server.domain}`)).toEqual({ subscription: "none", ask: "subscribe" });
      await Promise.all([alice.disconnect(), bob.disconnect()]);
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("pre-approval (RFC 6121 §3.4)", () => {
  it("is advertised as a stream feature after authentication", async () => {
    const features = await postAuthFeatures(ts, await account("alice"), "pw");
    expect(features.getChild("sub", "urn:xmpp:features:pre-approval")).toBeDefined();
  });

  it("is not routed to the contact, nor is its cancellation (A.2.3, A.2.4)", async () => {
    const host = ts.server.hosts.get(ts.domain)!;
    const routed: string[] = [];
    const peer = `${fresh("peer")}@${ts.domain}`; // no such account: stands for another server's user
    const off = host.events.on<StanzaEvent>("presence/bare", (ev) => {
      if (ev.to.toString() === peer) routed.push(ev.stanza.attrs.type ?? "available");
      return undefined;
    }, Priority.FIRST);
    try {
      const u = await online(await account("user"));
      u.presence({ to: peer, type: "subscribed" });
      expect(itemState(pushedItem(await u.waitFor(isPush(peer), "the pre-approval push")))).toEqual({ subscription: "none", approved: "true" });
      u.presence({ to: peer, type: "unsubscribed" });
      expect(itemState(pushedItem(await u.waitFor(isPush(peer), "the cancellation push")))).toEqual({ subscription: "none" });
      u.presence({ to: peer, type: "subscribe" });
      await u.waitFor(isPush(peer), "the pending-out push");
      await u.collect(() => false, 50);
      expect(routed).toEqual(["subscribe"]);
      await u.disconnect();
    } finally {
      off();
    }
  });

  it("accepts the contact's later request without asking the user", async () => {
    const [u, c] = await onlinePair(ts, fresh("user"), fresh("contact"));
    u.presence({ to: c.bare, type: "subscribed" });
    expect(itemState(pushedItem(await u.waitFor(isPush(c.bare), "the pre-approval push")))).toEqual({ subscription: "none", approved: "true" });
    await c.expectNone(isPresence("subscribed"), "a routed pre-approval");

    c.presence({ to: u.bare, type: "subscribe" });
    await c.waitFor(isPresence("subscribed", u.bare), "the automatic approval");
    expect(itemState(pushedItem(await c.waitFor((e) => isPush(u.bare)(e) && pushedItem(e).attrs.subscription === "to", "the contact's push")))).toEqual({ subscription: "to" });
    expect(itemState(pushedItem(await u.waitFor(isPush(c.bare), "the user's push")))).toEqual({ subscription: "from" });
    await c.waitFor(isPresence(undefined, u.full), "the user's presence");
    await u.expectNone(isPresence("subscribe"), "the request at the user");
    await Promise.all([u.disconnect(), c.disconnect()]);
  });

  it("is cancelled by unsubscribed, after which requests are asked again", async () => {
    const [u, c] = await onlinePair(ts, fresh("user"), fresh("contact"));
    u.presence({ to: c.bare, type: "subscribed" });
    await u.waitFor(isPush(c.bare), "the pre-approval push");
    u.presence({ to: c.bare, type: "unsubscribed" });
    expect(itemState(pushedItem(await u.waitFor(isPush(c.bare), "the cancellation push")))).toEqual({ subscription: "none" });
    c.presence({ to: u.bare, type: "subscribe" });
    await u.waitFor(isPresence("subscribe", c.bare), "the request");
    await c.expectNone(isPresence("subscribed"), "an automatic approval");
    await Promise.all([u.disconnect(), c.disconnect()]);
  });
});

describe("removing a roster item (RFC 6121 §2.5.2)", () => {
  it("with subscriptions both ways: unsubscribe and unsubscribed to the contact, and unavailable", async () => {
    const [u, c] = await onlinePair(ts, fresh("user"), fresh("contact"));
    await enterState(u, c, "Both");
    const r = await u.rosterSet(c.bare, { remove: true });
    expect(r.attrs.type).toBe("result");
    expect(pushedItem(await u.waitFor(isPush(c.bare), "the removal push")).attrs.subscription).toBe("remove");
    await c.waitFor(isPresence("unsubscribe", u.bare), "unsubscribe");
    await c.waitFor(isPresence("unsubscribed", u.bare), "unsubscribed");
    await c.waitFor(isPresence("unavailable", u.full), "unavailable from the user");
    await u.waitFor(isPresence("unavailable", c.full), "unavailable from the contact");
    await c.collect(() => false, 100);
    expect(await rosterItemState(c, u.bare)).toEqual({ subscription: "none" });
    expect((await u.roster()).has(c.bare)).toBe(false);
    await Promise.all([u.disconnect(), c.disconnect()]);
  });

  it("with a request pending from the contact: the request is denied", async () => {
    const [u, c] = await onlinePair(ts, fresh("user"), fresh("contact"));
    await enterState(u, c, "None+PI");
    await u.rosterSet(c.bare, { remove: true });
    await c.waitFor(isPresence("unsubscribed", u.bare), "the denial");
    expect(itemState(pushedItem(await c.waitFor(isPush(u.bare), "the contact's push")))).toEqual({ subscription: "none" });
    expect(await pendingIn(ts, u.local, c.bare)).toBe(false);
    await Promise.all([u.disconnect(), c.disconnect()]);
  });

  it("of an item that does not exist: item-not-found", async () => {
    const u = await online(await account("user"));
    const r = await u.rosterSet(`nobody@${ts.domain}`, { remove: true });
    expect(r.attrs.type).toBe("error");
    expect(r.getChild("error")?.getChild("item-not-found")).toBeDefined();
    await u.disconnect();
  });
});

describe("requests that go nowhere", () => {
  it("to an account that does not exist: pending on the user's side, nothing comes back", async () => {
    const u = await online(await account("user"));
    const ghost = `${fresh("ghost")}@${ts.domain}`;
    u.presence({ to: ghost, type: "subscribe" });
    expect(itemState(pushedItem(await u.waitFor(isPush(ghost), "the push")))).toEqual({ subscription: "none", ask: "subscribe" });
    await u.expectNone((e) => e.name === "presence", "an answer");
    await u.disconnect();
  });

  it("to a domain nobody serves: the error comes back to the user's resources", async () => {
    const u = await online(await account("user"));
    await u.available();
    u.presence({ to: "someone@unreachable.invalid", type: "subscribe" });
    await u.waitFor(isPush("someone@unreachable.invalid"), "the push");
    const err = await u.waitFor(isPresence("error", "someone@unreachable.invalid"), "the bounce");
    expect(err.getChild("error")?.getChild("remote-server-not-found")).toBeDefined();
    await u.disconnect();
  });

  it("to the server itself: accepted at once, and the server is seen available", async () => {
    const u = await online(await account("user"));
    await u.available();
    u.presence({ to: ts.domain, type: "subscribe" });
    await u.waitFor(isPresence("subscribed", ts.domain), "the server's approval");
    expect(itemState(pushedItem(await u.waitFor((e) => isPush(ts.domain)(e) && pushedItem(e).attrs.subscription === "to", "the push")))).toEqual({ subscription: "to" });
    await u.waitFor(isPresence(undefined, ts.domain), "the server's presence");
    // ...and answers the probe of a later login.
    const again = await online(u.local, "again");
    again.presence();
    await again.waitFor(isPresence(undefined, ts.domain), "the server's presence at login");
    await Promise.all([u.disconnect(), again.disconnect()]);
  });

  it("to one's own account: ignored", async () => {
    const u = await online(await account("user"));
    await u.available();
    u.presence({ to: u.bare, type: "subscribe" });
    await u.expectNone((e) => isPush()(e) || isPresence("subscribe")(e), "anything");
    expect((await u.roster()).size).toBe(0);
    await u.disconnect();
  });

  it("to a full JID: treated as the bare JID (RFC 6121 §3.1.2)", async () => {
    const [u, c] = await onlinePair(ts, fresh("user"), fresh("contact"));
    u.presence({ to: c.full, type: "subscribe" });
    expect(pushedItem(await u.waitFor(isPush(), "the push")).attrs.jid).toBe(c.bare);
    const req = await c.waitFor(isPresence("subscribe", u.bare), "the request");
    expect(req.attrs.to).toBe(c.bare);
    await Promise.all([u.disconnect(), c.disconnect()]);
  });
});
