/**
 * Federation faults, against f.test (127.0.0.10): unreachable peers and DNS failures bounce
 * queued stanzas to their senders; SRV targets are tried in order; a peer that dies mid-stream
 * loses nothing silently and a later stanza opens a new link; the send queue is bounded; a
 * certificate for another domain is refused; an inbound peer cannot send from a domain it did not
 * authenticate, nor use dialback answers it never asked for.
 *
 * References: RFC 6120 §3.2, §4.9.3, §8.1.2.2, §10.4.3, §13.7.2; XEP-0220 §3.1; XEP-0178; XEP-0344;
 * reliability.md S2S-01, S2S-04, S2S-05, S2S-08, S2S-12, S2S-13, S2S-15
 */
import net from "node:net";
import type { Element } from "ltx";
import { TestDnsServer } from "../../lib/dns/test-support/dns-server";
import { s2sService } from "../../lib/s2s/service";
import { removeDir, tempDir, TestPki, type Issued } from "../../lib/tls/test-support/pki";
import { startPeer, type Peer } from "./support/peer";
import { connectRaw, FakePeer, HEADER, type RawStream } from "./support/raw-stream";
import { errorCondition, FedUser, isMessage, STANZAS } from "./support/user";

jest.setTimeout(40_000);

const bounceText = (e: Element) => e.getChild("error")?.getChildText("text", STANZAS) ?? "";

async function freePort(address: string): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, address, () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe("federation faults", () => {
  let dns: TestDnsServer;
  let pkiDir: string;
  let pki: TestPki;
  let root: Issued;
  let f: Peer;
  let fay: FedUser;
  const peers: Peer[] = [];
  const fakes: FakePeer[] = [];
  let n = 0;
  const id = () => `q${++n}`;

  beforeAll(async () => {
    dns = await new TestDnsServer().start();
    pkiDir = tempDir("fed-faults");
    pki = new TestPki(pkiDir);
    root = pki.rootCa("ca");
    f = await startPeer({
      address: "127.0.0.10",
      domains: ["f.test"],
      dns,
      ca: { pki, root },
      // A short retry delay, so that tests can watch it run out (the default starts at 10 s).
      options: { s2s_send_queue_size: 3, s2s_negotiation_timeout: "2s", s2s_max_retry_delay: "1s" },
      hostOptions: { "f.test": { s2s_require_encryption: false, s2s_insecure_domains: ["fake.test", "silent.test", "plain.test", "bidi.test", "nobidi.test"] } },
    });
    await f.addUser("fay@f.test", "pw");
    fay = await FedUser.login("fay@f.test", "pw", f.address, f.c2sPort);
    fay.send(`<presence/>`);
    await fay.expect((e) => e.name === "presence" && e.attrs.from === fay.jid, "own presence");
  });

  afterAll(async () => {
    await fay?.disconnect();
    for (const p of [f, ...peers]) await p?.stop().catch(() => undefined);
    for (const x of fakes) await x.stop();
    await dns?.stop();
    removeDir(pkiDir);
  });

  async function bounce(to: string, timeoutMs?: number): Promise<Element> {
    const q = id();
    fay.send(`<message to='${to}' type='chat' id='${q}'><body>x</body></message>`);
    const err = await fay.expect((e) => e.name === "message" && e.attrs.id === q, `the bounce of ${q}`, timeoutMs);
    expect(err.attrs).toMatchObject({ type: "error", from: to, to: fay.jid });
    return err;
  }

  it("bounces with remote-server-not-found when the peer is down, and logs why", async () => {
    const port = await freePort("127.0.0.11");
    dns.set("dead.test", [{ type: "A", address: "127.0.0.11" }]);
    dns.set("_xmpp-server._tcp.dead.test", [{ type: "SRV", priority: 0, weight: 0, port, target: "dead.test" }]);
    const err = await bounce("someone@dead.test");
    expect(errorCondition(err)).toBe("remote-server-not-found");
    expect(bounceText(err)).toMatch(/could not connect.*ECONNREFUSED/);
    expect(f.log.join("\n")).toMatch(/outgoing s2s link failed.*to=dead\.test.*ECONNREFUSED.*bounced=1/);
  });

  it("bounces when DNS knows nothing, or fails", async () => {
    const none = await bounce("someone@nowhere.test");
    expect(errorCondition(none)).toBe("remote-server-not-found");
    expect(bounceText(none)).toMatch(/nowhere\.test: no A\/AAAA records/);
    dns.set("_xmpp-server._tcp.broken.test", [{ type: "SERVFAIL" }]);
    const failed = await bounce("someone@broken.test");
    expect(errorCondition(failed)).toBe("remote-server-not-found");
    expect(bounceText(failed)).toMatch(/DNS lookup failed/);
    dns.set("_xmpp-server._tcp.noservice.test", [{ type: "SRV", priority: 0, weight: 0, port: 0, target: "." }]);
    expect(bounceText(await bounce("someone@noservice.test"))).toMatch(/offers no XMPP server-to-server service/);
  });

  it("never answers an error with an error", async () => {
    fay.send(`<message to='someone@nowhere.test' type='error' id='e1'><error type='cancel'><item-not-found xmlns='${STANZAS}'/></error></message>`);
    await fay.expectNone((e) => e.attrs.id === "e1", "a bounce of an error", 800);
  });

  it("tries the next SRV target when one fails", async () => {
    const g = await startPeer({ address: "127.0.0.13", domains: ["g.test"], dns, ca: { pki, root }, publish: false });
    peers.push(g);
    await g.addUser("gus@g.test", "pw");
    const gus = await FedUser.login("gus@g.test", "pw", g.address, g.c2sPort);
    gus.send(`<presence/>`);
    const dead = await freePort("127.0.0.11");
    dns.set("g.test", [{ type: "A", address: "127.0.0.13" }]);
    dns.set("dead-g.test", [{ type: "A", address: "127.0.0.11" }]);
    dns.set("_xmpp-server._tcp.g.test", [
      { type: "SRV", priority: 10, weight: 0, port: g.s2sPort, target: "g.test" },
      { type: "SRV", priority: 0, weight: 0, port: dead, target: "dead-g.test" },
    ]);
    fay.send(`<message to='gus@g.test' type='chat'><body>second target</body></message>`);
    await gus.expect(isMessage(fay.jid, "second target"), "the message via the second target");
    await gus.disconnect();
  });

  it("bounces everything queued when the peer dies mid-negotiation; a later stanza bounces at once until the retry delay has passed", async () => {
    const fake = await new FakePeer("127.0.0.12", async (s) => {
      await s.header();
      s.send(HEADER("fake.test", "f.test", `fake${Date.now()}`) + `<stream:features><dialback xmlns='urn:xmpp:features:dialback'><errors/></dialback></stream:features>`);
      await s.element("result");
      s.destroy();
    }).start();
    fakes.push(fake);
    dns.set("fake.test", [{ type: "A", address: "127.0.0.12" }]);
    dns.set("_xmpp-server._tcp.fake.test", [{ type: "SRV", priority: 0, weight: 0, port: fake.port, target: "fake.test" }]);
    const ids = [id(), id(), id()];
    for (const q of ids) fay.send(`<message to='mallory@fake.test' type='chat' id='${q}'><body>${q}</body></message>`);
    for (const q of ids) {
      const err = await fay.expect((e) => e.name === "message" && e.attrs.id === q, `the bounce of ${q}`);
      expect(errorCondition(err)).toBe("remote-server-timeout");
    }
    expect(fake.connections).toBe(1);
    // Within the retry delay: the same answer, without another connection to a dead peer.
    const soon = await bounce("mallory@fake.test");
    expect(errorCondition(soon)).toBe("remote-server-timeout");
    expect(soon.getChild("error")?.getChildText("text", "urn:ietf:params:xml:ns:xmpp-stanzas")).toMatch(/next attempt in \d+ s/);
    expect(fake.connections).toBe(1);
    // After it (1 s here), the next stanza tries again.
    await new Promise((r) => setTimeout(r, 1100));
    const again = await bounce("mallory@fake.test");
    expect(errorCondition(again)).toBe("remote-server-timeout");
    expect(fake.connections).toBe(2);
  });

  it("bounds the queue of a link that does not come up, then bounces the rest on timeout", async () => {
    const silent = await new FakePeer("127.0.0.12", () => undefined).start();
    fakes.push(silent);
    dns.set("silent.test", [{ type: "A", address: "127.0.0.12" }]);
    dns.set("_xmpp-server._tcp.silent.test", [{ type: "SRV", priority: 0, weight: 0, port: silent.port, target: "silent.test" }]);
    const ids = [id(), id(), id(), id(), id()];
    for (const q of ids) fay.send(`<message to='x@silent.test' type='chat' id='${q}'><body>${q}</body></message>`);
    for (const q of ids.slice(3)) {
      const err = await fay.expect((e) => e.attrs.id === q, `the overflow bounce ${q}`, 1500);
      expect(errorCondition(err)).toBe("resource-constraint");
    }
    for (const q of ids.slice(0, 3)) {
      const err = await fay.expect((e) => e.attrs.id === q, `the timeout bounce ${q}`, 6000);
      expect(errorCondition(err)).toBe("remote-server-timeout");
    }
    expect(f.log.join("\n")).toMatch(/outgoing s2s link failed.*to=silent\.test.*connection-timeout/);
  });

  it("notices a peer that died after the link was up: the next stanza opens a new link (and bounces if it is still down)", async () => {
    const h = await startPeer({ address: "127.0.0.14", domains: ["h.test"], dns, ca: { pki, root } });
    await h.addUser("hal@h.test", "pw");
    const hal = await FedUser.login("hal@h.test", "pw", h.address, h.c2sPort);
    hal.send(`<presence/>`);
    fay.send(`<message to='hal@h.test' type='chat'><body>before</body></message>`);
    await hal.expect(isMessage(fay.jid, "before"), "the first message");
    await h.kill();
    const links = () => s2sService(f.server).manager.all().filter((l) => l.remote === "h.test");
    for (let i = 0; i < 50 && links().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(links()).toHaveLength(0);
    const err = await bounce("hal@h.test");
    expect(errorCondition(err)).toBe("remote-server-not-found");
    expect(bounceText(err)).toMatch(/ECONNREFUSED/);
  });

  it("refuses a peer presenting a certificate for another domain, in both directions", async () => {
    // Our own server never presents a certificate that does not cover its domain, so the peer is fake.
    const other = pki.issue("other.test", root, { san: "DNS:other.test" });
    const w = await new FakePeer("127.0.0.15", async (s) => {
      await s.header();
      s.send(HEADER("w.test", "f.test", "w1") + `<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>`);
      await s.element("starttls");
      s.send(`<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`);
      await s.startTlsServer({ cert: other.cert, key: other.key });
      await s.header();
      s.send(HEADER("w.test", "f.test", "w2") + `<stream:features><dialback xmlns='urn:xmpp:features:dialback'><errors/></dialback></stream:features>`);
      await s.element("error");
    }).start();
    fakes.push(w);
    dns.set("w.test", [{ type: "A", address: "127.0.0.15" }]);
    dns.set("_xmpp-server._tcp.w.test", [{ type: "SRV", priority: 0, weight: 0, port: w.port, target: "w.test" }]);
    const err = await bounce("wes@w.test");
    expect(errorCondition(err)).toBe("remote-server-not-found");
    expect(bounceText(err)).toMatch(/certificate of w\.test is not acceptable: certificate is not valid for w\.test/);
    expect(f.log.join("\n")).toMatch(/outgoing s2s link failed.*to=w\.test.*not valid for w\.test/);

    // Inbound: a peer claiming w.test with the certificate of other.test is refused at once.
    const s = await connectRaw(f.address, f.s2sPort);
    s.send(HEADER("w.test", "f.test"));
    await s.header();
    await s.element("features");
    s.send(`<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`);
    await s.element("proceed");
    await s.startTlsClient({ servername: "f.test", cert: other.cert, key: other.key });
    s.send(HEADER("w.test", "f.test"));
    expect(await s.streamError()).toBe("not-authorized");
    expect(f.log.join("\n")).toMatch(/refusing an s2s peer whose certificate is not acceptable.*from=w\.test/);
  });

  /** A fake peer that accepts our dialback key at once, optionally offering bidi, then runs `then`. */
  async function acceptingPeer(domain: string, offerBidi: boolean, then: (s: RawStream) => Promise<void>): Promise<FakePeer> {
    const peer = await new FakePeer("127.0.0.12", async (s) => {
      await s.header();
      const bidi = offerBidi ? `<bidi xmlns='urn:xmpp:features:bidi'/>` : "";
      s.send(HEADER(domain, "f.test", `${domain}-1`) + `<stream:features><dialback xmlns='urn:xmpp:features:dialback'/>${bidi}</stream:features>`);
      if (offerBidi) await s.element("bidi");
      await s.element("result");
      s.send(`<db:result from='${domain}' to='f.test' type='valid'/>`);
      await then(s);
    }).start();
    fakes.push(peer);
    dns.set(domain, [{ type: "A", address: "127.0.0.12" }]);
    dns.set(`_xmpp-server._tcp.${domain}`, [{ type: "SRV", priority: 0, weight: 0, port: peer.port, target: domain }]);
    return peer;
  }

  it("takes stanzas over its own outgoing link when it asked for bidi, with the same from/to checks (XEP-0288)", async () => {
    let peerStream: RawStream | undefined;
    await acceptingPeer("bidi.test", true, async (s) => {
      peerStream = s;
      await s.element("message");
      s.send(`<message from='bo@bidi.test/r' to='fay@f.test' type='chat'><body>back over bidi</body></message>`);
      s.send(`<message from='mallory@evil.test' to='fay@f.test' type='chat' id='bidi-spoof'><body>spoof</body></message>`);
    });
    fay.send(`<message to='bo@bidi.test' type='chat'><body>hi</body></message>`);
    await fay.expect(isMessage("bo@bidi.test/r", "back over bidi"), "the answer over the bidi stream");
    expect(await peerStream!.streamError()).toBe("invalid-from");
    await fay.expectNone((e) => e.attrs.id === "bidi-spoof", "the spoofed message");
  });

  it("refuses stanzas on an outgoing link that is not bidirectional", async () => {
    let peerStream: RawStream | undefined;
    await acceptingPeer("nobidi.test", false, async (s) => {
      peerStream = s;
      await s.element("message");
      s.send(`<message from='no@nobidi.test' to='fay@f.test' type='chat' id='wrong-way'><body>x</body></message>`);
    });
    fay.send(`<message to='no@nobidi.test' type='chat'><body>hi</body></message>`);
    for (let i = 0; i < 100 && !peerStream; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await peerStream!.streamError()).toBe("unsupported-stanza-type");
    await fay.expectNone((e) => e.attrs.id === "wrong-way", "the stanza sent the wrong way");
  });

  describe("inbound checks", () => {
    let x: Issued;
    beforeAll(() => {
      x = pki.issue("x.test", root, { san: "DNS:x.test" });
    });

    /** A raw peer authenticated as x.test with SASL EXTERNAL over STARTTLS. */
    async function authenticatedPeer(): Promise<RawStream> {
      const s = await connectRaw(f.address, f.s2sPort);
      s.send(HEADER("x.test", "f.test"));
      await s.header();
      await s.element("features");
      s.send(`<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`);
      await s.element("proceed");
      await s.startTlsClient({ servername: "f.test", cert: x.cert, key: x.key });
      s.send(HEADER("x.test", "f.test"));
      await s.header();
      const features = await s.element("features");
      expect(features.getChild("mechanisms")?.getChildText("mechanism")).toBe("EXTERNAL");
      s.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='EXTERNAL'>${Buffer.from("x.test").toString("base64")}</auth>`);
      await s.element("success");
      s.resetParser();
      s.send(HEADER("x.test", "f.test"));
      await s.header();
      await s.element("features");
      return s;
    }

    it("accepts stanzas from the authenticated domain", async () => {
      const s = await authenticatedPeer();
      s.send(`<message from='xavier@x.test/r' to='fay@f.test' type='chat'><body>legit</body></message>`);
      await fay.expect(isMessage("xavier@x.test/r", "legit"), "the legitimate message");
      s.destroy();
    });

    it("closes with invalid-from on a stanza from a domain the peer did not authenticate (S2S-05)", async () => {
      const s = await authenticatedPeer();
      s.send(`<message from='mallory@evil.test' to='fay@f.test' type='chat' id='spoof'><body>spoofed</body></message>`);
      expect(await s.streamError()).toBe("invalid-from");
      await fay.expectNone((e) => e.attrs.id === "spoof", "the spoofed message");
    });

    it("closes with host-unknown on a stanza for a domain we do not serve (S2S-06)", async () => {
      const s = await authenticatedPeer();
      s.send(`<message from='xavier@x.test' to='someone@elsewhere.test' type='chat'><body>relay?</body></message>`);
      expect(await s.streamError()).toBe("host-unknown");
    });

    it("does not extend a certificate to another domain: dialback for it is refused under secure auth (S2S-08)", async () => {
      const s = await authenticatedPeer();
      s.send(`<db:result from='y.test' to='f.test'>0123456789abcdef</db:result>`);
      const r = await s.element("result");
      expect(r.attrs).toMatchObject({ from: "f.test", to: "y.test", type: "error" });
      expect(r.getChild("error")?.getChild("not-authorized")).toBeDefined();
      s.send(`<message from='yan@y.test' to='fay@f.test' type='chat'><body>y</body></message>`);
      expect(await s.streamError()).toBe("invalid-from");
    });

    it("refuses stanzas before authentication (S2S-04)", async () => {
      const s = await connectRaw(f.address, f.s2sPort);
      s.send(HEADER("plain.test", "f.test"));
      await s.header();
      await s.element("features");
      s.send(`<message from='p@plain.test' to='fay@f.test' type='chat' id='early'><body>early</body></message>`);
      expect(await s.streamError()).toBe("not-authorized");
      await fay.expectNone((e) => e.attrs.id === "early", "the early message");
    });

    it("rejects unsolicited dialback results and verifies (S2S-01)", async () => {
      for (const unsolicited of [
        `<db:result from='plain.test' to='f.test' type='valid'/>`,
        `<db:verify from='plain.test' to='f.test' id='abc' type='valid'/>`,
      ]) {
        const s = await connectRaw(f.address, f.s2sPort);
        s.send(HEADER("plain.test", "f.test"));
        await s.header();
        await s.element("features");
        s.send(unsolicited);
        expect(await s.streamError()).toBe("not-authorized");
      }
    });

    it("answers a verification request only for keys it issued", async () => {
      const s = await connectRaw(f.address, f.s2sPort);
      s.send(HEADER("plain.test", "f.test"));
      await s.header();
      await s.element("features");
      s.send(`<db:verify from='plain.test' to='f.test' id='someid'>${"ab".repeat(32)}</db:verify>`);
      const v = await s.element("verify");
      expect(v.attrs).toMatchObject({ from: "f.test", to: "plain.test", id: "someid", type: "invalid" });
      s.destroy();
    });
  });
});

describe("idle links", () => {
  it("close after s2s_timeout, and the next stanza opens a new one", async () => {
    const dns = await new TestDnsServer().start();
    const i1 = await startPeer({ address: "127.0.0.16", domains: ["i1.test"], dns, options: { s2s_timeout: "1s" }, hostOptions: { "i1.test": { s2s_secure_auth: false } } });
    const i2 = await startPeer({ address: "127.0.0.17", domains: ["i2.test"], dns, hostOptions: { "i2.test": { s2s_secure_auth: false } } });
    try {
      await i1.addUser("ida@i1.test", "pw");
      await i2.addUser("ivo@i2.test", "pw");
      const ida = await FedUser.login("ida@i1.test", "pw", i1.address, i1.c2sPort);
      const ivo = await FedUser.login("ivo@i2.test", "pw", i2.address, i2.c2sPort);
      ivo.send(`<presence/>`);
      ida.send(`<message to='ivo@i2.test' type='chat'><body>one</body></message>`);
      await ivo.expect(isMessage(ida.jid, "one"), "the first message");
      const first = s2sService(i1.server).manager.all()[0];
      await new Promise((r) => setTimeout(r, 1800));
      expect(first.phase).toBe("closed");
      expect(i1.log.join("\n")).toMatch(/outgoing s2s link closed.*to=i2\.test/);
      ida.send(`<message to='ivo@i2.test' type='chat'><body>two</body></message>`);
      await ivo.expect(isMessage(ida.jid, "two"), "the message after the idle close");
      expect(s2sService(i1.server).manager.all()[0]).not.toBe(first);
      await ida.disconnect();
      await ivo.disconnect();
    } finally {
      await i1.stop();
      await i2.stop();
      await dns.stop();
    }
  });
});
