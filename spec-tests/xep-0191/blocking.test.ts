/**
 * XEP-0191 over real sockets: blocklist retrieval (§3.2), block with pushes and enforcement (§3.3),
 * unblock (§3.4), unblock all (§3.5), JID matching (§6), disco (§3.1).
 */
import type { Element } from "ltx";
import { startTestServer, TestServer } from "../support/harness";
import { errorCondition, TestClient } from "../support/test-client";

const BLOCKING = "urn:xmpp:blocking";
const BLOCKING_ERRORS = "urn:xmpp:blocking:errors";
let ts: TestServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  ts = await startTestServer();
  for (const u of ["juliet", "romeo", "nurse", "tybalt", "paris"]) await ts.addUser(u, `pw-${u}`);
});
afterAll(async () => {
  for (const c of clients) await c.disconnect().catch(() => undefined);
  await ts?.stop();
});

async function login(user: string, resource: string): Promise<TestClient> {
  const c = await TestClient.login(ts, user, `pw-${user}`, { resource });
  clients.push(c);
  return c;
}

/** Sends initial presence and waits for its echo, so the resource counts as available. */
async function available(c: TestClient): Promise<void> {
  c.send(`<presence/>`);
  await c.expect((e) => e.name === "presence" && e.attrs.from === c.jid && e.attrs.type === undefined, "own presence echo");
}

const isPush = (name: string) => (e: Element) => e.name === "iq" && e.attrs.type === "set" && !!e.getChild(name, BLOCKING);
const items = (e: Element | undefined) => (e?.getChildren("item") ?? []).map((i) => i.attrs.jid).sort();
const message = (from: string, body: string) => (e: Element) => e.name === "message" && e.attrs.from?.startsWith(from) && e.getChildText("body") === body;

it("advertises urn:xmpp:blocking on the server (§3.1)", async () => {
  const c = await login("paris", "disco");
  const r = await c.iq(`<iq type='get' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`);
  expect(r.getChild("query")!.getChildren("feature").map((f) => f.attrs.var)).toContain(BLOCKING);
});

describe("juliet blocks romeo", () => {
  let balcony: TestClient;
  let chamber: TestClient;
  let romeo: TestClient;

  beforeAll(async () => {
    balcony = await login("juliet", "balcony");
    chamber = await login("juliet", "chamber");
    romeo = await login("romeo", "orchard");
    await available(balcony);
    await available(chamber);
    await available(romeo);
  });

  it("starts with an empty blocklist (§3.2)", async () => {
    const r = await balcony.iq(`<iq type='get'><blocklist xmlns='urn:xmpp:blocking'/></iq>`);
    expect(r.attrs.type).toBe("result");
    expect(items(r.getChild("blocklist", BLOCKING))).toEqual([]);
  });

  it("delivers romeo's messages before the block", async () => {
    romeo.send(`<message to='juliet@localhost/chamber' type='chat'><body>before</body></message>`);
    await chamber.expect(message("romeo@localhost/orchard", "before"), "romeo's message");
  });

  it("blocks: result, a push to the resource that asked for the blocklist only, unavailable presence both ways (§3.3)", async () => {
    // Juliet's balcony shows romeo its presence, and romeo shows his to juliet's bare JID.
    balcony.send(`<presence to='romeo@localhost/orchard'/>`);
    await romeo.expect((e) => e.name === "presence" && e.attrs.from === balcony.jid && e.attrs.type === undefined, "juliet's directed presence");
    romeo.send(`<presence to='juliet@localhost'/>`);
    for (const j of [balcony, chamber]) await j.expect((e) => e.name === "presence" && e.attrs.from === romeo.jid && e.attrs.type === undefined, "romeo's directed presence");

    const r = await balcony.iq(`<iq type='set'><block xmlns='urn:xmpp:blocking'><item jid='Romeo@LocalHost'/></block></iq>`);
    expect(r.attrs.type).toBe("result");
    const push = await balcony.expect(isPush("block"), "the block push");
    expect(items(push.getChild("block", BLOCKING))).toEqual(["romeo@localhost"]);
    expect(push.attrs.to).toBe(balcony.jid);
    await chamber.expectNone(isPush("block"), "push to a resource that never asked for the blocklist");

    // Romeo sees juliet's resources go away; juliet's clients see romeo go away.
    for (const j of [balcony, chamber]) await romeo.expect((e) => e.name === "presence" && e.attrs.type === "unavailable" && e.attrs.from === j.jid, `unavailable from ${j.jid}`);
    for (const j of [balcony, chamber]) await j.expect((e) => e.name === "presence" && e.attrs.type === "unavailable" && e.attrs.from === romeo.jid, "unavailable from romeo");

    const list = await chamber.iq(`<iq type='get'><blocklist xmlns='urn:xmpp:blocking'/></iq>`);
    expect(items(list.getChild("blocklist", BLOCKING))).toEqual(["romeo@localhost"]);
  });

  it("answers romeo's messages with service-unavailable and delivers nothing (§3.3)", async () => {
    romeo.send(`<message to='juliet@localhost/chamber' id='m1' type='chat'><body>let me in</body></message>`);
    romeo.send(`<message to='juliet@localhost' id='m2' type='chat'><body>let me in 2</body></message>`);
    for (const id of ["m1", "m2"]) {
      const err = await romeo.expect((e) => e.name === "message" && e.attrs.id === id, `error for ${id}`);
      expect(err.attrs.type).toBe("error");
      expect(errorCondition(err)).toBe("service-unavailable");
    }
    await chamber.expectNone((e) => e.name === "message", "a message from romeo");
    await balcony.expectNone((e) => e.name === "message", "a message from romeo");
  });

  it("answers romeo's IQ get/set with service-unavailable, also those the server answers for juliet", async () => {
    const ping = await romeo.iq(`<iq type='get' to='juliet@localhost/chamber'><ping xmlns='urn:xmpp:ping'/></iq>`);
    expect(errorCondition(ping)).toBe("service-unavailable");
    const vcard = await romeo.iq(`<iq type='get' to='juliet@localhost'><vCard xmlns='vcard-temp'/></iq>`);
    expect(errorCondition(vcard)).toBe("service-unavailable");
    await chamber.expectNone((e) => e.name === "iq" && e.attrs.from === romeo.jid, "romeo's IQ");
  });

  it("drops romeo's presence without an error (§3.3)", async () => {
    romeo.send(`<presence to='juliet@localhost'/>`);
    romeo.send(`<presence to='juliet@localhost/chamber'><status>hi</status></presence>`);
    romeo.send(`<presence to='juliet@localhost' type='subscribe'/>`);
    await chamber.expectNone((e) => e.name === "presence" && e.attrs.from?.startsWith("romeo@"), "romeo's presence");
    await romeo.expectNone((e) => e.name === "presence" && e.attrs.type === "error", "a presence error");
  });

  it("refuses juliet's stanzas to romeo with not-acceptable and <blocked/> (§3.3)", async () => {
    chamber.send(`<message to='romeo@localhost/orchard' id='out1' type='chat'><body>psst</body></message>`);
    const err = await chamber.expect((e) => e.name === "message" && e.attrs.id === "out1", "the bounce");
    expect(err.attrs.type).toBe("error");
    expect(err.attrs.from).toBe("romeo@localhost/orchard");
    expect(errorCondition(err)).toBe("not-acceptable");
    expect(err.getChild("error")!.getChild("blocked", BLOCKING_ERRORS)).toBeDefined();

    chamber.send(`<presence to='romeo@localhost' id='out2'/>`);
    const perr = await chamber.expect((e) => e.name === "presence" && e.attrs.id === "out2", "the presence bounce");
    expect(errorCondition(perr)).toBe("not-acceptable");

    const iq = await chamber.iq(`<iq type='get' to='romeo@localhost/orchard'><ping xmlns='urn:xmpp:ping'/></iq>`);
    expect(errorCondition(iq)).toBe("not-acceptable");
    expect(iq.getChild("error")!.getChild("blocked", BLOCKING_ERRORS)).toBeDefined();
    await romeo.expectNone((e) => e.attrs.from?.startsWith("juliet@") === true, "anything from juliet");
  });

  it("still lets juliet's own resources talk to each other and to others", async () => {
    balcony.send(`<message to='juliet@localhost/chamber' type='chat'><body>self</body></message>`);
    await chamber.expect(message("juliet@localhost/balcony", "self"), "the message between juliet's resources");
  });

  it("keeps the block for new sessions", async () => {
    const later = await login("juliet", "later");
    const list = await later.iq(`<iq type='get'><blocklist xmlns='urn:xmpp:blocking'/></iq>`);
    expect(items(list.getChild("blocklist", BLOCKING))).toEqual(["romeo@localhost"]);
    await later.disconnect();
  });

  it("unblocks: result, push, juliet's presence back to romeo, and messages flow again (§3.4)", async () => {
    const r = await chamber.iq(`<iq type='set'><unblock xmlns='urn:xmpp:blocking'><item jid='romeo@localhost'/></unblock></iq>`);
    expect(r.attrs.type).toBe("result");
    const push = await balcony.expect(isPush("unblock"), "the unblock push");
    expect(items(push.getChild("unblock", BLOCKING))).toEqual(["romeo@localhost"]);
    // Juliet's balcony had given romeo directed presence: it gets her current presence again.
    await romeo.expect((e) => e.name === "presence" && e.attrs.from === balcony.jid && e.attrs.type === undefined, "juliet's presence again");

    romeo.send(`<message to='juliet@localhost/chamber' type='chat'><body>after</body></message>`);
    await chamber.expect(message("romeo@localhost/orchard", "after"), "romeo's message after the unblock");
    chamber.send(`<message to='romeo@localhost/orchard' type='chat'><body>welcome back</body></message>`);
    await romeo.expect(message("juliet@localhost/chamber", "welcome back"), "juliet's message after the unblock");
  });
});

describe("JID forms and unblock all", () => {
  let nurse: TestClient;
  let t1: TestClient;
  let t2: TestClient;

  beforeAll(async () => {
    nurse = await login("nurse", "n");
    t1 = await login("tybalt", "one");
    t2 = await login("tybalt", "two");
  });

  it("a full-JID item blocks only that resource (§6)", async () => {
    await nurse.iq(`<iq type='set'><block xmlns='urn:xmpp:blocking'><item jid='tybalt@localhost/two'/></block></iq>`);
    t1.send(`<message to='nurse@localhost/n' id='a' type='chat'><body>from one</body></message>`);
    t2.send(`<message to='nurse@localhost/n' id='b' type='chat'><body>from two</body></message>`);
    await nurse.expect(message("tybalt@localhost/one", "from one"), "the message from the unblocked resource");
    const err = await t2.expect((e) => e.name === "message" && e.attrs.id === "b", "the error for the blocked resource");
    expect(errorCondition(err)).toBe("service-unavailable");
  });

  it("a domain item blocks every account of the domain, the sender's own server excepted (§6)", async () => {
    await nurse.iq(`<iq type='set'><block xmlns='urn:xmpp:blocking'><item jid='localhost'/></block></iq>`);
    t1.send(`<message to='nurse@localhost/n' id='c' type='chat'><body>domain</body></message>`);
    expect(errorCondition(await t1.expect((e) => e.name === "message" && e.attrs.id === "c", "the error"))).toBe("service-unavailable");
    const ping = await nurse.iq(`<iq type='get' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>`);
    expect(ping.attrs.type).toBe("result");
  });

  it("an empty <unblock/> unblocks everything and is pushed as such (§3.5)", async () => {
    const list = await nurse.iq(`<iq type='get'><blocklist xmlns='urn:xmpp:blocking'/></iq>`);
    expect(items(list.getChild("blocklist", BLOCKING))).toEqual(["localhost", "tybalt@localhost/two"]);
    const r = await nurse.iq(`<iq type='set'><unblock xmlns='urn:xmpp:blocking'/></iq>`);
    expect(r.attrs.type).toBe("result");
    // The pushes from the two block commands above, then the unblock-all one.
    const push = await nurse.expect((e) => isPush("unblock")(e), "the unblock-all push");
    expect(items(push.getChild("unblock", BLOCKING))).toEqual([]);
    const after = await nurse.iq(`<iq type='get'><blocklist xmlns='urn:xmpp:blocking'/></iq>`);
    expect(items(after.getChild("blocklist", BLOCKING))).toEqual([]);
    t2.send(`<message to='nurse@localhost/n' type='chat'><body>free</body></message>`);
    await nurse.expect(message("tybalt@localhost/two", "free"), "the message after unblocking all");
  });

  it("refuses stanzas to a blocked remote JID before they leave for the other domain", async () => {
    await nurse.iq(`<iq type='set'><block xmlns='urn:xmpp:blocking'><item jid='evil.example'/></block></iq>`);
    nurse.send(`<message to='someone@evil.example' id='r1' type='chat'><body>x</body></message>`);
    const err = await nurse.expect((e) => e.name === "message" && e.attrs.id === "r1", "the bounce");
    expect(errorCondition(err)).toBe("not-acceptable");
    expect(err.getChild("error")!.getChild("blocked", BLOCKING_ERRORS)).toBeDefined();
    // Control: an unblocked remote domain fails differently (no s2s here), so the refusal above was the block.
    nurse.send(`<message to='someone@good.example' id='r2' type='chat'><body>x</body></message>`);
    expect(errorCondition(await nurse.expect((e) => e.name === "message" && e.attrs.id === "r2", "the bounce"))).toBe("remote-server-not-found");
    await nurse.iq(`<iq type='set'><unblock xmlns='urn:xmpp:blocking'><item jid='evil.example'/></unblock></iq>`);
  });

  it("refuses a block without items (bad-request) and a malformed JID (jid-malformed)", async () => {
    expect(errorCondition(await nurse.iq(`<iq type='set'><block xmlns='urn:xmpp:blocking'/></iq>`))).toBe("bad-request");
    expect(errorCondition(await nurse.iq(`<iq type='set'><block xmlns='urn:xmpp:blocking'><item jid='a@b@c'/></block></iq>`))).toBe("jid-malformed");
    const list = await nurse.iq(`<iq type='get'><blocklist xmlns='urn:xmpp:blocking'/></iq>`);
    expect(items(list.getChild("blocklist", BLOCKING))).toEqual([]);
  });

  it("refuses messages from a blocked JID while the user is offline, instead of storing them", async () => {
    await nurse.iq(`<iq type='set'><block xmlns='urn:xmpp:blocking'><item jid='tybalt@localhost'/></block></iq>`);
    await nurse.disconnect();
    t1.send(`<message to='nurse@localhost' id='off' type='chat'><body>offline</body></message>`);
    expect(errorCondition(await t1.expect((e) => e.name === "message" && e.attrs.id === "off", "the error"))).toBe("service-unavailable");
    nurse = await login("nurse", "n2");
    await available(nurse);
    await nurse.expectNone((e) => e.name === "message" && e.getChildText("body") === "offline", "the blocked offline message");
  });
});
