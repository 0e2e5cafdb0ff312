/**
 * Offline storage over real sockets, SQLite storage.
 *
 * References:
 * - XEP-0160 §2 (store, quota → service-unavailable, deliver at non-negative available presence), §3 (types), §4 (disco)
 * - XEP-0203 §2 (delay from/stamp), XEP-0082 §3.3 (DateTime)
 * - XEP-0085 (standalone chat states are not stored), XEP-0334 §4 (no-store, no-permanent-store)
 * - RFC 6121 §8.5.2.2.1 (unstored chat/normal → service-unavailable), §8.5.3.2.1 (full JID of an offline resource)
 */
import type { XmppClient } from "../runner/client";
import { startTestServer, TestServer } from "../support/harness";
import type { StoredMessage } from "../../modules/offline/codec";
import { bodyOf, collect, DELAY_NS, errorCondition, escape, isChatMessage, isErrorFor, login, waitFor, XEP0082_UTC } from "./support";

const QUOTA = 3;
let ts: TestServer;
const clients: XmppClient[] = [];
let userSeq = 0;

beforeAll(async () => {
  ts = await startTestServer({ storage: "sqlite", yaml: `offline_max_messages: ${QUOTA}` });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect(500)));
});
afterAll(async () => ts?.stop());

/** A fresh sender/recipient pair per test, so queues never leak between tests. */
async function pair(): Promise<{ sender: XmppClient; to: string; rcpt: string; pw: string }> {
  const n = ++userSeq;
  const [s, r] = [`sender${n}`, `rcpt${n}`];
  await ts.addUser(s, "pw-s");
  await ts.addUser(r, "pw-r");
  const sender = await login(ts.c2sPort, `${s}@localhost`, "pw-s", "desk");
  clients.push(sender);
  sender.send("<presence/>");
  return { sender, to: `${r}@localhost`, rcpt: r, pw: "pw-r" };
}

async function recipient(jid: string, pw: string, resource?: string): Promise<XmppClient> {
  const c = await login(ts.c2sPort, jid, pw, resource);
  clients.push(c);
  return c;
}

const stored = (user: string) => ts.server.storage.archive<StoredMessage>("localhost", "offline").count(user);

function sendChat(from: XmppClient, to: string, id: string, body: string, extra = "", type = "chat"): void {
  from.send(`<message to='${to}' type='${type}' id='${id}'><body>${escape(body)}</body>${extra}</message>`);
}

/** The sender hears nothing back (no error) for a little while: the message was accepted. */
async function expectAccepted(sender: XmppClient, id: string): Promise<void> {
  const back = await collect(sender, 300);
  expect(back.filter(isErrorFor(id))).toEqual([]);
}

it("advertises msgoffline in the server's disco#info (XEP-0160 §4)", async () => {
  const { sender } = await pair();
  sender.send("<iq type='get' id='d1' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  const res = await waitFor(sender, (e) => e.name === "iq" && e.attrs.id === "d1");
  expect(res.getChild("query")?.getChildren("feature").map((f) => f.attrs.var)).toContain("msgoffline");
});

it("stores a chat message for an offline user and delivers it at initial presence with a delay stamp", async () => {
  const { sender, to, rcpt, pw } = await pair();
  const before = Date.now();
  sendChat(sender, to, "m1", "hello while you were away");
  await expectAccepted(sender, "m1");
  const after = Date.now();
  expect(await stored(rcpt)).toBe(1);

  const b = await recipient(to, pw);
  // Nothing is delivered before available presence.
  expect((await collect(b, 300)).filter(isChatMessage)).toEqual([]);
  b.send("<presence/>");
  const m = await waitFor(b, isChatMessage);
  expect(bodyOf(m)).toBe("hello while you were away");
  expect(m.attrs.from).toBe(`${sender.fullJid}`);
  expect(m.attrs.id).toBe("m1");
  const delay = m.getChild("delay", DELAY_NS);
  expect(delay?.attrs.from).toBe("localhost");
  expect(delay?.attrs.stamp).toMatch(XEP0082_UTC);
  const stamp = Date.parse(delay!.attrs.stamp);
  expect(stamp).toBeGreaterThanOrEqual(before);
  expect(stamp).toBeLessThanOrEqual(after);

  // Delivered once: gone from storage, and not sent again at the next login.
  await collect(b, 200);
  expect(await stored(rcpt)).toBe(0);
  await b.disconnect();
  const again = await recipient(to, pw);
  again.send("<presence/>");
  expect((await collect(again, 500)).filter(isChatMessage)).toEqual([]);
});

it("stores a normal message (no type) and one sent to the full JID of an offline resource", async () => {
  const { sender, to, pw } = await pair();
  sender.send(`<message to='${to}' id='n1'><body>normal</body></message>`);
  sender.send(`<message to='${to}/gone' type='chat' id='n2'><body>to a resource</body></message>`);
  await expectAccepted(sender, "n1");
  const b = await recipient(to, pw);
  b.send("<presence/>");
  expect(bodyOf(await waitFor(b, isChatMessage))).toBe("normal");
  expect(bodyOf(await waitFor(b, isChatMessage))).toBe("to a resource");
});

it("keeps the order of stored messages", async () => {
  const { sender, to, pw } = await pair();
  sendChat(sender, to, "o1", "first");
  sendChat(sender, to, "o2", "second");
  sendChat(sender, to, "o3", "third");
  await expectAccepted(sender, "o3");
  const b = await recipient(to, pw);
  b.send("<presence/>");
  const got = [await waitFor(b, isChatMessage), await waitFor(b, isChatMessage), await waitFor(b, isChatMessage)];
  expect(got.map(bodyOf)).toEqual(["first", "second", "third"]);
});

it("does not deliver at initial presence with a negative priority, and does once the priority is non-negative", async () => {
  const { sender, to, rcpt, pw } = await pair();
  sendChat(sender, to, "p1", "wait for it");
  await expectAccepted(sender, "p1");
  const b = await recipient(to, pw);
  b.send("<presence><priority>-1</priority></presence>");
  expect((await collect(b, 600)).filter(isChatMessage)).toEqual([]);
  expect(await stored(rcpt)).toBe(1);
  // A bare-JID message while only a negative-priority resource is online is stored too (RFC 6121 §8.5.2.1.1).
  sendChat(sender, to, "p2", "still stored");
  await expectAccepted(sender, "p2");
  expect(await stored(rcpt)).toBe(2);
  b.send("<presence><priority>0</priority></presence>");
  expect(bodyOf(await waitFor(b, isChatMessage))).toBe("wait for it");
  expect(bodyOf(await waitFor(b, isChatMessage))).toBe("still stored");
});

it("answers service-unavailable beyond the per-user quota and stores nothing more", async () => {
  const { sender, to, rcpt, pw } = await pair();
  for (let i = 1; i <= QUOTA; i++) sendChat(sender, to, `q${i}`, `q${i}`);
  await expectAccepted(sender, `q${QUOTA}`);
  sendChat(sender, to, "over", "one too many");
  const err = await waitFor(sender, isErrorFor("over"), 3000, "the error for the message over quota");
  expect(errorCondition(err)).toBe("service-unavailable");
  expect(err.attrs.from).toBe(to);
  expect(await stored(rcpt)).toBe(QUOTA);

  const b = await recipient(to, pw);
  b.send("<presence/>");
  const got = (await collect(b, 800)).filter(isChatMessage).map(bodyOf);
  expect(got).toEqual(["q1", "q2", "q3"]);
});

it("does not store headline, groupchat or error messages (XEP-0160 §3)", async () => {
  const { sender, to, rcpt, pw } = await pair();
  sendChat(sender, to, "h1", "headline", "", "headline");
  sendChat(sender, to, "g1", "groupchat", "", "groupchat");
  sender.send(`<message to='${to}' type='error' id='e1'><body>error</body><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>`);
  const back = await collect(sender, 400);
  // Headline and error vanish silently; a groupchat message to a user gets an error (RFC 6121 §8.5.2.2.1).
  expect(back.filter(isErrorFor("h1"))).toEqual([]);
  expect(back.filter(isErrorFor("e1"))).toEqual([]);
  expect(back.filter(isErrorFor("g1")).map(errorCondition)).toEqual(["service-unavailable"]);
  expect(await stored(rcpt)).toBe(0);
  const b = await recipient(to, pw);
  b.send("<presence/>");
  expect((await collect(b, 500)).filter((e) => e.name === "message")).toEqual([]);
});

it("does not store a standalone chat state, and the sender learns it was not stored", async () => {
  const { sender, to, rcpt, pw } = await pair();
  sender.send(`<message to='${to}' type='chat' id='cs1'><thread>t</thread><composing xmlns='http://jabber.org/protocol/chatstates'/></message>`);
  expect(errorCondition(await waitFor(sender, isErrorFor("cs1")))).toBe("service-unavailable");
  // With a body the chat state is part of a real message, which is stored.
  sendChat(sender, to, "cs2", "with body", "<active xmlns='http://jabber.org/protocol/chatstates'/>");
  await expectAccepted(sender, "cs2");
  expect(await stored(rcpt)).toBe(1);
  const b = await recipient(to, pw);
  b.send("<presence/>");
  const got = (await collect(b, 600)).filter(isChatMessage);
  expect(got.map(bodyOf)).toEqual(["with body"]);
});

it("honours <no-store/> and still stores <no-permanent-store/> (XEP-0334 §4)", async () => {
  const { sender, to, rcpt, pw } = await pair();
  sendChat(sender, to, "ns1", "do not keep", "<no-store xmlns='urn:xmpp:hints'/>");
  expect(errorCondition(await waitFor(sender, isErrorFor("ns1")))).toBe("service-unavailable");
  sendChat(sender, to, "np1", "keep until delivered", "<no-permanent-store xmlns='urn:xmpp:hints'/>");
  await expectAccepted(sender, "np1");
  expect(await stored(rcpt)).toBe(1);
  const b = await recipient(to, pw);
  b.send("<presence/>");
  expect((await collect(b, 600)).filter(isChatMessage).map(bodyOf)).toEqual(["keep until delivered"]);
});

it("delivers each stored message exactly once when two resources come online at the same time", async () => {
  const { sender, to, rcpt, pw } = await pair();
  sendChat(sender, to, "x1", "one");
  sendChat(sender, to, "x2", "two");
  sendChat(sender, to, "x3", "three");
  await expectAccepted(sender, "x3");
  const [b1, b2] = await Promise.all([recipient(to, pw, "one"), recipient(to, pw, "two")]);
  b1.send("<presence/>");
  b2.send("<presence/>");
  const [g1, g2] = await Promise.all([collect(b1, 1000), collect(b2, 1000)]);
  const bodies = [...g1, ...g2].filter((e) => isChatMessage(e) && e.getChild("delay", DELAY_NS)).map(bodyOf);
  expect(bodies.sort()).toEqual(["one", "three", "two"]);
  expect(await stored(rcpt)).toBe(0);
});

it("removes stored messages when the account is deleted", async () => {
  const { sender, to, rcpt, pw } = await pair();
  sendChat(sender, to, "d1", "for a deleted account");
  await expectAccepted(sender, "d1");
  expect(await stored(rcpt)).toBe(1);
  await ts.server.accounts.delete("localhost", rcpt);
  expect(await stored(rcpt)).toBe(0);
  await ts.addUser(rcpt, pw);
  const b = await recipient(to, pw);
  b.send("<presence/>");
  expect((await collect(b, 500)).filter(isChatMessage)).toEqual([]);
});

it("delivers a backlog larger than a socket's output limit, in order, over several pages", async () => {
  // Default quota (1000) on a server of its own; 40 messages of 150 KB are 6 MB, more than the
  // 4 MB a session may have unsent, so delivery has to go page by page.
  const big = await startTestServer({ storage: "sqlite" });
  try {
    await big.addUser("s", "pw");
    await big.addUser("r", "pw");
    const sender = await login(big.c2sPort, "s@localhost", "pw");
    clients.push(sender);
    const filler = "z".repeat(150 * 1024);
    for (let i = 0; i < 40; i++) sendChat(sender, "r@localhost", `b${i}`, `${i} ${filler}`);
    sender.send("<iq type='get' id='barrier'><ping xmlns='urn:xmpp:ping'/></iq>");
    await waitFor(sender, (e) => e.name === "iq" && e.attrs.id === "barrier", 20_000, "the ping barrier");
    expect(await big.server.storage.archive("localhost", "offline").count("r")).toBe(40);

    const r = await login(big.c2sPort, "r@localhost", "pw");
    clients.push(r);
    r.send("<presence/>");
    const order: number[] = [];
    while (order.length < 40) {
      const m = await waitFor(r, isChatMessage, 20_000, `offline message ${order.length}`);
      order.push(Number(bodyOf(m)!.split(" ")[0]));
    }
    expect(order).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(r.connected).toBe(true);
    // Rows go only after their page was written, so the last delete may trail the last message.
    const archive = big.server.storage.archive("localhost", "offline");
    for (let i = 0; i < 100 && (await archive.count("r")) > 0; i++) await new Promise((res) => setTimeout(res, 20));
    expect(await archive.count("r")).toBe(0);
  } finally {
    await Promise.all(clients.splice(0).map((c) => c.disconnect(500)));
    await big.stop();
  }
}, 60_000);
