/**
 * XEP-0313 user archives over real sockets (SQLite storage): what goes into an archive, in which
 * archives, and the stanza-id that tells the recipient where.
 *
 * References:
 * - XEP-0313 §3.5 (stanza-id by the archive's bare JID on what the recipient gets; not on the
 *   contact's copy of an outgoing message; SHOULD be on carbons), §6.1.1 (chat/normal with a body;
 *   one copy per archive), §7 (disco features on the account)
 * - XEP-0359 §3 (a stanza-id claiming our 'by' is replaced), XEP-0334 §4 (no-store)
 * - XEP-0160 (offline messages), reliability.md §0 item 6 and RT-06, AUTH-14 (account deletion)
 */
import { startTestServer, TestServer } from "../support/harness";
import { errorCondition } from "../support/test-client";
import { CARBONS, chat, Clients, forwarded, freshUser, isBody, MAM, query, resultBodies, resultId, SID, stanzaIds } from "./support";

let ts: TestServer;
const clients = new Clients(() => ts);

beforeAll(async () => {
  ts = await startTestServer({ storage: "sqlite" });
});
afterEach(() => clients.disconnectAll());
afterAll(async () => ts?.stop());

const archived = (user: string) => ts.server.storage.archive("localhost", "mam").count(user);

it("§7: the account advertises mam:2, mam:2#extended and sid:0; the host advertises sid:0", async () => {
  const u = await freshUser(ts, "disco");
  const c = await clients.login(u, "r");
  const features = async (to: string) =>
    (await c.iq(`<iq type='get' to='${to}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`)).getChild("query")!.getChildren("feature").map((f) => f.attrs.var);
  expect(await features(c.bare)).toEqual(expect.arrayContaining([MAM, `${MAM}#extended`, SID]));
  expect(await features("localhost")).toContain(SID);
});

it("§3.5: a message between two local accounts lands in both archives; only the recipient's copy carries a stanza-id, by its archive", async () => {
  const [r, j] = [await freshUser(ts, "romeo"), await freshUser(ts, "juliet")];
  const romeo = await clients.login(r, "orchard");
  const juliet = await clients.login(j, "balcony");
  romeo.send(chat(juliet.bare, "hello juliet"));
  const got = await juliet.expect(isBody("hello juliet"), "the message");
  const ids = stanzaIds(got);
  expect(ids).toHaveLength(1);
  expect(ids[0][0]).toBe(juliet.bare);

  const jq = await query(juliet);
  expect(resultBodies(jq)).toEqual(["hello juliet"]);
  expect(resultId(jq.results[0])).toBe(ids[0][1]);
  expect(forwarded(jq.results[0]).attrs).toMatchObject({ from: romeo.jid, to: juliet.bare, type: "chat" });

  juliet.send(chat(romeo.jid, "hello romeo"));
  const back = await romeo.expect(isBody("hello romeo"), "the reply");
  expect(stanzaIds(back).map(([by]) => by)).toEqual([romeo.bare]);
  const rq = await query(romeo);
  expect(resultBodies(rq)).toEqual(["hello juliet", "hello romeo"]);
  expect(forwarded(rq.results[0]).getChildren("stanza-id", SID)).toEqual([]);
  expect(await archived(r)).toBe(2);
  expect(await archived(j)).toBe(2);
});

it("§3.5 with carbons: sent carbons carry the sender's stanza-id, received carbons the recipient's; each archive holds the message once", async () => {
  const [r, j] = [await freshUser(ts, "romeo"), await freshUser(ts, "juliet")];
  const r1 = await clients.login(r, "one");
  const r2 = await clients.login(r, "two");
  const j1 = await clients.login(j, "one");
  const j2 = await clients.login(j, "two");
  for (const c of [r1, r2, j1, j2]) expect((await c.iq(`<iq type='set'><enable xmlns='${CARBONS}'/></iq>`)).attrs.type).toBe("result");

  r1.send(chat(j1.jid, "carbon copy"));
  const original = await j1.expect(isBody("carbon copy"), "the original");
  const [[, recvId]] = stanzaIds(original);
  const received = await j2.expect((e) => e.getChild("received", CARBONS) !== undefined, "a received carbon");
  const receivedInner = received.getChild("received", CARBONS)!.getChild("forwarded", "urn:xmpp:forward:0")!.getChild("message")!;
  expect(stanzaIds(receivedInner)).toEqual([[j1.bare, recvId]]);

  const sent = await r2.expect((e) => e.getChild("sent", CARBONS) !== undefined, "a sent carbon");
  const sentInner = sent.getChild("sent", CARBONS)!.getChild("forwarded", "urn:xmpp:forward:0")!.getChild("message")!;
  const sentIds = stanzaIds(sentInner);
  expect(sentIds.map(([by]) => by)).toEqual([r1.bare]);
  expect(stanzaIds(original).map(([by]) => by)).toEqual([j1.bare]);

  const rq = await query(r1);
  expect(rq.results.map(resultId)).toEqual([sentIds[0][1]]);
  expect((await query(j2)).results.map(resultId)).toEqual([recvId]);
});

it("§6.1.1: only chat and normal messages with a body are archived; XEP-0334 no-store keeps a message out", async () => {
  const [a, b] = [await freshUser(ts, "alice"), await freshUser(ts, "bob")];
  const alice = await clients.login(a, "r");
  const bob = await clients.login(b, "r");
  alice.send(chat(bob.jid, "kept"));
  alice.send(chat(bob.jid, "normal", "", "normal"));
  alice.send(chat(bob.jid, "headline", "", "headline"));
  alice.send(chat(bob.jid, "private", "<no-store xmlns='urn:xmpp:hints'/>"));
  alice.send(chat(bob.jid, "transient", "<no-permanent-store xmlns='urn:xmpp:hints'/>"));
  alice.send(`<message to='${bob.jid}' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>`);
  alice.send(chat(bob.jid, "last"));
  for (const body of ["kept", "normal", "headline", "private", "transient", "last"]) {
    const m = await bob.expect(isBody(body), body);
    expect(stanzaIds(m).length).toBe(["kept", "normal", "last"].includes(body) ? 1 : 0);
  }
  expect(resultBodies(await query(bob))).toEqual(["kept", "normal", "last"]);
  expect(resultBodies(await query(alice))).toEqual(["kept", "normal", "last"]);
});

it("XEP-0359 §3: a stanza-id forged in the recipient's (or sender's) name is removed; the real one replaces it", async () => {
  const [r, j] = [await freshUser(ts, "romeo"), await freshUser(ts, "juliet")];
  const romeo = await clients.login(r, "r");
  const juliet = await clients.login(j, "r");
  const forged = `<stanza-id xmlns='${SID}' by='${juliet.bare}' id='forged-j'/><stanza-id xmlns='${SID}' by='${romeo.bare.toUpperCase()}' id='forged-r'/><stanza-id xmlns='${SID}' by='room@conference.example' id='kept'/>`;
  romeo.send(chat(juliet.bare, "forgery", forged));
  const got = await juliet.expect(isBody("forgery"), "the message");
  const ids = stanzaIds(got);
  expect(ids).toContainEqual(["room@conference.example", "kept"]);
  const ours = ids.filter(([by]) => by === juliet.bare);
  expect(ours).toHaveLength(1);
  expect(ours[0][1]).not.toBe("forged-j");
  expect(ids.some(([, id]) => id === "forged-r")).toBe(false);

  const jq = await query(juliet);
  expect(jq.results.map(resultId)).toEqual([ours[0][1]]);
  expect(stanzaIds(forwarded(jq.results[0]))).toEqual([["room@conference.example", "kept"]]);
  // The sender's copy keeps what it sent, except the id claiming the sender's own archive.
  const rq = await query(romeo);
  expect(stanzaIds(forwarded(rq.results[0])).map(([, id]) => id)).toEqual(["forged-j", "kept"]);

  // Even a message that is not archived loses a forged id.
  romeo.send(`<message to='${juliet.jid}' type='chat'><active xmlns='http://jabber.org/protocol/chatstates'/><stanza-id xmlns='${SID}' by='${juliet.bare}' id='forged-2'/></message>`);
  const state = await juliet.expect((e) => e.getChild("active", "http://jabber.org/protocol/chatstates") !== undefined, "the chat state");
  expect(stanzaIds(state)).toEqual([]);
});

it("XEP-0160: a message to an offline account is archived once and delivered later with the same stanza-id", async () => {
  const [r, j] = [await freshUser(ts, "romeo"), await freshUser(ts, "juliet")];
  const romeo = await clients.login(r, "r");
  romeo.send(chat(`${j}@localhost`, "while you were away"));
  await romeo.expectNone((e) => e.attrs.type === "error", "an error");
  expect(await archived(j)).toBe(1);

  const juliet = await clients.login(j, "r");
  const got = await juliet.expect(isBody("while you were away"), "the offline message");
  expect(got.getChild("delay", "urn:xmpp:delay")).toBeDefined();
  const ids = stanzaIds(got);
  expect(ids).toHaveLength(1);
  expect(ids[0][0]).toBe(juliet.bare);
  const jq = await query(juliet);
  expect(jq.results.map(resultId)).toEqual([ids[0][1]]);
  expect(await archived(j)).toBe(1);
});

it("nothing is archived for an address with no account behind it", async () => {
  const u = await freshUser(ts, "sender");
  const c = await clients.login(u, "r");
  const ghost = `ghost${u}`;
  c.send(chat(`${ghost}@localhost`, "anyone there?"));
  const err = await c.expect((e) => e.name === "message" && e.attrs.type === "error", "the bounce");
  expect(errorCondition(err)).toBe("service-unavailable");
  expect(await archived(ghost)).toBe(0);
  expect(resultBodies(await query(c))).toEqual(["anyone there?"]);
});

it("§6.1.1: a message to oneself is archived once", async () => {
  const u = await freshUser(ts, "narcissus");
  const a = await clients.login(u, "a");
  const b = await clients.login(u, "b");
  a.send(chat(b.bare, "note to self"));
  const got = await b.expect(isBody("note to self"), "the note");
  expect(stanzaIds(got).map(([by]) => by)).toEqual([b.bare]);
  expect(resultBodies(await query(a))).toEqual(["note to self"]);
  // 'with' = one's own bare JID finds exactly the messages to oneself (§4.1.1).
  expect(resultBodies(await query(a, { fields: { with: a.bare } }))).toEqual(["note to self"]);
});

it("archives what a client sends to another domain in the sender's archive", async () => {
  const u = await freshUser(ts, "traveller");
  const c = await clients.login(u, "r");
  c.send(chat("friend@remote.invalid/home", "over the sea"));
  const a = await query(c, { fields: { with: "friend@remote.invalid" } });
  expect(resultBodies(a)).toEqual(["over the sea"]);
  expect(forwarded(a.results[0]).getChildren("stanza-id", SID)).toEqual([]);
});

it("AUTH-14: deleting an account deletes its archive and preferences; a new account of that name starts empty", async () => {
  const [u, peer] = [await freshUser(ts, "leaving"), await freshUser(ts, "peer")];
  const c = await clients.login(u, "r");
  const p = await clients.login(peer, "r");
  expect((await c.iq(`<iq type='set'><prefs xmlns='${MAM}' default='always'><never><jid>x@y</jid></never></prefs></iq>`)).attrs.type).toBe("result");
  c.send(chat(p.jid, "one"));
  p.send(chat(c.jid, "two"));
  await c.expect(isBody("two"), "the reply");
  expect(await archived(u)).toBe(2);
  await clients.disconnectAll();

  await ts.server.accounts.delete("localhost", u);
  expect(await archived(u)).toBe(0);
  expect(await ts.server.storage.keyval("localhost", "mam_prefs").get(u)).toBeUndefined();
  await ts.addUser(u, "pw");
  const again = await clients.login(u, "r");
  expect((await query(again)).results).toEqual([]);
  const prefs = (await again.iq(`<iq type='get'><prefs xmlns='${MAM}'/></iq>`)).getChild("prefs", MAM)!;
  expect(prefs.getChild("never")!.getChildren("jid")).toEqual([]);
  expect(await archived(peer)).toBe(2);
});
