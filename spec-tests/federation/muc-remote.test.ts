/**
 * A MUC service on one of our servers used by a user of another server over s2s (dialback between
 * self-signed servers): the component domain has its own s2s link, join, groupchat both ways, leave.
 *
 * References: XEP-0045 §7.2 (entering), §7.4 (groupchat); RFC 6120 §10.4 (remote routing)
 */
import { TestDnsServer } from "../../lib/dns/test-support/dns-server";
import { startPeer, type Peer } from "./support/peer";
import { FedUser } from "./support/user";

jest.setTimeout(30_000);

const MUC_USER = "http://jabber.org/protocol/muc#user";

describe("a MUC component reached over federation", () => {
  let dns: TestDnsServer;
  let a: Peer;
  let b: Peer;
  const users: FedUser[] = [];

  async function login(peer: Peer, jid: string): Promise<FedUser> {
    await peer.addUser(jid, "pw");
    const u = await FedUser.login(jid, "pw", peer.address, peer.c2sPort);
    users.push(u);
    u.send(`<presence/>`);
    await u.expect((x) => x.name === "presence" && x.attrs.from === u.jid, "own presence");
    return u;
  }

  beforeAll(async () => {
    dns = await new TestDnsServer().start();
    const insecure = (...domains: string[]) => ({ s2s_insecure_domains: domains });
    a = await startPeer({
      address: "127.0.0.7",
      domains: ["m.test"],
      dns,
      hostOptions: { "m.test": insecure("n.test") },
      components: { "rooms.m.test": { module: "muc", s2s_insecure_domains: ["n.test"] } },
    });
    b = await startPeer({ address: "127.0.0.8", domains: ["n.test"], dns, hostOptions: { "n.test": insecure("m.test", "rooms.m.test") } });
  });

  afterAll(async () => {
    for (const u of users) await u.disconnect();
    for (const p of [a, b]) await p?.stop();
    await dns?.stop();
  });

  it("a remote user joins, both chat in the room, and the remote user leaves", async () => {
    const mia = await login(a, "mia@m.test");
    const nate = await login(b, "nate@n.test");
    mia.send(`<presence to='lounge@rooms.m.test/mia'><x xmlns='http://jabber.org/protocol/muc'/></presence>`);
    await mia.expect((x) => x.name === "presence" && x.attrs.from === "lounge@rooms.m.test/mia" && !!x.getChild("x", MUC_USER), "mia's self-presence");

    nate.send(`<presence to='lounge@rooms.m.test/nate'><x xmlns='http://jabber.org/protocol/muc'/></presence>`);
    const self = await nate.expect((x) => x.name === "presence" && x.attrs.from === "lounge@rooms.m.test/nate", "nate's self-presence over s2s");
    expect(self.getChild("x", MUC_USER)!.getChildren("status").map((s) => s.attrs.code)).toContain("110");
    await mia.expect((x) => x.name === "presence" && x.attrs.from === "lounge@rooms.m.test/nate", "nate's arrival");

    nate.send(`<message to='lounge@rooms.m.test' type='groupchat'><body>hello from n.test</body></message>`);
    await mia.expect((x) => x.name === "message" && x.attrs.from === "lounge@rooms.m.test/nate" && x.getChildText("body") === "hello from n.test", "nate's groupchat");
    mia.send(`<message to='lounge@rooms.m.test' type='groupchat'><body>welcome</body></message>`);
    await nate.expect((x) => x.name === "message" && x.attrs.from === "lounge@rooms.m.test/mia" && x.getChildText("body") === "welcome", "mia's groupchat over s2s");

    nate.send(`<presence to='lounge@rooms.m.test/nate' type='unavailable'/>`);
    await mia.expect((x) => x.name === "presence" && x.attrs.from === "lounge@rooms.m.test/nate" && x.attrs.type === "unavailable", "nate leaving");
  });
});
