/**
 * Two of our servers federating on loopback (a.test on 127.0.0.2, b.test on 127.0.0.3), both
 * with certificates from one private CA: links authenticate with SASL EXTERNAL, and messages, IQs,
 * errors and presence subscriptions cross, over one bidirectional connection and over a
 * connection each way.
 *
 * References: RFC 6120 §5, §6, §13.7; XEP-0178; XEP-0288; RFC 6121 §3 (subscriptions across servers)
 */
import { TestDnsServer } from "../../lib/dns/test-support/dns-server";
import { s2sService } from "../../lib/s2s/service";
import { removeDir, tempDir, TestPki, type Issued } from "../../lib/tls/test-support/pki";
import { startPeer, type Peer } from "./support/peer";
import { errorCondition, FedUser, isMessage } from "./support/user";

jest.setTimeout(30_000);

describe.each([
  ["one bidirectional connection (XEP-0288)", true],
  ["a connection each way", false],
])("federation between two of our servers with certificates from a shared CA, %s", (_name, bidi) => {
  let dns: TestDnsServer;
  let pkiDir: string;
  let pki: TestPki;
  let root: Issued;
  let a: Peer;
  let b: Peer;
  let alice: FedUser;
  let bob: FedUser;

  beforeAll(async () => {
    dns = await new TestDnsServer().start();
    pkiDir = tempDir("fed-pki");
    pki = new TestPki(pkiDir);
    root = pki.rootCa("ca");
    a = await startPeer({ address: "127.0.0.2", domains: ["a.test"], dns, ca: { pki, root }, hostOptions: { "a.test": { s2s_bidi: bidi } } });
    b = await startPeer({ address: "127.0.0.3", domains: ["b.test"], dns, ca: { pki, root }, hostOptions: { "b.test": { s2s_bidi: bidi } } });
    await a.addUser("alice@a.test", "pw-alice");
    await b.addUser("bob@b.test", "pw-bob");
    alice = await FedUser.login("alice@a.test", "pw-alice", a.address, a.c2sPort);
    bob = await FedUser.login("bob@b.test", "pw-bob", b.address, b.c2sPort);
    // Interested (roster fetched) and available resources, as a real client is: subscription
    // answers go to interested resources and messages to bare JIDs to available ones.
    for (const u of [alice, bob]) expect((await u.iq(`<iq type='get'><query xmlns='jabber:iq:roster'/></iq>`)).attrs.type).toBe("result");
    alice.send(`<presence/>`);
    bob.send(`<presence/>`);
    await alice.expect((e) => e.name === "presence" && e.attrs.from === alice.jid, "alice's own presence");
    await bob.expect((e) => e.name === "presence" && e.attrs.from === bob.jid, "bob's own presence");
  });

  afterAll(async () => {
    await alice?.disconnect();
    await bob?.disconnect();
    await a?.stop();
    await b?.stop();
    await dns?.stop();
    removeDir(pkiDir);
  });

  it("delivers a message each way, over links authenticated with SASL EXTERNAL", async () => {
    alice.send(`<message to='bob@b.test' type='chat' id='m1'><body>hello bob</body></message>`);
    const m = await bob.expect(isMessage(alice.jid, "hello bob"), "alice's message");
    expect(m.attrs.to).toBe("bob@b.test");
    bob.send(`<message to='${alice.jid}' type='chat' id='m2'><body>hello alice</body></message>`);
    await alice.expect(isMessage(bob.jid, "hello alice"), "bob's reply");

    const out = s2sService(a.server).manager.all();
    expect(out.map((l) => [l.local, l.remote, l.phase, l.external, l.bidi])).toEqual([["a.test", "b.test", "ready", "succeeded", bidi]]);
    expect(b.log.join("\n")).toMatch(/incoming s2s stream authenticated.*from=a\.test.*mechanism=EXTERNAL/);
    const back = s2sService(b.server).manager.all();
    if (bidi) {
      // b.test answered over a.test's connection and opened none of its own.
      expect(back).toEqual([]);
      expect(b.log.join("\n")).toMatch(/incoming s2s stream authenticated.*from=a\.test.*bidi=true/);
    } else {
      expect(back.map((l) => [l.local, l.remote, l.external, l.bidi])).toEqual([["b.test", "a.test", "succeeded", false]]);
      expect(a.log.join("\n")).toMatch(/incoming s2s stream authenticated.*from=b\.test.*mechanism=EXTERNAL/);
    }
  });

  it("reuses the link: further stanzas open no new connection", async () => {
    for (let i = 0; i < 5; i++) alice.send(`<message to='bob@b.test' type='chat'><body>n${i}</body></message>`);
    for (let i = 0; i < 5; i++) await bob.expect(isMessage(alice.jid, `n${i}`), `message n${i}`);
    expect(s2sService(a.server).manager.all()).toHaveLength(1);
  });

  it("answers IQs across: ping and disco of the remote server, version, errors for unknown namespaces", async () => {
    const ping = await alice.iq(`<iq type='get' to='b.test'><ping xmlns='urn:xmpp:ping'/></iq>`);
    expect(ping.attrs).toMatchObject({ type: "result", from: "b.test" });
    const disco = await bob.iq(`<iq type='get' to='a.test'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`);
    expect(disco.attrs.type).toBe("result");
    expect(disco.getChild("query")!.getChildren("feature").map((f) => f.attrs.var)).toContain("urn:xmpp:ping");
    const unknown = await alice.iq(`<iq type='get' to='b.test'><nothing xmlns='urn:example:nothing'/></iq>`);
    expect(unknown.attrs.type).toBe("error");
    expect(errorCondition(unknown)).toBe("service-unavailable");
  });

  it("reaches a remote user's vCard and pings the remote client itself", async () => {
    const vcard = await alice.iq(`<iq type='get' to='bob@b.test'><vCard xmlns='vcard-temp'/></iq>`);
    expect(["result", "error"]).toContain(vcard.attrs.type);
    expect(vcard.attrs.from).toBe("bob@b.test");
    alice.send(`<iq type='get' id='cping' to='${bob.jid}'><ping xmlns='urn:xmpp:ping'/></iq>`);
    const req = await bob.expect((e) => e.name === "iq" && e.attrs.id === "cping", "the ping at bob's client");
    expect(req.attrs.from).toBe(alice.jid);
    bob.send(`<iq type='result' id='cping' to='${alice.jid}'/>`);
    await alice.expect((e) => e.name === "iq" && e.attrs.id === "cping" && e.attrs.type === "result", "the pong from bob's client");
  });

  it("returns errors to the remote sender: a message to an account that does not exist", async () => {
    alice.send(`<message to='nobody@b.test' type='chat' id='ghost'><body>anyone?</body></message>`);
    const err = await alice.expect((e) => e.name === "message" && e.attrs.id === "ghost", "the error");
    expect(err.attrs).toMatchObject({ type: "error", from: "nobody@b.test" });
    expect(errorCondition(err)).toBe("service-unavailable");
  });

  it("carries a subscription handshake and presence both ways", async () => {
    alice.send(`<presence to='bob@b.test' type='subscribe'/>`);
    await bob.expect((e) => e.name === "presence" && e.attrs.type === "subscribe" && e.attrs.from === "alice@a.test", "the subscription request");
    bob.send(`<presence to='alice@a.test' type='subscribed'/>`);
    await alice.expect((e) => e.name === "presence" && e.attrs.type === "subscribed" && e.attrs.from === "bob@b.test", "the approval");
    // Once subscribed, alice sees bob's presence (the probe answer or bob's broadcast).
    await alice.expect((e) => e.name === "presence" && e.attrs.type === undefined && e.attrs.from === bob.jid, "bob's presence");
    bob.send(`<presence><status>away for lunch</status></presence>`);
    await alice.expect((e) => e.name === "presence" && e.attrs.from === bob.jid && e.getChildText("status") === "away for lunch", "bob's new status");
  });
});
