import { serverListResolver } from "./resolver";
import { TestDnsServer } from "./test-support/dns-server";
import { DnsError } from "./types";

describe("serverListResolver against a local DNS server", () => {
  let dns: TestDnsServer;
  beforeAll(async () => {
    dns = await new TestDnsServer({
      "a.test": [{ type: "A", address: "127.0.0.2" }, { type: "AAAA", address: "::1" }],
      "_xmpp-server._tcp.a.test": [{ type: "SRV", priority: 10, weight: 5, port: 5270, target: "xmpp.a.test" }],
      "_xmpps-server._tcp.a.test": [{ type: "SRV", priority: 0, weight: 0, port: 0, target: "." }],
      "broken.test": [{ type: "SERVFAIL" }],
    }).start();
  });
  afterAll(() => dns.stop());

  it("answers SRV, A and AAAA", async () => {
    const r = serverListResolver([dns.server], { timeoutMs: 1000 });
    expect(await r.srv("_xmpp-server._tcp.a.test")).toEqual([{ name: "xmpp.a.test", port: 5270, priority: 10, weight: 5 }]);
    expect(await r.addresses("a.test")).toEqual(["127.0.0.2", "::1"]);
    expect(await r.addresses("127.0.0.9")).toEqual(["127.0.0.9"]);
  });

  it("reports the '.' target as it is, for the caller to refuse", async () => {
    const r = serverListResolver([dns.server], { timeoutMs: 1000 });
    const srv = await r.srv("_xmpps-server._tcp.a.test");
    expect(srv).toHaveLength(1);
    expect(["", "."]).toContain(srv[0].name);
  });

  it("treats NXDOMAIN and NODATA as empty, SERVFAIL as an error", async () => {
    const r = serverListResolver([dns.server], { timeoutMs: 1000 });
    expect(await r.srv("_xmpp-server._tcp.nowhere.test")).toEqual([]);
    expect(await r.srv("a.test")).toEqual([]);
    await expect(r.addresses("broken.test")).rejects.toBeInstanceOf(DnsError);
  });
});
