/**
 * Stream resumption and hibernation over real sockets.
 *
 * References:
 * - XEP-0198 §5 (resume on a new authenticated stream before binding; <resumed previd h/>;
 *   retransmission of what the other side did not handle; unknown or expired id → <failed><item-not-found/>,
 *   MAY with h; the old stream gets a conflict stream error), §7 (an unfinished stream keeps the session),
 *   §9 (only the same account may resume)
 * - XEP-0203 §2 (delay on what was held back)
 * - reliability.md §7.3 AUTH-16 (another user's SM-ID → item-not-found), §6 D2 (unacked stanzas never dropped)
 */
import { defineModule } from "../../lib/module-host/define";
import { startTestServer, TestServer } from "../support/harness";
import { TestClient } from "../support/test-client";
import { bodyOf, boundSession, errorCondition, failedCondition, hasDelay, isChat, NS_SM, SmClient, sleep, waitDetached } from "./sm-client";

const clients: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
});

function track<T extends { close(): Promise<void> }>(c: T): T {
  clients.push(c);
  return c;
}

async function plain(ts: TestServer, user: string, resource?: string): Promise<TestClient> {
  const c = await TestClient.login(ts, user, `${user}-pw`, { resource });
  clients.push({ close: () => c.disconnect() });
  return c;
}

async function sm(ts: TestServer, user: string, resource?: string) {
  const r = await SmClient.enabled(ts, user, `${user}-pw`, { resource });
  track(r.c);
  return { c: r.c, id: r.enabled.attrs.id };
}

async function reconnect(ts: TestServer, user: string): Promise<SmClient> {
  return track(await SmClient.authenticated(ts, user, `${user}-pw`));
}

describe("with the default hibernation time", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
    for (const u of ["alice", "bob", "mallory"]) await ts.addUser(u, `${u}-pw`);
  });
  afterAll(async () => ts?.stop());

  it("retransmits exactly the unacknowledged stanzas, once each and in order, with a delay stamp (§5)", async () => {
    const { c: alice, id } = await sm(ts, "alice", "phone");
    alice.autoAck = false;
    const bob = await plain(ts, "bob");
    for (const n of [1, 2, 3]) bob.send(`<message to='${alice.jid}' type='chat' id='b${n}'><body>bob ${n}</body></message>`);
    for (const n of [1, 2, 3]) await alice.expect((e) => isChat(e) && e.attrs.id === `b${n}`, `b${n}`);
    alice.send(`<a xmlns='${NS_SM}' h='1'/>`);
    // Two stanzas from alice that the server handles before the connection goes.
    alice.send(`<message to='${bob.jid}' type='chat' id='a1'><body>alice 1</body></message>`);
    alice.send(`<message to='${bob.jid}' type='chat' id='a2'><body>alice 2</body></message>`);
    expect(await alice.requestAck()).toBe(2);
    await alice.vanish();
    await waitDetached(ts, alice.jid!);

    // While alice hibernates, messages for her are accepted and queued, not bounced.
    for (const n of [4, 5]) bob.send(`<message to='${alice.jid}' type='chat' id='b${n}'><body>bob ${n}</body></message>`);
    await bob.expectNone((e) => e.name === "message" && e.attrs.type === "error", "a bounce", 300);

    const again = await reconnect(ts, "alice");
    expect(again.smOffered).toBe(true);
    // Alice saw b1 and b2 (she acknowledged only b1 before the connection went).
    const resumed = await again.resume(id, 2);
    expect(resumed.name).toBe("resumed");
    expect(resumed.attrs.previd).toBe(id);
    expect(resumed.attrs.h).toBe("2");

    const resent = [];
    for (const n of [3, 4, 5]) resent.push(await again.expect((e) => isChat(e) && e.attrs.id === `b${n}`, `b${n} after resumption`));
    expect(resent.map(bodyOf)).toEqual(["bob 3", "bob 4", "bob 5"]);
    expect(resent.every(hasDelay)).toBe(true);
    expect(resent[0].getChild("delay", "urn:xmpp:delay")?.attrs.from).toBe("alice@localhost");
    // Nothing twice: b1 and b2 are not sent again.
    expect(await again.collect(isChat, 400)).toEqual([]);

    // The same bound session goes on: same JID, counts continue.
    const session = boundSession(ts, alice.jid!);
    expect(session?.detached).toBe(false);
    expect(await again.requestAck()).toBe(2);
    again.send(`<message to='${bob.jid}' type='chat' id='a3'><body>alice 3</body></message>`);
    expect(await again.requestAck()).toBe(3);
    const m = await bob.expect((e) => e.name === "message" && e.attrs.id === "a3", "alice's message after resumption");
    expect(m.attrs.from).toBe(alice.jid);
  });

  it("refuses another account's SM-ID with <failed><item-not-found/></failed>; the owner can still resume (AUTH-16)", async () => {
    const { c: alice, id } = await sm(ts, "alice", "laptop");
    await alice.vanish();
    await waitDetached(ts, alice.jid!);

    const mallory = await reconnect(ts, "mallory");
    const failed = await mallory.resume(id, 0);
    expect([failed.name, failedCondition(failed)]).toEqual(["failed", "item-not-found"]);
    expect(failed.attrs.h).toBeUndefined();
    // The failure is recoverable: mallory binds her own resource (§5).
    expect(await mallory.bind()).toMatch(/^mallory@localhost\//);
    expect(boundSession(ts, alice.jid!)?.detached).toBe(true);

    const again = await reconnect(ts, "alice");
    expect((await again.resume(id, 0)).name).toBe("resumed");
  });

  it("refuses an unknown SM-ID with <failed><item-not-found/></failed> and lets the client bind (§5)", async () => {
    const c = await reconnect(ts, "alice");
    const failed = await c.resume("no-such-id", 0);
    expect([failed.name, failedCondition(failed)]).toEqual(["failed", "item-not-found"]);
    expect(await c.bind("fresh")).toBe("alice@localhost/fresh");
  });

  it("takes over a session whose old connection is still open, which gets a conflict stream error (§5)", async () => {
    const { c: old, id } = await sm(ts, "alice", "tablet");
    const bob = await plain(ts, "bob");
    const fresh = await reconnect(ts, "alice");
    expect((await fresh.resume(id, 0)).name).toBe("resumed");
    expect(await old.waitClosed()).toBe("conflict");
    bob.send(`<message to='${old.jid}' type='chat' id='late'><body>for the new connection</body></message>`);
    expect(bodyOf(await fresh.expect((e) => isChat(e) && e.attrs.id === "late", "the message"))).toBe("for the new connection");
  });
});

describe("with a short hibernation time", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ storage: "sqlite", yaml: "smacks_hibernation_time: 1s" });
    for (const u of ["alice", "bob"]) await ts.addUser(u, `${u}-pw`);
  });
  afterAll(async () => ts?.stop());

  it("keeps the resource available while it hibernates, and sends unavailable when it ends (§5, §7)", async () => {
    const other = await plain(ts, "alice", "desk");
    other.send("<presence/>");
    await other.expect((e) => e.name === "presence" && e.attrs.from === other.jid, "its own presence");
    const { c: phone } = await sm(ts, "alice", "phone");
    phone.send("<presence/>");
    await other.expect((e) => e.name === "presence" && e.attrs.from === phone.jid && e.attrs.type === undefined, "the phone's presence");
    await phone.vanish();
    await waitDetached(ts, phone.jid!);
    await other.expectNone((e) => e.name === "presence" && e.attrs.from === phone.jid, "the phone's unavailable presence", 600);
    const gone = await other.expect((e) => e.name === "presence" && e.attrs.from === phone.jid, "the phone's unavailable presence", 3000);
    expect(gone.attrs.type).toBe("unavailable");
  });

  it("after the timeout: resume fails with item-not-found and h, and the unacknowledged message waits in offline storage (§5, D2)", async () => {
    const { c: alice, id } = await sm(ts, "alice", "phone");
    alice.autoAck = false;
    alice.send("<presence/>");
    await alice.expect((e) => e.name === "presence", "its own presence");
    alice.send(`<a xmlns='${NS_SM}' h='1'/>`);
    const bob = await plain(ts, "bob");
    bob.send(`<message to='alice@localhost' type='chat' id='x1'><body>are you there?</body></message>`);
    await alice.expect((e) => isChat(e) && e.attrs.id === "x1", "the message");
    await alice.vanish();
    await waitDetached(ts, alice.jid!);
    await sleep(1500);

    const late = await reconnect(ts, "alice");
    const failed = await late.resume(id, 1);
    expect([failed.name, failedCondition(failed)]).toEqual(["failed", "item-not-found"]);
    // The final count of what the server handled (the presence) comes with it.
    expect(failed.attrs.h).toBe("1");
    // Nothing bounced to bob: the message was kept.
    await bob.expectNone((e) => e.name === "message" && e.attrs.type === "error", "a bounce", 200);

    await late.bind("again");
    late.send("<presence/>");
    const m = await late.expect((e) => isChat(e) && e.attrs.id === "x1", "the stored message");
    expect(bodyOf(m)).toBe("are you there?");
    expect(hasDelay(m)).toBe(true);
  });

  it("bounces an unacknowledged message that nothing may store: recipient-unavailable with a delay stamp (D2)", async () => {
    const { c: alice } = await sm(ts, "alice", "phone");
    alice.autoAck = false;
    const bob = await plain(ts, "bob");
    bob.send(`<message to='${alice.jid}' type='chat' id='ns1'><body>do not store</body><no-store xmlns='urn:xmpp:hints'/></message>`);
    await alice.expect((e) => isChat(e) && e.attrs.id === "ns1", "the message");
    await alice.vanish();
    const err = await bob.expect((e) => e.name === "message" && e.attrs.type === "error" && e.attrs.id === "ns1", "the bounce", 4000);
    expect(errorCondition(err)).toBe("recipient-unavailable");
    expect(err.attrs.from).toBe(alice.jid);
    expect(hasDelay(err)).toBe(true);
  });
});

describe("while the old session is still handling a stanza", () => {
  const DELAY_MS = 600;
  const slowOffline = defineModule({
    name: "slow-offline",
    summary: "test: delays offline storage",
    scope: "host",
    setup(mod) {
      mod.hook("message/offline/handle", async () => {
        await sleep(DELAY_MS);
        return undefined;
      }, 100);
    },
  });
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ storage: "sqlite", extraModules: [slowOffline] });
    for (const u of ["alice", "dave"]) await ts.addUser(u, `${u}-pw`);
  });
  afterAll(async () => ts?.stop());

  it("waits for it, so <resumed h/> counts it and the client need not send it again (§5, D1)", async () => {
    const { c: alice, id } = await sm(ts, "alice", "phone");
    alice.send(`<message to='dave@localhost' type='chat' id='slow1'><body>slowly stored</body></message>`);
    await sleep(50);
    await alice.vanish();
    const again = await reconnect(ts, "alice");
    const started = Date.now();
    const resumed = await again.resume(id, 0);
    expect(resumed.attrs.h).toBe("1");
    expect(Date.now() - started).toBeGreaterThan(DELAY_MS / 3);
    expect(await ts.server.storage.archive("localhost", "offline").count("dave")).toBe(1);
  });
});
