import { constants } from "node:crypto";
import * as tls from "node:tls";
// The default import is the live module object; a namespace import is a copy under swc's interop,
// and assigning DEFAULT_MIN_VERSION on a copy would change nothing.
import liveTls from "node:tls";
import { CertificateStore } from "./certs";
import { hardenTlsSocket, tlsServerOptions } from "./server-options";
import { removeDir, tempDir } from "./test-support/pki";
import { expectHandshakeFailure, tlsPair, type Pair } from "./test-support/tls-pair";

let dir: string;
let store: CertificateStore;

beforeAll(async () => {
  dir = tempDir("server-options");
  store = new CertificateStore(dir);
  await store.load();
  await store.ensure("a.example");
  await store.ensure("b.example");
});
afterAll(() => removeDir(dir));

const insecure: tls.ConnectionOptions = { rejectUnauthorized: false };
const sanOf = (p: Pair): string | undefined => p.client.getPeerCertificate().subjectaltname;

async function withPair<T>(p: Promise<Pair>, fn: (pair: Pair) => T | Promise<T>): Promise<T> {
  const pair = await p;
  try {
    return await fn(pair);
  } finally {
    await pair.close();
  }
}

describe.each(["direct", "starttls"] as const)("SNI (%s)", (mode) => {
  const opts = () => tlsServerOptions(store, "a.example");
  test("host B gets B's certificate, host A gets A's", async () => {
    await withPair(tlsPair(mode, opts(), { ...insecure, servername: "b.example" }), (p) => {
      expect(sanOf(p)).toBe("DNS:b.example");
      expect(p.server.servername).toBe("b.example");
    });
    await withPair(tlsPair(mode, opts(), { ...insecure, servername: "a.example" }), (p) => expect(sanOf(p)).toBe("DNS:a.example"));
  });
  test("unknown SNI gets the default host's certificate", async () => {
    await withPair(tlsPair(mode, opts(), { ...insecure, servername: "unknown.example" }), (p) => expect(sanOf(p)).toBe("DNS:a.example"));
  });
  test("no SNI gets the default host's certificate", async () => {
    // Node sends no SNI when connecting to an IP address without a servername.
    await withPair(tlsPair(mode, tlsServerOptions(store, "b.example"), insecure), (p) => {
      expect(p.server.servername).toBeFalsy();
      expect(sanOf(p)).toBe("DNS:b.example");
    });
  });
});

describe("protocol versions and suites", () => {
  test("a TLS 1.1 client is refused by the server, even if the process default allows 1.1", async () => {
    const legacy: tls.ConnectionOptions = { ...insecure, minVersion: "TLSv1.1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" };
    const saved = liveTls.DEFAULT_MIN_VERSION;
    liveTls.DEFAULT_MIN_VERSION = "TLSv1.1";
    try {
      // Control: this client really can speak TLS 1.1.
      const { cert, key } = store.credentials("a.example");
      await withPair(tlsPair("direct", { cert, key, ciphers: "DEFAULT@SECLEVEL=0" }, legacy), (p) => expect(p.client.getProtocol()).toBe("TLSv1.1"));
      const fresh = new CertificateStore(dir);
      await fresh.load();
      const failure = await expectHandshakeFailure(tlsPair("direct", tlsServerOptions(fresh, "a.example"), legacy));
      expect(failure.clientError.code).toBe("ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION");
      expect(failure.serverError?.code).toBe("ERR_SSL_UNSUPPORTED_PROTOCOL");
    } finally {
      liveTls.DEFAULT_MIN_VERSION = saved;
    }
  });

  test("TLS 1.3 is negotiated by default", async () => {
    await withPair(tlsPair("direct", tlsServerOptions(store, "a.example"), insecure), (p) => expect(p.client.getProtocol()).toBe("TLSv1.3"));
  });

  test("TLS 1.2 works, with an ECDHE AEAD suite", async () => {
    await withPair(tlsPair("starttls", tlsServerOptions(store, "a.example"), { ...insecure, maxVersion: "TLSv1.2" }), (p) => {
      expect(p.client.getProtocol()).toBe("TLSv1.2");
      expect(p.client.getCipher().name).toMatch(/^ECDHE-ECDSA-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
    });
  });

  test("a TLS 1.2 client offering only CBC suites is refused", async () => {
    const failure = await expectHandshakeFailure(
      tlsPair("direct", tlsServerOptions(store, "a.example"), { ...insecure, maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA" }),
    );
    expect(failure.clientError.code).toBe("ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE");
  });

  test("TLS compression and renegotiation are switched off in the options", () => {
    const o = tlsServerOptions(store, "a.example");
    expect(o.minVersion).toBe("TLSv1.2");
    expect(o.honorCipherOrder).toBe(true);
    expect((o.secureOptions ?? 0) & constants.SSL_OP_NO_COMPRESSION).toBeTruthy();
    expect((o.secureOptions ?? 0) & constants.SSL_OP_NO_RENEGOTIATION).toBeTruthy();
    expect(o.rejectUnauthorized).toBe(false);
    expect(o.requestCert).toBe(false);
  });

  test("the default host must have a certificate", () => {
    expect(() => tlsServerOptions(store, "missing.example")).toThrow(/no certificate for missing\.example/);
  });
});

describe("ALPN (XEP-0368 Direct TLS)", () => {
  const opts = () => tlsServerOptions(store, "a.example", { alpn: ["xmpp-client"] });
  test("xmpp-client is accepted", async () => {
    await withPair(tlsPair("direct", opts(), { ...insecure, ALPNProtocols: ["h2", "xmpp-client"] }), (p) => {
      expect(p.client.alpnProtocol).toBe("xmpp-client");
      expect(p.server.alpnProtocol).toBe("xmpp-client");
    });
  });
  test("a client offering only h2 is refused with no_application_protocol", async () => {
    const failure = await expectHandshakeFailure(tlsPair("direct", opts(), { ...insecure, ALPNProtocols: ["h2"] }));
    expect(failure.clientError.code).toBe("ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL");
  });
  test("a client offering no ALPN is accepted", async () => {
    await withPair(tlsPair("direct", opts(), insecure), (p) => expect(p.client.alpnProtocol).toBe(false));
  });
  test("without alpn (STARTTLS), a client that offers xmpp-client anyway is accepted", async () => {
    await withPair(tlsPair("starttls", tlsServerOptions(store, "a.example"), { ...insecure, ALPNProtocols: ["xmpp-client"] }), (p) =>
      expect(p.client.getProtocol()).toBe("TLSv1.3"),
    );
  });
});

describe("renegotiation (TLS 1.2)", () => {
  /** Asks for a renegotiation, then checks whether the connection still echoes. */
  async function renegotiateAndEcho(p: Pair): Promise<{ echoed: boolean; serverClosed: boolean }> {
    let serverClosed = false;
    p.server.on("close", () => (serverClosed = true));
    p.server.on("data", (d) => p.server.write(d));
    p.client.on("error", () => {});
    await new Promise<void>((resolve) => {
      const started = p.client.renegotiate({}, () => resolve());
      if (!started) resolve();
      setTimeout(resolve, 500);
    });
    const echoed = await new Promise<boolean>((resolve) => {
      if (p.client.destroyed) return resolve(false);
      p.client.once("data", () => resolve(true));
      p.client.once("close", () => resolve(false));
      p.client.write("ping", () => {});
      setTimeout(() => resolve(false), 500);
    });
    await new Promise((r) => setTimeout(r, 50));
    return { echoed, serverClosed };
  }

  test("control: a plain Node server lets the client renegotiate", async () => {
    const { cert, key } = store.credentials("a.example");
    await withPair(tlsPair("direct", { cert, key, maxVersion: "TLSv1.2" }, insecure), async (p) => {
      expect(await renegotiateAndEcho(p)).toEqual({ echoed: true, serverClosed: false });
    });
  });

  test("hardenTlsSocket() makes the server drop a renegotiating client", async () => {
    const { cert, key } = store.credentials("a.example");
    await withPair(tlsPair("direct", { cert, key, maxVersion: "TLSv1.2" }, insecure, hardenTlsSocket), async (p) => {
      expect(await renegotiateAndEcho(p)).toEqual({ echoed: false, serverClosed: true });
    });
  });

  test("tlsServerOptions contexts refuse renegotiation even without hardenTlsSocket()", async () => {
    await withPair(tlsPair("starttls", tlsServerOptions(store, "a.example"), { ...insecure, maxVersion: "TLSv1.2" }), async (p) => {
      expect((await renegotiateAndEcho(p)).echoed).toBe(false);
    });
  });
});
