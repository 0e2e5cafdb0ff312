import { X509Certificate } from "node:crypto";
import * as tls from "node:tls";
import { CertificateStore } from "./certs";
import { tlsClientOptions } from "./client-options";
import { certificateIdentities } from "./san";
import { tlsServerOptions } from "./server-options";
import { removeDir, tempDir, TestPki, type Issued } from "./test-support/pki";
import { tlsPair } from "./test-support/tls-pair";
import type { TrustOptions } from "./trust";
import { certificateMatchesDomain, MAX_CHAIN_LENGTH, verifyPeerCertificate } from "./verify-identity";

const XMPP = "1.3.6.1.5.5.7.8.5";
const SRV = "1.3.6.1.5.5.7.8.7";

let dir: string;
let pki: TestPki;
let ca: Issued;
let rogueCa: Issued;
const c: Record<string, Issued> = {};

beforeAll(async () => {
  dir = tempDir("verify");
  pki = new TestPki(dir);
  ca = pki.rootCa("ca");
  rogueCa = pki.rootCa("rogue-ca", "Rogue CA");
  c.peer = pki.issue("peer", ca, { san: "DNS:peer.example" });
  c.wild = pki.issue("wild", ca, { san: "DNS:*.wild.example" });
  c.partialWild = pki.issue("partial-wild", ca, { san: "DNS:a*.pw.example,DNS:xn--*.pw.example" });
  c.xmpp = pki.issue("xmpp", ca, { san: `otherName:${XMPP};UTF8:xmpp.example` });
  c.xmppUser = pki.issue("xmpp-user", ca, { san: `otherName:${XMPP};UTF8:user@jid.example,otherName:${XMPP};UTF8:res.example/r` });
  c.xmppIdn = pki.issue("xmpp-idn", ca, { sanSection: [`otherName.1 = ${XMPP};FORMAT:UTF8,UTF8:bücher.example`] });
  c.idn = pki.issue("idn", ca, { san: "DNS:xn--bcher-kva.example" });
  c.srv = pki.issue("srv", ca, { san: `otherName:${SRV};IA5STRING:_xmpp-server.srv.example` });
  c.srvClient = pki.issue("srv-client", ca, { san: `otherName:${SRV};IA5STRING:_xmpp-client.srvc.example` });
  c.cnOnly = pki.issue("cn-only", ca, { subject: "/CN=cn.example" });
  c.ouTrick = pki.issue("ou-trick", ca, { subject: "/OU=CN=victim.example,/CN=x", san: "DNS:attacker.example" });
  c.emailSanCn = pki.issue("email-san", ca, { subject: "/CN=cn2.example", san: "email:admin@cn2.example" });
  c.expired = await pki.issueWithDates("expired", ca, ["peer.example"], new Date(Date.now() - 10 * 86400_000), new Date(Date.now() - 86400_000));
  c.selfSigned = pki.selfSigned("self", "/CN=peer.example", ["subjectAltName=DNS:peer.example"]);
  c.rogue = pki.issue("rogue", rogueCa, { san: "DNS:peer.example" });
  // root → 11 intermediates → leaf: 13 certificates, over MAX_CHAIN_LENGTH.
  let issuer = ca;
  const intermediates: string[] = [];
  for (let i = 0; i < 11; i++) {
    issuer = pki.issue(`int${i}`, issuer, { ca: true });
    intermediates.unshift(issuer.cert);
  }
  const deep = pki.issue("deep", issuer, { san: "DNS:peer.example" });
  c.deep = { ...deep, cert: deep.cert + intermediates.join("") };
  // root → 1 intermediate → leaf: a normal chain.
  const int = pki.issue("int-ok", ca, { ca: true });
  const viaInt = pki.issue("via-int", int, { san: "DNS:peer.example" });
  c.viaInt = { ...viaInt, cert: viaInt.cert + int.cert };
}, 60_000);

afterAll(() => removeDir(dir));

const der = (i: Issued): Buffer => new X509Certificate(i.cert).raw;

describe("certificateIdentities", () => {
  test("reads dNSName, XmppAddr and SRVName from the ASN.1 structure", () => {
    expect(certificateIdentities(der(c.peer))).toEqual({ dnsNames: ["peer.example"], xmppAddrs: [], srvNames: [] });
    expect(certificateIdentities(der(c.xmppIdn))?.xmppAddrs).toEqual(["bücher.example"]);
    expect(certificateIdentities(der(c.srv))?.srvNames).toEqual(["_xmpp-server.srv.example"]);
    expect(certificateIdentities(der(c.cnOnly))).toEqual({ dnsNames: [], xmppAddrs: [], srvNames: [] });
  });
  test("garbage is undefined, not an exception", () => {
    expect(certificateIdentities(Buffer.from("not a certificate"))).toBeUndefined();
  });
});

describe("certificateMatchesDomain", () => {
  test("DNS-ID exact match, case-insensitive; accepts X509Certificate or DER", () => {
    expect(certificateMatchesDomain(new X509Certificate(c.peer.cert), "peer.example")).toBe(true);
    expect(certificateMatchesDomain(der(c.peer), "PEER.Example.")).toBe(true);
    expect(certificateMatchesDomain(der(c.peer), "other.example")).toBe(false);
    expect(certificateMatchesDomain(der(c.peer), "sub.peer.example")).toBe(false);
  });

  test("wildcard covers exactly one left-most label", () => {
    expect(certificateMatchesDomain(der(c.wild), "a.wild.example")).toBe(true);
    expect(certificateMatchesDomain(der(c.wild), "wild.example")).toBe(false);
    expect(certificateMatchesDomain(der(c.wild), "a.b.wild.example")).toBe(false);
  });

  test("partial-label wildcards never match", () => {
    expect(certificateMatchesDomain(der(c.partialWild), "ab.pw.example")).toBe(false);
    expect(certificateMatchesDomain(der(c.partialWild), "xn--bcher-kva.pw.example")).toBe(false);
  });

  test("XmppAddr otherName names a server only when it is a bare domain", () => {
    expect(certificateMatchesDomain(der(c.xmpp), "xmpp.example")).toBe(true);
    expect(certificateMatchesDomain(der(c.xmppUser), "jid.example")).toBe(false);
    expect(certificateMatchesDomain(der(c.xmppUser), "res.example")).toBe(false);
  });

  test("IDN: A-label and U-label forms are the same name", () => {
    expect(certificateMatchesDomain(der(c.idn), "bücher.example")).toBe(true);
    expect(certificateMatchesDomain(der(c.idn), "xn--bcher-kva.example")).toBe(true);
    expect(certificateMatchesDomain(der(c.xmppIdn), "xn--bcher-kva.example")).toBe(true);
    expect(certificateMatchesDomain(der(c.xmppIdn), "bücher.example")).toBe(true);
    expect(certificateMatchesDomain(der(c.idn), "bucher.example")).toBe(false);
  });

  test("SRV-ID matches for its own service only", () => {
    expect(certificateMatchesDomain(der(c.srv), "srv.example")).toBe(true);
    expect(certificateMatchesDomain(der(c.srv), "srv.example", { service: "xmpp-client" })).toBe(false);
    expect(certificateMatchesDomain(der(c.srvClient), "srvc.example")).toBe(false);
    expect(certificateMatchesDomain(der(c.srvClient), "srvc.example", { service: "xmpp-client" })).toBe(true);
  });

  test("no CN fallback: CN-only, CN beside a non-DNS SAN, and the OU='CN=…,' trick all fail", () => {
    expect(new X509Certificate(c.cnOnly.cert).subject).toContain("CN=cn.example");
    expect(certificateMatchesDomain(der(c.cnOnly), "cn.example")).toBe(false);
    expect(certificateMatchesDomain(der(c.emailSanCn), "cn2.example")).toBe(false);
    expect(certificateMatchesDomain(der(c.ouTrick), "victim.example")).toBe(false);
    expect(certificateMatchesDomain(der(c.ouTrick), "attacker.example")).toBe(true);
  });

  test("an invalid reference domain matches nothing", () => {
    expect(certificateMatchesDomain(der(c.wild), "*.wild.example")).toBe(false);
    expect(certificateMatchesDomain(der(c.peer), "peer.example/x")).toBe(false);
  });
});

describe("verifyPeerCertificate over real TLS", () => {
  let storeDir: string;
  let store: CertificateStore;
  const trust: TrustOptions = { ca: [], useSystemStore: false };

  beforeAll(async () => {
    trust.ca.push(ca.cert);
    storeDir = tempDir("verify-store");
    store = new CertificateStore(storeDir);
    await store.ensure("server.example");
  });
  afterAll(() => removeDir(storeDir));

  // The peer (a remote server dialling us for s2s) presents `peer` as its TLS client certificate.
  async function inbound(mode: "direct" | "starttls", peer: Issued | undefined, domain: string, check: TrustOptions = trust) {
    const opts = tlsServerOptions(store, "server.example", { requestCert: true, trust: { ca: [ca.cert, rogueCa.cert], useSystemStore: false } });
    const pair = await tlsPair(mode, opts, { servername: "server.example", rejectUnauthorized: false, ...(peer ? { cert: peer.cert, key: peer.key } : {}) });
    try {
      return verifyPeerCertificate(pair.server, domain, check);
    } finally {
      await pair.close();
    }
  }

  describe.each(["direct", "starttls"] as const)("inbound, %s", (mode) => {
    test("valid certificate for the domain", async () => {
      expect(await inbound(mode, c.peer, "peer.example")).toEqual({ valid: true });
    });
    test("valid chain through an intermediate", async () => {
      expect(await inbound(mode, c.viaInt, "peer.example")).toEqual({ valid: true });
    });
    test("wrong name", async () => {
      const r = await inbound(mode, c.peer, "other.example");
      expect(r.valid).toBe(false);
      expect(r.reason).toMatch(/not valid for other\.example/);
    });
    test("expired", async () => {
      const r = await inbound(mode, c.expired, "peer.example");
      expect(r.valid).toBe(false);
      expect(r.reason).toMatch(/EXPIRED/i);
    });
    test("self-signed, untrusted", async () => {
      const r = await inbound(mode, c.selfSigned, "peer.example");
      expect(r).toEqual({ valid: false, reason: "untrusted certificate: DEPTH_ZERO_SELF_SIGNED_CERT" });
    });
    test("no certificate at all", async () => {
      expect(await inbound(mode, undefined, "peer.example")).toEqual({ valid: false, reason: "no certificate presented" });
    });
  });

  test("a chain that OpenSSL accepted but that ends outside the configured trust is refused", async () => {
    // The socket's `ca` includes the rogue CA; the policy's trust does not.
    const r = await inbound("direct", c.rogue, "peer.example");
    expect(r).toEqual({ valid: false, reason: "certificate chain does not end in a configured trust anchor" });
    expect(await inbound("direct", c.rogue, "peer.example", { ca: [rogueCa.cert], useSystemStore: false })).toEqual({ valid: true });
  });

  test(`a chain longer than ${MAX_CHAIN_LENGTH} certificates is refused`, async () => {
    const r = await inbound("direct", c.deep, "peer.example");
    expect(r.valid).toBe(false);
    expect(r.reason).toMatch(/chain too long/);
  });

  test("expiry is re-checked at call time (long-lived streams)", async () => {
    const opts = tlsServerOptions(store, "server.example", { requestCert: true, trust });
    const pair = await tlsPair("direct", opts, { rejectUnauthorized: false, cert: c.peer.cert, key: c.peer.key });
    try {
      expect(verifyPeerCertificate(pair.server, "peer.example", trust)).toEqual({ valid: true });
      const later = Date.now() + 60 * 86400_000;
      const spy = jest.spyOn(Date, "now").mockReturnValue(later);
      try {
        expect(verifyPeerCertificate(pair.server, "peer.example", trust).reason).toMatch(/^certificate expired/);
        spy.mockReturnValue(Date.now() - 400 * 86400_000);
        expect(verifyPeerCertificate(pair.server, "peer.example", trust).reason).toMatch(/^certificate not yet valid/);
      } finally {
        spy.mockRestore();
      }
    } finally {
      await pair.close();
    }
  });

  describe("outbound (we dial the peer)", () => {
    let lastAuthorized: boolean | undefined;
    async function outbound(peer: Issued, domain: string) {
      const serverOpts: tls.TlsOptions = { cert: peer.cert, key: peer.key };
      const pair = await tlsPair("direct", serverOpts, tlsClientOptions(store, "server.example", domain, trust));
      try {
        expect(pair.client.servername).toBe(domain);
        lastAuthorized = pair.client.authorized;
        return verifyPeerCertificate(pair.client, domain, trust);
      } finally {
        await pair.close();
      }
    }
    test("valid DNS-ID", async () => {
      expect(await outbound(c.peer, "peer.example")).toEqual({ valid: true });
    });
    test("XmppAddr-only certificate is accepted (Node's own hostname check would refuse it)", async () => {
      const nodeSays = tls.checkServerIdentity("xmpp.example", new X509Certificate(c.xmpp.cert).toLegacyObject());
      expect(nodeSays?.message).toMatch(/does not match/);
      expect(await outbound(c.xmpp, "xmpp.example")).toEqual({ valid: true });
      // With Node's check switched off, `authorized` reports the chain alone and callers may rely on it.
      expect(lastAuthorized).toBe(true);
    });
    test("self-signed is refused", async () => {
      expect((await outbound(c.selfSigned, "peer.example")).valid).toBe(false);
    });
    test("CN-only is refused", async () => {
      expect(await outbound(c.cnOnly, "cn.example")).toEqual({ valid: false, reason: "certificate is not valid for cn.example" });
    });
  });
});
