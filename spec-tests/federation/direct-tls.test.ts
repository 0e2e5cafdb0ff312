/**
 * XEP-0368 for servers: j.test (127.0.0.7) publishes an `_xmpps-server._tcp` record for its
 * Direct TLS port ahead of the STARTTLS one; k.test (127.0.0.8) connects with TLS from the first
 * byte (SNI and ALPN "xmpp-server") and authenticates with SASL EXTERNAL.
 *
 * References: XEP-0368 §3; RFC 2782; RFC 7301 (ALPN)
 */
import { TestDnsServer } from "../../lib/dns/test-support/dns-server";
import { s2sService } from "../../lib/s2s/service";
import { removeDir, tempDir, TestPki } from "../../lib/tls/test-support/pki";
import { startPeer, type Peer } from "./support/peer";
import { FedUser, isMessage } from "./support/user";

jest.setTimeout(30_000);

describe("Direct TLS between servers (XEP-0368)", () => {
  let dns: TestDnsServer;
  let dir: string;
  let j: Peer;
  let k: Peer;

  beforeAll(async () => {
    dns = await new TestDnsServer().start();
    dir = tempDir("fed-direct");
    const pki = new TestPki(dir);
    const root = pki.rootCa("ca");
    j = await startPeer({ address: "127.0.0.7", domains: ["j.test"], dns, ca: { pki, root }, options: { s2s_direct_tls_ports: [0] } });
    k = await startPeer({ address: "127.0.0.8", domains: ["k.test"], dns, ca: { pki, root } });
    const direct = j.server.boundAddresses().find((a) => a.name === "s2s direct TLS")!.port;
    dns.set("_xmpps-server._tcp.j.test", [{ type: "SRV", priority: 0, weight: 0, port: direct, target: "j.test" }]);
    dns.set("_xmpp-server._tcp.j.test", [{ type: "SRV", priority: 10, weight: 0, port: j.s2sPort, target: "j.test" }]);
  });

  afterAll(async () => {
    await j?.stop();
    await k?.stop();
    await dns?.stop();
    removeDir(dir);
  });

  it("connects with TLS from the first byte when the xmpps-server record comes first", async () => {
    await j.addUser("jo@j.test", "pw");
    await k.addUser("kim@k.test", "pw");
    const jo = await FedUser.login("jo@j.test", "pw", j.address, j.c2sPort);
    const kim = await FedUser.login("kim@k.test", "pw", k.address, k.c2sPort);
    jo.send(`<presence/>`);
    await jo.expect((e) => e.name === "presence" && e.attrs.from === jo.jid, "own presence");
    kim.send(`<message to='jo@j.test' type='chat'><body>direct</body></message>`);
    await jo.expect(isMessage(kim.jid, "direct"), "the message over Direct TLS");
    const [link] = s2sService(k.server).manager.all();
    expect(link.external).toBe("succeeded");
    expect(link.session?.tlsSocket?.alpnProtocol).toBe("xmpp-server");
    await jo.disconnect();
    await kim.disconnect();
  });
});
