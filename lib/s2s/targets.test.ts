import type { DnsResolver, SrvRecord } from "../dns";
import { NoServiceError, resolveTargets } from "./targets";

function fake(srv: Record<string, SrvRecord[]>): DnsResolver {
  return { srv: async (n) => srv[n] ?? [], addresses: async () => [] };
}
const rec = (name: string, port: number, priority = 0, weight = 0): SrvRecord => ({ name, port, priority, weight });

describe("resolveTargets", () => {
  it("falls back to the domain on 5269 without SRV records", async () => {
    expect(await resolveTargets(fake({}), "a.test")).toEqual([{ host: "a.test", port: 5269, directTls: false }]);
  });

  it("mixes xmpps- and xmpp- records by priority (XEP-0368)", async () => {
    const r = fake({
      "_xmpps-server._tcp.a.test": [rec("tls.a.test", 5270, 5)],
      "_xmpp-server._tcp.a.test": [rec("plain.a.test", 5269, 1), rec("late.a.test.", 5271, 10)],
    });
    expect(await resolveTargets(r, "a.test")).toEqual([
      { host: "plain.a.test", port: 5269, directTls: false },
      { host: "tls.a.test", port: 5270, directTls: true },
      { host: "late.a.test", port: 5271, directTls: false },
    ]);
  });

  it("refuses a domain whose only xmpp-server record is '.'", async () => {
    await expect(resolveTargets(fake({ "_xmpp-server._tcp.a.test": [rec(".", 0)] }), "a.test")).rejects.toBeInstanceOf(NoServiceError);
  });

  it("treats an xmpps '.' as 'no Direct TLS' and uses the xmpp records", async () => {
    const r = fake({ "_xmpps-server._tcp.a.test": [rec(".", 0)], "_xmpp-server._tcp.a.test": [rec("x.a.test", 5269)] });
    expect(await resolveTargets(r, "a.test")).toEqual([{ host: "x.a.test", port: 5269, directTls: false }]);
  });

  it("does not fall back to A/AAAA when only an xmpps '.' record exists", async () => {
    await expect(resolveTargets(fake({ "_xmpps-server._tcp.a.test": [rec(".", 0)] }), "a.test")).rejects.toBeInstanceOf(NoServiceError);
  });
});
