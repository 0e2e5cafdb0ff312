/**
 * RFC 6121 §4: initial presence (broadcast to subscribers, probes, the contacts' presence to the
 * new resource), updates, unavailable on logout and on a dropped connection, directed presence,
 * presence to a bare JID, and probes answered only for those entitled to the answer.
 */
import type { Element } from "ltx";
import { Priority } from "../../lib/events";
import type { StanzaEvent } from "../../lib/router";
import { el } from "../../lib/stanza";
import { startTestServer, TestServer } from "../support/harness";
import { fresh, isPresence, TestClient } from "./roster-support";
import { enterState, onlinePair, onlineUser } from "./subscription-support";

let ts: TestServer;
const toPeers: Element[] = [];
/** What the router handed to federation (which, today, bounces it). */
const toRemote: Element[] = [];
beforeAll(async () => {
  ts = await startTestServer();
  ts.server.events.on<{ stanza: Element }>(
    "route/remote",
    (ev) => {
      toRemote.push(ev.stanza);
      return undefined;
    },
    Priority.FIRST,
  );
  // Stanzas for JIDs with no account ("peer-…") are recorded here: they stand for another server.
  ts.server.hosts.get(ts.domain)!.events.on<StanzaEvent>(
    "presence/bare",
    (ev) => {
      if (ev.to.local.startsWith("peer-")) toPeers.push(ev.stanza);
      return undefined;
    },
    Priority.FIRST,
  );
  ts.server.hosts.get(ts.domain)!.events.on<StanzaEvent>(
    "presence/full",
    (ev) => {
      if (ev.to.local.startsWith("peer-")) toPeers.push(ev.stanza);
      return undefined;
    },
    Priority.FIRST,
  );
});
afterAll(async () => ts?.stop());

async function login(local: string, resource?: string): Promise<TestClient> {
  const c = await TestClient.login(ts, local, "pw", resource);
  await c.rosterGet();
  return c;
}

const available = (from?: string) => isPresence(undefined, from);
const unavailable = (from?: string) => isPresence("unavailable", from);

describe("initial presence (RFC 6121 §4.2)", () => {
  it("goes to subscribers and the user's resources, not to other contacts", async () => {
    const [u, sub] = await onlinePair(ts, fresh("user"), fresh("subscriber"));
    await enterState(u, sub, "From");
    const notSub = await onlineUser(ts, fresh("other"));
    await enterState(u, notSub, "To"); // u sees notSub, notSub does not see u
    const second = await login(u.local, "second");
    await second.available("<status>hello</status>");
    const got = await sub.waitFor(available(second.full), "the broadcast at the subscriber");
    expect(got.attrs.to).toBe(sub.bare);
    expect(got.getChildText("status")).toBe("hello");
    await u.waitFor(available(second.full), "the broadcast at the user's other resource");
    await notSub.expectNone(available(second.full), "the broadcast at a contact without a subscription");
    await Promise.all([u.disconnect(), sub.disconnect(), notSub.disconnect(), second.disconnect()]);
  });

  it("probes the contacts the user is subscribed to: online ones answer with each resource's presence, offline ones with unavailable", async () => {
    const local = fresh("user");
    const [u, online] = await onlinePair(ts, local, fresh("online"));
    await enterState(u, online, "To");
    const onlineSecond = await login(online.local, "second");
    await onlineSecond.available("<show>dnd</show>");
    const offline = await onlineUser(ts, fresh("offline"));
    await enterState(u, offline, "Both");
    await offline.disconnect();
    const unrelated = await onlineUser(ts, fresh("unrelated"));
    await enterState(u, unrelated, "From"); // unrelated sees u; u does not see unrelated
    await u.disconnect();

    const again = await login(local, "again");
    again.presence();
    const first = await again.waitFor(available(online.full), "the online contact's first resource");
    expect(first.attrs.to).toBe(again.full);
    expect(first.getChild("delay", "urn:xmpp:delay")?.attrs.from).toBe(ts.domain);
    const second = await again.waitFor(available(onlineSecond.full), "the online contact's second resource");
    expect(second.getChildText("show")).toBe("dnd");
    const off = await again.waitFor(unavailable(offline.bare), "the offline contact's unavailable");
    expect(off.attrs.to).toBe(again.full);
    await again.expectNone((e) => e.name === "presence" && e.attrs.from?.startsWith(unrelated.bare), "presence from a contact the user is not subscribed to");
    await Promise.all([again.disconnect(), online.disconnect(), onlineSecond.disconnect(), unrelated.disconnect()]);
  });

  it("shows the new resource the user's other available resources", async () => {
    const local = fresh("user");
    await ts.addUser(local, "pw");
    const a = await login(local, "a");
    await a.available("<show>away</show>");
    const b = await login(local, "b");
    b.presence();
    const seen = await b.waitFor(available(a.full), "the other resource's presence");
    expect(seen.getChildText("show")).toBe("away");
    await Promise.all([a.disconnect(), b.disconnect()]);
  });
});

describe("updates and unavailable (RFC 6121 §4.4, §4.5)", () => {
  it("broadcasts updates and explicit unavailable to subscribers", async () => {
    const [u, c] = await onlinePair(ts, fresh("user"), fresh("contact"));
    await enterState(u, c, "Both");
    u.presence({}, "<show>xa</show>");
    expect((await c.waitFor(available(u.full), "the update")).getChildText("show")).toBe("xa");
    u.presence({ type: "unavailable" }, "<status>bye</status>");
    expect((await c.waitFor(unavailable(u.full), "the unavailable")).getChildText("status")).toBe("bye");
    await u.disconnect();
    await c.expectNone(unavailable(u.full), "a second unavailable at disconnect");
    await c.disconnect();
  });

  it("sends unavailable for a resource that closes its stream without saying so", async () => {
    const [u, c] = await onlinePair(ts, fresh("user"), fresh("contact"));
    await enterState(u, c, "From");
    const full = u.full;
    await u.disconnect();
    expect((await c.waitFor(unavailable(full), "unavailable after the disconnect")).attrs.to).toBe(c.bare);
    await c.disconnect();
  });

  it("sends unavailable for a dropped connection", async () => {
    const [u, c] = await onlinePair(ts, fresh("user"), fresh("contact"));
    await enterState(u, c, "Both");
    const full = u.full;
    // No </stream:stream>: the TCP connection just goes away.
    // (XmppClient has no "drop" of its own; its connection's close(0) ends TCP without a stream close.)
    await (u.xmpp as unknown as { conn: { close(ms: number): Promise<void> } }).conn.close(0);
    await c.waitFor(unavailable(full), "unavailable after the drop");
    await c.disconnect();
  });

  it("sends nothing to subscribers for a resource that never became available", async () => {
    const [u, c] = await onlinePair(ts, fresh("user"), fresh("contact"));
    await enterState(u, c, "From");
    const silent = await login(u.local, "silent");
    const full = silent.full;
    await silent.disconnect();
    await c.expectNone(unavailable(full), "unavailable for a resource that was never available");
    await Promise.all([u.disconnect(), c.disconnect()]);
  });
});

describe("directed presence (RFC 6121 §4.6)", () => {
  it("is followed by unavailable when the sender goes away, unless already taken back", async () => {
    const [u, x] = await onlinePair(ts, fresh("user"), fresh("stranger"));
    const y = await onlineUser(ts, fresh("stranger"));
    u.presence({ to: x.full });
    await x.waitFor(available(u.full), "the directed presence");
    u.presence({ to: y.bare });
    await y.waitFor(available(u.full), "the directed presence to a bare JID");
    u.presence({ to: y.bare, type: "unavailable" });
    await y.waitFor(unavailable(u.full), "the directed unavailable");
    const full = u.full;
    await u.disconnect();
    expect((await x.waitFor(unavailable(full), "unavailable at logout")).attrs.to).toBe(x.full);
    await y.expectNone(unavailable(full), "a second unavailable");
    await Promise.all([x.disconnect(), y.disconnect()]);
  });

  it("to a JID on another server is remembered too", async () => {
    const local = fresh("user");
    await ts.addUser(local, "pw");
    const u = await login(local);
    await u.available();
    const remote = `someone@${fresh("elsewhere")}.example/desk`;
    u.presence({ to: remote });
    await new Promise((r) => setTimeout(r, 50));
    const full = u.full;
    await u.disconnect();
    await new Promise((r) => setTimeout(r, 100));
    expect(toRemote.filter((p) => p.attrs.to === remote && p.attrs.from === full).map((p) => p.attrs.type)).toEqual([undefined, "unavailable"]);
  });
});

describe("presence to a local account (RFC 6121 §8.5.2, §8.5.3)", () => {
  it("to the bare JID reaches every available resource and no unavailable one", async () => {
    const local = fresh("user");
    await ts.addUser(local, "pw");
    const [a, b, idle] = await Promise.all([login(local, "a"), login(local, "b"), login(local, "idle")]);
    await a.available();
    await b.available();
    const sender = await onlineUser(ts, fresh("sender"));
    sender.presence({ to: a.bare }, "<status>to all</status>");
    for (const r of [a, b]) expect((await r.waitFor(available(sender.full), "the presence")).attrs.to).toBe(a.bare);
    await idle.expectNone(available(sender.full), "presence at a resource that is not available");
    sender.presence({ to: b.full }, "<status>to b</status>");
    expect((await b.waitFor(available(sender.full), "the presence to the full JID")).getChildText("status")).toBe("to b");
    await a.expectNone(available(sender.full), "presence meant for another resource");
    await Promise.all([a.disconnect(), b.disconnect(), idle.disconnect(), sender.disconnect()]);
  });
});

describe("probes (RFC 6121 §4.3.2)", () => {
  const probeFrom = (peer: string, to: string) => void ts.server.router.post(el("presence", { type: "probe", from: peer, to }));
  const answersTo = async (peer: string) => {
    await new Promise((r) => setTimeout(r, 100));
    return toPeers.filter((p) => p.attrs.to === peer || p.attrs.to?.startsWith(peer + "/"));
  };

  it("answers a subscriber with the last presence of each available resource", async () => {
    const [u, c] = await onlinePair(ts, fresh("user"), fresh("contact"));
    await enterState(u, c, "From");
    c.presence({ to: u.bare, type: "probe" });
    const got = await c.waitFor(available(u.full), "the probe answer");
    expect(got.attrs.to).toBe(c.full);
    await Promise.all([u.disconnect(), c.disconnect()]);
  });

  it("answers someone who is not a subscriber with unsubscribed and no presence", async () => {
    const local = fresh("user");
    await ts.addUser(local, "pw");
    const u = await login(local);
    await u.available();
    const peer = `${fresh("peer")}@${ts.domain}`;
    probeFrom(`${peer}/res`, u.bare);
    const answers = await answersTo(peer);
    expect(answers.map((p) => p.attrs.type)).toEqual(["unsubscribed"]);
    expect(answers[0].attrs).toMatchObject({ from: u.bare, to: peer });
    await u.disconnect();
  });

  it("answers a probe for an account that does not exist exactly like one from a non-subscriber", async () => {
    const peer = `${fresh("peer")}@${ts.domain}`;
    const ghost = `${fresh("ghost")}@${ts.domain}`;
    probeFrom(peer, ghost);
    const answers = await answersTo(peer);
    expect(answers.map((p) => [p.attrs.type, p.attrs.from])).toEqual([["unsubscribed", ghost]]);
  });

  it("answers a subscriber with unavailable when no resource is available", async () => {
    const [u, c] = await onlinePair(ts, fresh("user"), fresh("contact"));
    await enterState(u, c, "From");
    await u.disconnect();
    c.clear();
    c.presence({ to: u.bare, type: "probe" });
    const got = await c.waitFor(unavailable(u.bare), "the unavailable answer");
    expect(got.attrs.to).toBe(c.full);
    await c.disconnect();
  });
});
