/**
 * XEP-0077 for logged-in accounts over real sockets, with registration off and on: what is on file
 * (§3.1), password change (§3.3, AUTH-11), account removal (§3.2) deleting all the account's data so
 * that a new registration of the name inherits none of it (AUTH-14).
 */
import { startTestServer, TestServer } from "../support/harness";
import { canLogin, errorCondition, registerInBand, TestClient } from "../support/test-client";

const REGISTER = "jabber:iq:register";
const BLOCKING = "urn:xmpp:blocking";

describe("on a server with registration off", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
    for (const u of ["alice", "carol", "dave"]) await ts.addUser(u, `pw-${u}`);
  });
  afterAll(async () => ts?.stop());

  it("shows the account as registered, with its username and no password (§3.1)", async () => {
    const c = await TestClient.login(ts, "dave", "pw-dave");
    const r = await c.iq(`<iq type='get'><query xmlns='jabber:iq:register'/></iq>`);
    const q = r.getChild("query", REGISTER)!;
    expect(q.getChild("registered")).toBeDefined();
    expect(q.getChildText("username")).toBe("dave");
    expect(q.getChildText("password")).toBe("");
    const disco = await c.iq(`<iq type='get' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`);
    expect(disco.getChild("query")!.getChildren("feature").map((f) => f.attrs.var)).toContain(REGISTER);
    await c.disconnect();
  });

  it("changes the password: the old one stops working, the new one works, other sessions end (§3.3, AUTH-11)", async () => {
    const s1 = await TestClient.login(ts, "alice", "pw-alice", { resource: "one" });
    const s2 = await TestClient.login(ts, "alice", "pw-alice", { resource: "two" });
    const r = await s1.iq(`<iq type='set' to='localhost'><query xmlns='jabber:iq:register'><username>alice</username><password>new-pw</password></query></iq>`);
    expect(r.attrs.type).toBe("result");
    expect(await s2.waitClosed()).toBe("reset");
    // The session that asked stays.
    const ping = await s1.iq(`<iq type='get' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>`);
    expect(ping.attrs.type).toBe("result");
    await s1.disconnect();
    expect(await canLogin(ts, "alice", "pw-alice")).toBe(false);
    expect(await canLogin(ts, "alice", "new-pw")).toBe(true);
  });

  it("refuses an empty password (bad-request) and another account's name (not-allowed), keeping the password", async () => {
    const c = await TestClient.login(ts, "dave", "pw-dave");
    const empty = await c.iq(`<iq type='set'><query xmlns='jabber:iq:register'><username>dave</username><password/></query></iq>`);
    expect(errorCondition(empty)).toBe("bad-request");
    const noName = await c.iq(`<iq type='set'><query xmlns='jabber:iq:register'><password>x</password></query></iq>`);
    expect(errorCondition(noName)).toBe("bad-request");
    const other = await c.iq(`<iq type='set'><query xmlns='jabber:iq:register'><username>carol</username><password>hijack</password></query></iq>`);
    expect(errorCondition(other)).toBe("not-allowed");
    await c.disconnect();
    expect(await canLogin(ts, "dave", "pw-dave")).toBe(true);
    expect(await canLogin(ts, "carol", "pw-carol")).toBe(true);
  });

  it("removes the account even with registration off (§3.2)", async () => {
    const c = await TestClient.login(ts, "carol", "pw-carol");
    const bad = await c.iq(`<iq type='set'><query xmlns='jabber:iq:register'><remove/><username>carol</username></query></iq>`);
    expect(errorCondition(bad)).toBe("bad-request");
    const r = await c.iq(`<iq type='set'><query xmlns='jabber:iq:register'><remove/></query></iq>`);
    expect(r.attrs.type).toBe("result");
    expect(await c.waitClosed()).toBe("not-authorized");
    expect(await ts.server.accounts.exists("localhost", "carol")).toBe(false);
    expect(await canLogin(ts, "carol", "pw-carol")).toBe(false);
  });
});

describe("on a server with registration on and encryption optional", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ yaml: "allow_registration: true\nc2s_require_encryption: false\nregistration_throttle_max: 0" });
    for (const u of ["bob", "eve", "plain"]) await ts.addUser(u, `pw-${u}`);
  });
  afterAll(async () => ts?.stop());

  it("refuses a password change over an unencrypted stream (§3.3: not-authorized)", async () => {
    const c = await TestClient.login(ts, "plain", "pw-plain", { tls: "none" });
    const r = await c.iq(`<iq type='set'><query xmlns='jabber:iq:register'><username>plain</username><password>sniffed</password></query></iq>`);
    expect(errorCondition(r)).toBe("not-authorized");
    await c.disconnect();
    expect(await canLogin(ts, "plain", "pw-plain")).toBe(true);
  });

  it("removal closes every session, deletes all data, and a new registration of the name inherits none (§3.2, AUTH-14)", async () => {
    const b1 = await TestClient.login(ts, "bob", "pw-bob", { resource: "one" });
    const b2 = await TestClient.login(ts, "bob", "pw-bob", { resource: "two" });
    const eve = await TestClient.login(ts, "eve", "pw-eve");
    expect((await b1.iq(`<iq type='set'><vCard xmlns='vcard-temp'><FN>Bob</FN></vCard></iq>`)).attrs.type).toBe("result");
    expect((await b1.iq(`<iq type='set'><query xmlns='jabber:iq:private'><prefs xmlns='urn:example:prefs'>secret</prefs></query></iq>`)).attrs.type).toBe("result");
    expect((await b1.iq(`<iq type='set'><block xmlns='urn:xmpp:blocking'><item jid='eve@localhost'/></block></iq>`)).attrs.type).toBe("result");
    b2.send(`<presence/>`);
    b2.send(`<presence type='unavailable'><status>bye</status></presence>`);
    expect((await eve.iq(`<iq type='get' to='bob@localhost'><vCard xmlns='vcard-temp'/></iq>`)).attrs.type).toBe("error");

    const r = await b1.iq(`<iq type='set'><query xmlns='jabber:iq:register'><remove/></query></iq>`);
    expect(r.attrs.type).toBe("result");
    expect(await b1.waitClosed()).toBe("not-authorized");
    expect(await b2.waitClosed()).toBe("not-authorized");
    expect(await canLogin(ts, "bob", "pw-bob")).toBe(false);
    const gone = await eve.iq(`<iq type='get' to='bob@localhost'><vCard xmlns='vcard-temp'/></iq>`);
    expect(errorCondition(gone)).toBe("item-not-found");

    expect((await registerInBand(ts, "bob", "fresh")).attrs.type).toBe("result");
    const nb = await TestClient.login(ts, "bob", "fresh");
    const vcard = await nb.iq(`<iq type='get'><vCard xmlns='vcard-temp'/></iq>`);
    expect(vcard.getChild("vCard", "vcard-temp")!.children).toHaveLength(0);
    const priv = await nb.iq(`<iq type='get'><query xmlns='jabber:iq:private'><prefs xmlns='urn:example:prefs'/></query></iq>`);
    expect(priv.getChild("query", "jabber:iq:private")!.getChild("prefs", "urn:example:prefs")!.children).toHaveLength(0);
    const list = await nb.iq(`<iq type='get'><blocklist xmlns='urn:xmpp:blocking'/></iq>`);
    expect(list.getChild("blocklist", BLOCKING)!.getChildren("item")).toHaveLength(0);
    // The old sessions' logout must not have been recorded for the new account.
    const last = await nb.iq(`<iq type='get'><query xmlns='jabber:iq:last'/></iq>`);
    expect(errorCondition(last)).toBe("item-not-found");
    // Eve is no longer blocked by the new bob.
    eve.send(`<message to='${nb.jid}' type='chat'><body>hello new bob</body></message>`);
    await nb.expect((e) => e.name === "message" && e.getChildText("body") === "hello new bob", "eve's message");
    await nb.disconnect();
    await eve.disconnect();
  });
});
