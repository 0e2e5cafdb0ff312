/**
 * Two of our servers with self-signed certificates (c.test and c2.test on 127.0.0.4, d.test on
 * 127.0.0.5), each listing the other in s2s_insecure_domains: links authenticate by dialback,
 * a second local domain is multiplexed over the existing link, and a third server whose
 * self-signed certificate nobody exempted is refused in both directions.
 *
 * References: XEP-0220 §2.1–§2.2, §2.5 (multiplexing); XEP-0185; XEP-0178 / XEP-0344 (secure auth)
 */
import { TestDnsServer } from "../../lib/dns/test-support/dns-server";
import { s2sService } from "../../lib/s2s/service";
import { startPeer, type Peer } from "./support/peer";
import { errorCondition, FedUser, isMessage } from "./support/user";

jest.setTimeout(30_000);

describe("federation by dialback between servers with self-signed certificates", () => {
  let dns: TestDnsServer;
  let c: Peer;
  let d: Peer;
  let e: Peer;
  const users: FedUser[] = [];
  let carol: FedUser;
  let cleo: FedUser;
  let dave: FedUser;
  let eve: FedUser;

  async function login(peer: Peer, jid: string): Promise<FedUser> {
    await peer.addUser(jid, "pw");
    const u = await FedUser.login(jid, "pw", peer.address, peer.c2sPort);
    users.push(u);
    expect((await u.iq(`<iq type='get'><query xmlns='jabber:iq:roster'/></iq>`)).attrs.type).toBe("result");
    u.send(`<presence/>`);
    await u.expect((x) => x.name === "presence" && x.attrs.from === u.jid, "own presence");
    return u;
  }

  beforeAll(async () => {
    dns = await new TestDnsServer().start();
    const insecure = (...domains: string[]) => ({ s2s_insecure_domains: domains });
    c = await startPeer({ address: "127.0.0.4", domains: ["c.test", "c2.test"], dns, hostOptions: { "c.test": insecure("d.test"), "c2.test": insecure("d.test") } });
    d = await startPeer({ address: "127.0.0.5", domains: ["d.test"], dns, hostOptions: { "d.test": insecure("c.test", "c2.test") } });
    e = await startPeer({ address: "127.0.0.6", domains: ["e.test"], dns, hostOptions: { "e.test": insecure("c.test") } });
    carol = await login(c, "carol@c.test");
    cleo = await login(c, "cleo@c2.test");
    dave = await login(d, "dave@d.test");
    eve = await login(e, "eve@e.test");
  });

  afterAll(async () => {
    for (const u of users) await u.disconnect();
    for (const p of [c, d, e]) await p?.stop();
    await dns?.stop();
  });

  it("authenticates both directions by dialback and delivers messages", async () => {
    carol.send(`<message to='dave@d.test' type='chat'><body>hi dave</body></message>`);
    await dave.expect(isMessage(carol.jid, "hi dave"), "carol's message");
    dave.send(`<message to='carol@c.test' type='chat'><body>hi carol</body></message>`);
    await carol.expect(isMessage(dave.jid, "hi carol"), "dave's answer");
    const [link] = s2sService(c.server).manager.all().filter((l) => l.remote === "d.test");
    expect(link.external).toBeUndefined();
    expect([...link.authorized]).toEqual(["c.test"]);
    expect(c.log.join("\n")).toMatch(/outgoing s2s link established.*from=c\.test to=d\.test mechanism=dialback/);
    expect(d.log.join("\n")).toMatch(/incoming s2s stream authenticated.*from=c\.test.*mechanism=dialback/);
  });

  it("authorizes a second local domain over the same link (sender multiplexing)", async () => {
    cleo.send(`<message to='dave@d.test' type='chat'><body>from c2</body></message>`);
    await dave.expect(isMessage(cleo.jid, "from c2"), "cleo's message");
    const links = s2sService(c.server).manager.all().filter((l) => l.remote === "d.test");
    expect(links).toHaveLength(1);
    expect(new Set(links[0].authorized)).toEqual(new Set(["c.test", "c2.test"]));
    dave.send(`<message to='cleo@c2.test' type='chat'><body>back to c2</body></message>`);
    await cleo.expect(isMessage(dave.jid, "back to c2"), "dave's answer to cleo");
  });

  it("answers IQs from the remote server", async () => {
    const pong = await dave.iq(`<iq type='get' to='c2.test'><ping xmlns='urn:xmpp:ping'/></iq>`);
    expect(pong.attrs).toMatchObject({ type: "result", from: "c2.test" });
  });

  it("refuses a peer whose self-signed certificate is not exempted, and bounces to the sender", async () => {
    // e.test requires a valid certificate from d.test and refuses d.test's stream up front.
    dave.send(`<message to='eve@e.test' type='chat' id='to-eve'><body>?</body></message>`);
    const err = await dave.expect((x) => x.name === "message" && x.attrs.id === "to-eve", "the bounce");
    expect(err.attrs).toMatchObject({ type: "error", from: "eve@e.test" });
    expect(errorCondition(err)).toBe("remote-server-not-found");
    expect(err.getChild("error")!.getChildText("text", "urn:ietf:params:xml:ns:xmpp-stanzas")).toMatch(/not-authorized.*certificate is not acceptable for d\.test/);
    expect(d.log.join("\n")).toMatch(/outgoing s2s link failed.*to=e\.test.*certificate/);
    expect(e.log.join("\n")).toMatch(/refusing an s2s peer whose certificate is not acceptable.*from=d\.test/);
    // d.test, in turn, requires a valid certificate from e.test.
    eve.send(`<message to='dave@d.test' type='chat' id='to-dave'><body>let me in</body></message>`);
    const back = await eve.expect((x) => x.name === "message" && x.attrs.id === "to-dave", "the bounce at eve");
    expect(errorCondition(back)).toBe("remote-server-not-found");
    expect(d.log.join("\n")).toMatch(/refusing an s2s peer whose certificate is not acceptable.*from=e\.test/);
    await dave.expectNone((x) => x.name === "message" && x.attrs.id === "to-dave", "eve's message");
  });

  it("takes an exempted self-signed peer in one direction only where it is exempted", async () => {
    // c.test exempts e.test? No: e.test exempts c.test, but c.test does not exempt e.test.
    eve.send(`<message to='carol@c.test' type='chat' id='e2c'><body>hello carol</body></message>`);
    const err = await eve.expect((x) => x.name === "message" && x.attrs.id === "e2c", "the bounce");
    expect(errorCondition(err)).toMatch(/^remote-server-(not-found|timeout)$/);
  });
});
